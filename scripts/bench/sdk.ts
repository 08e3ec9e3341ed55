// The action against the OpenHands SDK's own Python client (scripts/bench/sdk_client.py), side
// by side in one run: the same simulated Runtime API whose pods are real agent servers of one
// release (test/real), the same scripted LLM and prompt, runs interleaved. Called by
// `npm run bench` after the simulator figures (or alone: `tsx scripts/bench/sdk.ts`); prints one
// table and the closing `vs SDK client` line, writes bench-sdk.json, and returns whether every
// target was met. BENCHMARKS.md explains every figure.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Job, REPO_ROOT } from '../../test/harness/runner.js'
import type { RecordedRequest } from '../../test/simulator/types.js'
import { startScriptedLlm, LLM_MODEL, step, type LlmScript, type LlmStep, type ScriptedLlm } from '../../test/real/llm.js'
import { installedRelease, RELEASES } from '../../test/real/releases.js'
import { startRealRuntimeApi, type CuttingProxy, type RealRuntimeApi } from '../../test/real/runtime-api.js'
import { RealServer } from '../../test/real/server.js'
import { median, round } from './numbers.js'

const RELEASE = RELEASES.newest
const CLIENT = join(REPO_ROOT, 'scripts', 'bench', 'sdk_client.py')
const IMAGE = `ghcr.io/openhands/agent-server:${RELEASE}-python`
const PROMPT = 'The test in test_calc.py fails. Find the bug and fix it.'
const LLM_KEY = 'bench-llm-key-not-a-secret'
/** Runs per side and scenario; BENCH_SDK_RUNS=1 for a quick look (its figures are not the bench's). */
const RUNS = Number(process.env.BENCH_SDK_RUNS ?? 3)
const P_MS = 5_000
const READY_AT_MS = [5_000, 7_000, 15_000]
const SIGTERM_AFTER_MS = 7_500
const SIGKILL_AFTER_MS = 2_500
const CHECKOUT_FILES = 10_000
const CHECKOUT_BYTES = 50e6

type Side = 'action' | 'sdk'
const SIDES: Side[] = ['action', 'sdk']

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

interface RunOptions {
  provisioningMs: number
  script: LlmScript
  /** Leave the runtime up after the client exits (to read the server's log over REST). */
  keep?: boolean
  /** SIGINT this long after the agent's first LLM request, then SIGTERM and SIGKILL as the runner does. */
  cancelAfterFirstLlmMs?: number
  /** A checkout to copy into the action's workspace. */
  checkout?: string
}

interface Run {
  side: Side
  exitCode: number | null
  wallMs: number
  /** Pod readiness (and server up), from /start. */
  provisionedMs: number
  serverUpMs: number
  agentMs: number
  overheadMs: number
  startToFirstRequestMs: number
  readinessLagMs: number
  /** From ready to the first agent-server request other than /health. */
  readyToFirstCallMs: number
  readyToPromptMs: number
  peakRssMb: number
  runtimeRequests: number
  agentRequests: number
  runtimeRoutes: Record<string, number>
  agentRoutes: Record<string, number>
  refusedBeforeReady: number
  llmRequests: number
  titleCalls: number
  cost: string
  events?: { server: number; delivered: number; lost: number; duplicated: number; extra: number; streamed?: number }
  cancel?: { stopped: boolean; stoppedAfterSigintMs: number | null; exitedAfterSigintMs: number; signals: string[]; interrupted: boolean }
  stdoutTail: string
}

const started = Date.now()
const log: string[] = []
const load: number[] = []

function progress(line: string): void {
  console.log(`… ${line}`)
}

// ---- one run of either side ------------------------------------------------------------------

export async function runOnce(side: Side, options: RunOptions): Promise<Run> {
  // When the LLM sends each answer: the agent's time ends with the last one.
  const answers: number[] = []
  const llm = await startScriptedLlm((n, request) => {
    const next = typeof options.script === 'function' ? options.script(n, request) : (options.script[n] ?? null)
    if (next) answers.push(Date.now() + (next.delayMs ?? 0))
    return next
  })
  const api = await startRealRuntimeApi(RELEASE, { provisioningMs: options.provisioningMs, warm: true })
  const work = mkdtempSync(join(tmpdir(), 'ohrr-bench-sdk-'))
  try {
    await api.warmedUp()
    load.push(loadavg()[0])
    const control = new ClientControl(llm, options)
    const outcome = side === 'action' ? await runAction(api, llm, work, options, control) : await runSdk(api, llm, work, options, control)
    control.stop()
    return await measure(side, api, llm, options, control, outcome, answers)
  } finally {
    await api.close()
    await llm.close()
    rmSync(work, { recursive: true, force: true })
  }
}

