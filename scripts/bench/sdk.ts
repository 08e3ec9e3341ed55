// The action against the OpenHands SDK's own Python client (scripts/bench/sdk_client.py), side
// by side in one run: the same simulated Runtime API whose pods are real agent servers of one
// release (test/real), the same scripted LLM and prompt, runs interleaved. Called by
// `npm run bench` after the simulator figures (or alone: `tsx scripts/bench/sdk.ts`); prints one
// table and the closing `vs SDK client` line, writes bench-sdk.json, and returns whether every
// target was met. BENCHMARKS.md explains every figure. One run: sdk-run.ts; what it measured:
// sdk-measure.ts; the table: sdk-report.ts.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { step, type LlmScript, type LlmStep } from '../../test/real/llm.js'
import { installedRelease } from '../../test/real/releases.js'
import { progress } from './common.js'
import { SIDES, type Run, type Side } from './sdk-measure.js'
import { report } from './sdk-report.js'
import { RELEASE, runOnce, type RunOptions } from './sdk-run.js'

export { runOnce, type RunOptions } from './sdk-run.js'
export type { Run, Side } from './sdk-measure.js'

/** Runs per side and scenario; BENCH_SDK_RUNS=1 for a quick look (its figures are not the bench's). */
const RUNS = Number(process.env.BENCH_SDK_RUNS ?? 3)
const P_MS = 5_000
const READY_AT_MS = [5_000, 7_000, 15_000]
const CHECKOUT_FILES = 10_000
const CHECKOUT_BYTES = 50e6

/** A 10 s agent: five LLM answers of 2 s each, four of them a command. */
export const AGENT_SCRIPT: LlmStep[] = [
  ...Array.from({ length: 4 }, (_, i) => ({ ...step.run(`echo step ${i}`), delayMs: 2_000 })),
  { ...step.finish('Done.'), delayMs: 2_000 }
]
export const SHORT_SCRIPT: LlmStep[] = [step.run('echo hello'), step.finish('Done.')]
/** About 2 000 events: ten answers of 99 think calls (an action and an observation each), then finish. */
export const BULK_SCRIPT: LlmScript = n =>
  n < 10
    ? { calls: Array.from({ length: 99 }, (_, i) => ({ tool: 'think' as const, args: { thought: `note ${n}.${i}` } })) }
    : n === 10
      ? step.finish('Done.')
      : null
/** Never ends by itself: a slow command, then more of them. */
export const CANCEL_SCRIPT: LlmScript = n => (n === 0 ? step.run('echo started; sleep 30') : step.run('sleep 30'))

const started = Date.now()
const log: string[] = []

/** RUNS rounds of both sides, the order alternating from round to round. */
async function interleaved(what: string, options: RunOptions, sides: Side[] = SIDES): Promise<Record<Side, Run[]>> {
  const runs: Record<Side, Run[]> = { action: [], sdk: [] }
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse()
    for (const side of order) {
      progress(`${what}: ${side === 'sdk' ? 'SDK client' : 'action'}, run ${i + 1} of ${RUNS}`)
      const run = await runOnce(side, options)
      runs[side].push(run)
      log.push(`${what} ${side} ${i + 1}: exit ${run.exitCode}, wall ${run.wallMs} ms`)
      if (run.exitCode !== 0 && options.cancelAfterFirstLlmMs === undefined) console.log(`  ${side} exited ${run.exitCode}:\n${run.stdoutTail}`)
    }
  }
  return runs
}

/** A git checkout of CHECKOUT_FILES text files, CHECKOUT_BYTES in all, committed. */
export function makeCheckout(dir: string): void {
  mkdirSync(dir, { recursive: true })
  const size = Math.round(CHECKOUT_BYTES / CHECKOUT_FILES)
  for (let i = 0; i < CHECKOUT_FILES; i++) {
    const sub = join(dir, 'src', `m${Math.floor(i / 100)}`)
    if (i % 100 === 0) mkdirSync(sub, { recursive: true })
    // Base64 of random bytes: text that packs to about three quarters of its size, as minified sources do.
    writeFileSync(
      join(sub, `f${i}.txt`),
      randomBytes(Math.ceil((size * 3) / 4))
        .toString('base64')
        .slice(0, size)
    )
  }
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', '-c', 'gc.auto=0', ...args], { cwd: dir, encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'checkout')
  // One pack, as a clone by actions/checkout has, rather than a loose object per file.
  git('gc', '-q', '--prune=now')
}

export async function sdkBench(): Promise<boolean> {
  const why =
    process.platform !== 'linux' || process.getuid?.() !== 0
      ? 'needs root on Linux (the real pods use mount and PID namespaces)'
      : !installedRelease(RELEASE)
        ? `agent server ${RELEASE} is not installed (npm run real-server:setup)`
        : null
  if (why) {
    console.log(`\nvs SDK client ${RELEASE}: not run: the comparison ${why}; its targets are unverified.`)
    return false
  }
  const checkoutDir = mkdtempSync(join(tmpdir(), 'ohrr-bench-checkout-'))
  try {
    progress(`vs SDK client ${RELEASE}, on real agent servers; ${RUNS} interleaved runs per scenario`)
    const main = await interleaved(`P ${P_MS / 1000} s, A 10 s`, { provisioningMs: P_MS, script: AGENT_SCRIPT })
    const lag: Record<number, Record<Side, Run[]>> = { [P_MS]: main }
    for (const readyAtMs of READY_AT_MS.filter(ms => ms !== P_MS)) {
      lag[readyAtMs] = await interleaved(`pod ready at ${readyAtMs / 1000} s`, { provisioningMs: readyAtMs, script: SHORT_SCRIPT })
    }
    const bulk = await interleaved('2 000 events', { provisioningMs: P_MS, script: BULK_SCRIPT, keep: true })
    const cancel = await interleaved('cancel mid-run', { provisioningMs: P_MS, script: CANCEL_SCRIPT, cancelAfterFirstLlmMs: 1_500 })
    progress(`Making a ${CHECKOUT_FILES}-file, ${CHECKOUT_BYTES / 1e6} MB checkout`)
    makeCheckout(checkoutDir)
    const upload = await interleaved(`${CHECKOUT_BYTES / 1e6} MB checkout`, { provisioningMs: P_MS, script: SHORT_SCRIPT, checkout: checkoutDir }, ['action'])
    return report({ main, lag, bulk, cancel, upload }, { runsPerSide: RUNS, provisioningMs: P_MS, checkoutBytes: CHECKOUT_BYTES, log, startedAt: started })
  } finally {
    rmSync(checkoutDir, { recursive: true, force: true })
  }
}

// Alone: `tsx scripts/bench/sdk.ts`.
if (process.argv[1]?.endsWith(join('scripts', 'bench', 'sdk.ts'))) process.exitCode = (await sdkBench()) ? 0 : 1
