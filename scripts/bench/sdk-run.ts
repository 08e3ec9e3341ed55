// One run of the SDK comparison, of either side: a fresh simulated Runtime API whose pods are
// real agent servers of one release, a fresh scripted LLM, then the action (dist/main) or the
// SDK's own client (sdk_client.py) against them, with the runner's cancel signals when asked.
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Job, REPO_ROOT } from '../../test/harness/runner.js'
import { startScriptedLlm, LLM_MODEL, type LlmScript, type ScriptedLlm } from '../../test/real/llm.js'
import { installedRelease, RELEASES } from '../../test/real/releases.js'
import { startRealRuntimeApi, type RealRuntimeApi } from '../../test/real/runtime-api.js'
import { hwmKb, measure, type Outcome, type ProcessRecord, type Run, type Side } from './sdk-measure.js'

export const RELEASE = RELEASES.newest
const CLIENT = join(REPO_ROOT, 'scripts', 'bench', 'sdk_client.py')
const IMAGE = `ghcr.io/openhands/agent-server:${RELEASE}-python`
const PROMPT = 'The test in test_calc.py fails. Find the bug and fix it.'
const LLM_KEY = 'bench-llm-key-not-a-secret'
/** The runner's cancel: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that. */
export const SIGTERM_AFTER_MS = 7_500
const SIGKILL_AFTER_MS = 2_500

export interface RunOptions {
  provisioningMs: number
  script: LlmScript
  /** Leave the runtime up after the client exits (to read the server's log over REST). */
  keep?: boolean
  /** SIGINT this long after the agent's first LLM request, then SIGTERM and SIGKILL as the runner does. */
  cancelAfterFirstLlmMs?: number
  /** A checkout to copy into the action's workspace. */
  checkout?: string
}

/** The 1-minute load average at the start of every run, in order (the report gives their spread). */
export const loadAtRunStarts: number[] = []

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
    loadAtRunStarts.push(loadavg()[0])
    const control = new ClientControl(llm, options)
    const outcome = side === 'action' ? await runAction(api, llm, work, options, control) : await runSdk(api, llm, work, options, control)
    control.stop()
    return await measure(side, api, llm, { keep: options.keep, cancelled: options.cancelAfterFirstLlmMs !== undefined }, control, outcome, answers)
  } finally {
    await api.close()
    await llm.close()
    rmSync(work, { recursive: true, force: true })
  }
}

/** Samples the client's peak RSS and sends the cancel signals. */
class ClientControl implements ProcessRecord {
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
      // The same agent on both sides: the SDK client's is get_default_agent without its condenser (sdk_client.py).
      condenser: 'false',
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