interface Outcome {
  exitCode: number | null
  wallMs: number
  startedAt: number
  stdout: string
  conversationId?: string
  /** Event ids as the client holds them (the action's events.jsonl; the SDK's conversation.state.events). */
  delivered?: string[]
  streamed?: string[]
  cost: string
}

/** Samples the client's peak RSS and sends the cancel signals. */
class ClientControl {
  peakKb = 0
  sigintAt?: number
  signals: string[] = []
  exitedAt?: number
  private timer?: NodeJS.Timeout
  private firstLlmAt?: number
  private readonly timers: NodeJS.Timeout[] = []

  constructor(
    private readonly llm: ScriptedLlm,
    private readonly options: RunOptions
  ) {}

  attach(child: ChildProcess): void {
    this.timer = setInterval(() => {
      const hwm = hwmKb(child.pid)
      if (hwm > this.peakKb) this.peakKb = hwm
      if (this.options.cancelAfterFirstLlmMs === undefined || this.sigintAt) return
      if (this.llm.requests.length > 0) this.firstLlmAt ??= Date.now()
      if (this.firstLlmAt && Date.now() - this.firstLlmAt >= this.options.cancelAfterFirstLlmMs) {
        this.sigintAt = Date.now()
        this.signal(child, 'SIGINT')
        this.timers.push(setTimeout(() => this.signal(child, 'SIGTERM'), SIGTERM_AFTER_MS))
        this.timers.push(setTimeout(() => this.signal(child, 'SIGKILL'), SIGTERM_AFTER_MS + SIGKILL_AFTER_MS))
      }
    }, 20)
    child.once('close', () => {
      this.exitedAt = Date.now()
      this.stop()
    })
  }

  private signal(child: ChildProcess, name: NodeJS.Signals): void {
    if (child.exitCode !== null || child.signalCode !== null) return
    this.signals.push(`${name} at +${Date.now() - (this.sigintAt ?? 0)} ms`)
    child.kill(name)
  }

  stop(): void {
    clearInterval(this.timer)
    for (const timer of this.timers) clearTimeout(timer)
  }
}

async function runAction(api: RealRuntimeApi, llm: ScriptedLlm, work: string, options: RunOptions, control: ClientControl): Promise<Outcome> {
  const job = new Job({
    inputs: {
      prompt: PROMPT,
      image: IMAGE,
      'llm-model': LLM_MODEL,
      'llm-base-url': llm.baseUrl,
      'llm-api-key': LLM_KEY,
      'runtime-api-url': api.url,
      'runtime-api-key': api.runtimeApiKey,
      'startup-timeout': '120',
      ...(options.keep ? { 'on-exit': 'keep' } : {})
    },
    env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${api.registryUrl}`, RUNNER_TEMP: join(work, 'runner_temp') }
  })
  try {
    if (options.checkout) {
      rmSync(job.workspace, { recursive: true, force: true })
      cpSync(options.checkout, job.workspace, { recursive: true })
    }
    const startedAt = Date.now()
    const result = await job.main(child => control.attach(child))
    const eventsFile = result.outputs['events-file']
    const delivered =
      eventsFile && existsSync(eventsFile)
        ? readFileSync(eventsFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map(line => String((JSON.parse(line) as { id?: string }).id))
        : undefined
    return {
      exitCode: result.code,
      wallMs: result.elapsedMs,
      startedAt,
      stdout: result.stdout,
      conversationId: result.outputs['conversation-id'],
      delivered,
      cost: result.outputs.cost ?? ''
    }
  } finally {
    job.remove()
  }
}

async function runSdk(api: RealRuntimeApi, llm: ScriptedLlm, work: string, options: RunOptions, control: ClientControl): Promise<Outcome> {
  const python = installedRelease(RELEASE)!.python
  const eventsFile = join(work, 'sdk-events.json')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    LANG: 'C.UTF-8',
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    RUNTIME_API_URL: api.url,
    RUNTIME_API_KEY: api.runtimeApiKey,
    SERVER_IMAGE: IMAGE,
    LLM_MODEL,
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: LLM_KEY,
    PROMPT,
    BENCH_EVENTS_FILE: eventsFile,
    ...(options.keep ? { BENCH_KEEP_ALIVE: '1' } : {})
  }
  const startedAt = Date.now()
  const child = spawn(python, [CLIENT], { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
  control.attach(child)
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', code => resolve(code))
    })
    const wallMs = Date.now() - startedAt
    const held = existsSync(eventsFile)
      ? (JSON.parse(readFileSync(eventsFile, 'utf8')) as { conversation_id: string; streamed: string[]; held: string[] })
      : undefined
    return {
      exitCode,
      wallMs,
      startedAt,
      stdout,
      conversationId: held?.conversation_id,
      delivered: held?.held,
      streamed: held?.streamed,
      cost: /^EXAMPLE_COST: (.*)$/m.exec(stdout)?.[1] ?? ''
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await new Promise(resolve => child.once('close', resolve))
    }
  }
}

// ---- what a run measured -----------------------------------------------------------------------

async function measure(
  side: Side,
  api: RealRuntimeApi,
  llm: ScriptedLlm,
  options: RunOptions,
  control: ClientControl,
  outcome: Outcome,
  answers: number[]
): Promise<Run> {
  const pod = api.pods[0]
  if (!pod) throw new Error(`${side}: no pod was started (exit ${outcome.exitCode}):\n${outcome.stdout.slice(-3_000)}`)
  const proxy = api.proxies.get(pod.runtimeId) as CuttingProxy
  const readyAt = pod.readyAt ?? NaN
  const agentCalls = proxy.requests.filter(r => !r.refused)
  const firstAfterReady = agentCalls.find(r => r.at >= readyAt)
  const firstCallAfterReady = agentCalls.find(r => r.at >= readyAt && r.path !== '/health')
  const prompt = agentCalls.find(r => r.method === 'POST' && /^\/api\/conversations\/[^/]+\/events$/.test(r.path))
  const runtime = api.requests.filter(r => r.server === 'runtime')
  const first = [...api.requests].sort((a, b) => a.at - b.at)[0]
  // A: from the server's receipt of POST /run to the LLM's last answer (the SDK client deletes the conversation, log and all, on close).
  const runAt = agentCalls.find(r => r.method === 'POST' && /^\/api\/conversations\/[^/]+\/run$/.test(r.path))?.at ?? NaN
  const agentMs = Math.max(...answers) - runAt
  const provisionedMs = readyAt - pod.startedAt
  const run: Run = {
    side,
    exitCode: outcome.exitCode,
    wallMs: outcome.wallMs,
    provisionedMs,
    serverUpMs: (pod.serverUpAt ?? NaN) - pod.startedAt,
    agentMs,
    overheadMs: outcome.wallMs - provisionedMs - agentMs,
    startToFirstRequestMs: (first?.at ?? NaN) - outcome.startedAt,
    readinessLagMs: (firstAfterReady?.at ?? NaN) - readyAt,
    readyToFirstCallMs: (firstCallAfterReady?.at ?? NaN) - readyAt,
    readyToPromptMs: (prompt?.at ?? NaN) - readyAt,
    peakRssMb: round((control.peakKb * 1024) / 1e6, 1),
    runtimeRequests: runtime.length,
    agentRequests: agentCalls.length,
    runtimeRoutes: countRoutes(runtime.map(r => `${r.method} ${runtimeRoute(r)}`)),
    agentRoutes: countRoutes(agentCalls.map(r => `${r.method} ${agentRoute(r.path)}`)),
    refusedBeforeReady: proxy.requests.filter(r => r.refused).length,
    llmRequests: llm.requests.length,
    titleCalls: llm.titleCalls,
    cost: outcome.cost,
    stdoutTail: outcome.stdout.slice(-1_500)
  }
  if (options.keep && outcome.conversationId) {
    const logged = (await new RealServer(pod).events(outcome.conversationId)).map(e => String(e.id))
    const delivered = outcome.delivered ?? []
    const held = new Set(delivered)
    const inLog = new Set(logged)
    run.events = {
      server: logged.length,
      delivered: delivered.length,
      lost: logged.filter(id => !held.has(id)).length,
      duplicated: delivered.length - held.size,
      extra: [...held].filter(id => !inLog.has(id)).length,
      ...(outcome.streamed ? { streamed: outcome.streamed.length } : {})
    }
  }
  if (options.cancelAfterFirstLlmMs !== undefined) {
    const sigintAt = control.sigintAt ?? NaN
    run.cancel = {
      stopped: pod.status === 'stopped' && !pod.alive,
      stoppedAfterSigintMs: pod.stoppedAt ? pod.stoppedAt - sigintAt : null,
      exitedAfterSigintMs: (control.exitedAt ?? NaN) - sigintAt,
      signals: control.signals,
      interrupted: agentCalls.some(r => r.method === 'POST' && /\/(interrupt|pause)$/.test(r.path))
    }
  }
  return run
}

function runtimeRoute(r: RecordedRequest): string {
  return r.path.replace(/^\/sessions\/.+/, '/sessions/{session_id}')
}

function agentRoute(path: string): string {
  return path.replace(/^\/api\/conversations\/[0-9a-f-]{32,36}/, '/api/conversations/{id}').replace(/^\/sockets\/events\/.+/, '/sockets/events/{id}')
}

function countRoutes(routes: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const route of routes) counts[route] = (counts[route] ?? 0) + 1
  return counts
}

function hwmKb(pid: number | undefined): number {
  if (!pid) return 0
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

// ---- scenarios -------------------------------------------------------------------------------

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

// ---- report ----------------------------------------------------------------------------------

interface Row {
  figure: string
  action: string
  sdk: string
  ratio: number | null
  target: string
  pass: boolean | null
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
    return report({ main, lag, bulk, cancel, upload })
  } finally {
    rmSync(checkoutDir, { recursive: true, force: true })
  }
}

function report(all: {
  main: Record<Side, Run[]>
  lag: Record<number, Record<Side, Run[]>>
  bulk: Record<Side, Run[]>
  cancel: Record<Side, Run[]>
  upload: Record<Side, Run[]>
}): boolean {
  const { main, lag, bulk, cancel, upload } = all
  const rows: Row[] = []
  const stat = (runs: Run[], key: (r: Run) => number): { median: number; min: number; max: number } => {
    const values = runs.map(key)
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
  }
  const spread = (s: { median: number; min: number; max: number }, unit: string): string => `${fmt(s.median)} ${unit} [${fmt(s.min)}–${fmt(s.max)}]`
  const failedRuns = [
    ...main.action,
    ...main.sdk,
    ...Object.values(lag).flatMap(r => [...r.action, ...r.sdk]),
    ...bulk.action,
    ...bulk.sdk,
    ...upload.action
  ].filter(r => r.exitCode !== 0)

  const overhead = { action: stat(main.action, r => r.overheadMs), sdk: stat(main.sdk, r => r.overheadMs) }
  const overheadRatio = overhead.action.median / overhead.sdk.median
  rows.push({
    figure: `Overhead wall − (P + A), P ${P_MS / 1000} s, A ~10 s`,
    action: spread(overhead.action, 'ms'),
    sdk: spread(overhead.sdk, 'ms'),
    ratio: overheadRatio,
    target: '≤ 0.5× and ≤ 300 ms',
    pass: overheadRatio <= 0.5 && overhead.action.median <= 300
  })
  rows.push({
    figure: '  of which: start → first request',
    action: spread(
      stat(main.action, r => r.startToFirstRequestMs),
      'ms'
    ),
    sdk: spread(
      stat(main.sdk, r => r.startToFirstRequestMs),
      'ms'
    ),
    ratio: median(main.action.map(r => r.startToFirstRequestMs)) / median(main.sdk.map(r => r.startToFirstRequestMs)),
    target: '—',
    pass: null
  })
  const lagRatios: number[] = []
  for (const [readyAtMs, runs] of Object.entries(lag)) {
    const a = stat(runs.action, r => r.readinessLagMs)
    const s = stat(runs.sdk, r => r.readinessLagMs)
    lagRatios.push(a.median / s.median)
    rows.push({
      figure: `Readiness lag, pod ready at ${Number(readyAtMs) / 1000} s`,
      action: spread(a, 'ms'),
      sdk: spread(s, 'ms'),
      ratio: a.median / s.median,
      target: '≤ 0.25×',
      pass: a.median / s.median <= 0.25
    })
  }
  const requests = { action: stat(main.action, r => r.runtimeRequests), sdk: stat(main.sdk, r => r.runtimeRequests) }
  const requestsRatio = requests.action.median / requests.sdk.median
  rows.push({
    figure: `Runtime API requests / run (P ${P_MS / 1000} s)`,
    action: spread(requests.action, ''),
    sdk: spread(requests.sdk, ''),
    ratio: requestsRatio,
    target: '≤ 2×',
    pass: requestsRatio <= 2
  })
  const agent = { action: stat(main.action, r => r.agentRequests), sdk: stat(main.sdk, r => r.agentRequests) }
  rows.push({
    figure: `Agent-server requests / run (P ${P_MS / 1000} s)`,
    action: spread(agent.action, ''),
    sdk: spread(agent.sdk, ''),
    ratio: agent.action.median / agent.sdk.median,
    target: '—',
    pass: null
  })
  const rss = { action: stat(main.action, r => r.peakRssMb), sdk: stat(main.sdk, r => r.peakRssMb) }
  rows.push({
    figure: 'Peak RSS of the client process',
    action: spread(rss.action, 'MB'),
    sdk: spread(rss.sdk, 'MB'),
    ratio: rss.action.median / rss.sdk.median,
    target: '—',
    pass: null
  })
  const ev = (runs: Run[]): string => {
    const e = runs.map(r => r.events)
    if (e.some(x => !x)) return 'no events read'
    const sum = (k: 'server' | 'delivered' | 'lost' | 'duplicated' | 'extra'): number => e.reduce((n, x) => n + x![k], 0)
    return `${sum('delivered')}/${sum('server')} delivered, ${sum('lost')} lost, ${sum('duplicated')} dup`
  }
  const clean = (runs: Run[]): boolean => runs.every(r => r.events && r.events.lost === 0 && r.events.duplicated === 0 && r.events.extra === 0)
  rows.push({
    figure: `~2 000-event run (${RUNS} runs, vs REST search)`,
    action: ev(bulk.action),
    sdk: ev(bulk.sdk),
    ratio: null,
    target: 'none lost or duplicated',
    pass: clean(bulk.action)
  })
  const stopped = (runs: Run[]): string => {
    const times = runs.map(r => r.cancel?.stoppedAfterSigintMs)
    const all = times.every(t => t !== null && t !== undefined)
    const known = times.filter((t): t is number => typeof t === 'number')
    return all
      ? `${runs.length}/${runs.length} stopped, ${spread(
          stat(runs, r => r.cancel!.stoppedAfterSigintMs!),
          'ms'
        )}`
      : `${known.length}/${runs.length} stopped`
  }
  rows.push({
    figure: 'Cancel: runtime stopped after SIGINT',
    action: stopped(cancel.action),
    sdk: stopped(cancel.sdk),
    ratio: null,
    target: 'every run ≤ 7,500 ms',
    pass: cancel.action.every(r => r.cancel?.stopped && r.cancel.stoppedAfterSigintMs !== null && r.cancel.stoppedAfterSigintMs <= SIGTERM_AFTER_MS)
  })
  const prompt = { action: stat(upload.action, r => r.readyToPromptMs), sdk: stat(main.sdk, r => r.readyToPromptMs) }
  rows.push({
    figure: `Ready → prompt sent, ${CHECKOUT_BYTES / 1e6} MB checkout (SDK: no upload)`,
    action: spread(prompt.action, 'ms'),
    sdk: spread(prompt.sdk, 'ms'),
    ratio: prompt.action.median / prompt.sdk.median,
    target: '≤ 1,000 ms',
    pass: prompt.action.median <= 1_000
  })
  rows.push({
    figure: '  the same without a checkout',
    action: spread(
      stat(main.action, r => r.readyToPromptMs),
      'ms'
    ),
    sdk: spread(prompt.sdk, 'ms'),
    ratio: median(main.action.map(r => r.readyToPromptMs)) / prompt.sdk.median,
    target: '—',
    pass: null
  })

  const header = ['figure', 'action', 'SDK client', 'ratio', 'target', 'pass']
  const cells = rows.map(r => [
    r.figure,
    r.action,
    r.sdk,
    r.ratio === null || !Number.isFinite(r.ratio) ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)))
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i])).join(' | ')
  const cpu = cpus()
  const loads = load.map(l => l.toFixed(1))
  console.log(
    `\nvs SDK client: agent server, openhands-sdk and openhands-workspace ${RELEASE}; on ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version},` +
      ` ${new Date().toISOString().slice(0, 10)}; load average at the runs' starts ${median(load).toFixed(1)} [${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}].` +
      ` Medians [min–max] of ${RUNS} interleaved runs.`
  )
  console.log(`${line(header)}\n${widths.map(w => '-'.repeat(w)).join('-|-')}`)
  for (const c of cells) console.log(line(c))

  console.log('\nRequests of the median-overhead run of each side (P 5 s), by route:')
  for (const side of SIDES) {
    const run = [...main[side]].sort((a, b) => a.overheadMs - b.overheadMs)[1] ?? main[side][0]
    console.log(
      `  ${side}: Runtime API ${JSON.stringify(run.runtimeRoutes)}; agent server ${JSON.stringify(run.agentRoutes)}; 503s before ready ${run.refusedBeforeReady}`
    )
  }
  for (const side of SIDES) {
    console.log(
      `  ${side} runs (P 5 s): ` +
        main[side]
          .map(
            r =>
              `wall ${r.wallMs} = P ${fmt(r.provisionedMs)} (server up ${fmt(r.serverUpMs)}) + A ${fmt(r.agentMs)} + ${fmt(r.overheadMs)}; lag ${fmt(r.readinessLagMs)}, first call ${fmt(r.readyToFirstCallMs)}, prompt ${fmt(r.readyToPromptMs)}; LLM ${r.llmRequests} (+${r.titleCalls} title); cost ${r.cost}`
          )
          .join(' | ')
    )
  }
  for (const side of SIDES) {
    console.log(
      `  cancel, ${side}: ` +
        cancel[side]
          .map(
            r =>
              `stopped ${r.cancel?.stopped ? `at +${r.cancel.stoppedAfterSigintMs} ms` : 'no'}, exited at +${fmt(r.cancel?.exitedAfterSigintMs ?? NaN)} ms, signals ${r.cancel?.signals.join(', ')}, agent interrupted ${r.cancel?.interrupted ? 'yes' : 'no'}`
          )
          .join(' | ')
    )
  }
  for (const side of SIDES) console.log(`  events, ${side}: ${bulk[side].map(r => JSON.stringify(r.events)).join(' ')}`)
  if (failedRuns.length) console.log(`  runs that did not exit 0: ${failedRuns.map(r => `${r.side} (exit ${r.exitCode})`).join(', ')}`)

  const judged = rows.filter(r => r.pass !== null)
  const pass = judged.every(r => r.pass) && failedRuns.length === 0
  writeFileSync(
    join(REPO_ROOT, 'bench-sdk.json'),
    `${JSON.stringify({ date: new Date().toISOString(), durationS: round((Date.now() - started) / 1000), release: RELEASE, loadAverages: loads, rows, runs: all, log }, null, 2)}\n`
  )
  const failed = judged.filter(r => !r.pass).map(r => r.figure.trim())
  console.log(
    failed.length || failedRuns.length ? `\nFAIL: ${[...failed, ...(failedRuns.length ? ['runs that did not exit 0'] : [])].join('; ')}` : '\nAll targets met.'
  )
  console.log(`Wrote bench-sdk.json (${round((Date.now() - started) / 1000)} s).`)
  console.log(
    `vs SDK client ${RELEASE}: overhead ${overheadRatio.toFixed(2)}x, readiness lag ${Math.max(...lagRatios).toFixed(2)}x, runtime requests ${requestsRatio.toFixed(2)}x`
  )
  return pass
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US')
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 10 ? 2 : 0)
}

// Alone: `tsx scripts/bench/sdk.ts`.
if (process.argv[1]?.endsWith(join('scripts', 'bench', 'sdk.ts'))) process.exitCode = (await sdkBench()) ? 0 : 1
