import { setTimeout as sleep } from 'node:timers/promises'
import { callJson } from '../http.js'
import type { ResourceFactor, Settings } from '../inputs.js'
import { formatDuration, info, warning } from '../log.js'
import { deadline } from '../timing.js'
import type { RuntimeApi, RuntimeInfo, StartRequest } from './client.js'

export interface ReadyRuntime {
  runtimeId: string
  url: string
  sessionApiKey?: string
  /** How the runtime was obtained. */
  origin: 'started' | 'reused' | 'resumed'
}

/** The API is shared by every job of every user: at most two status polls a second. */
const STATUS_POLL_MS = 500
const PROGRESS_EVERY_MS = 10_000
const HEALTH_TIMEOUT_MS = 5_000
const HEALTH_PROBE_MS = 100
const UNLISTED_GRACE_MS = 10_000
const HEALTH_PROBE_TIMEOUT_MS = 1_000
const POD_LOG_TAIL = 4_000

export class RuntimeStartError extends Error {
  constructor(
    message: string,
    readonly runtimeId: string,
    /** Out of memory or crash-looping: worth a retry with more resources. */
    readonly resourceFailure = false
  ) {
    super(message)
    this.name = 'RuntimeStartError'
  }
}

/**
 * Provisions a ready runtime. A failed start-up is retried `startup-retries` times with a new
 * runtime (the failed one stopped first), doubling resource-factor after a resource failure
 * (1 → 2 → 4 → 8), as the OpenHands benchmarks harness does.
 */
export async function provisionRuntime(
  api: RuntimeApi,
  settings: Settings,
  onRuntimeId: (runtimeId: string) => void,
  signal?: AbortSignal
): Promise<ReadyRuntime> {
  let resourceFactor = settings.resourceFactor
  for (let attempt = 1; ; attempt++) {
    try {
      return await attachOrStart(api, { ...settings, resourceFactor }, onRuntimeId, signal)
    } catch (err) {
      if (!(err instanceof RuntimeStartError) || attempt > settings.startupRetries || signal?.aborted) throw err
      await api.stop(err.runtimeId).catch(stopErr => warning(`Could not stop the failed runtime ${err.runtimeId}: ${(stopErr as Error).message}`))
      if (err.resourceFailure && resourceFactor < 8) resourceFactor = (resourceFactor * 2) as ResourceFactor
      warning(
        `${err.message.split('\n')[0]} Retrying with a new runtime (attempt ${attempt + 1} of ${settings.startupRetries + 1}, resource-factor ${resourceFactor}).`
      )
    }
  }
}

/**
 * Attaches to the session's runtime or starts one (protocol.md A.3), reports its id the
 * moment it is known, and waits until its agent server answers.
 */
async function attachOrStart(api: RuntimeApi, settings: Settings, onRuntimeId: (runtimeId: string) => void, cancel?: AbortSignal): Promise<ReadyRuntime> {
  // startup-timeout holds even while a request hangs: every call of the attempt gets this signal.
  const seconds = settings.startupTimeoutMs / 1000
  const limit = deadline(settings.startupTimeoutMs, cancel, `no answer before startup-timeout (${seconds}s) passed`)
  let runtimeId: string | undefined
  try {
    return await attachOrStartWithin(api, settings, id => onRuntimeId((runtimeId = id)), limit.signal, Date.now() + settings.startupTimeoutMs)
  } catch (err) {
    if (!limit.expired || cancel?.aborted || !runtimeId) throw err
    throw new RuntimeStartError(`Runtime ${runtimeId} was not ready after ${seconds}s (startup-timeout): ${(err as Error).message}`, runtimeId)
  } finally {
    limit.clear()
  }
}

async function attachOrStartWithin(
  api: RuntimeApi,
  settings: Settings,
  onRuntimeId: (runtimeId: string) => void,
  signal: AbortSignal,
  readyBy: number
): Promise<ReadyRuntime> {
  const existing = await api.getSession(settings.sessionId, { signal })
  let runtime: RuntimeInfo
  let origin: ReadyRuntime['origin'] = 'started'

  if (existing?.status === 'running') {
    info(`Reusing runtime ${existing.runtimeId} of session ${settings.sessionId}.`)
    onRuntimeId(existing.runtimeId)
    runtime = existing
    origin = 'reused'
  } else if (existing?.status === 'paused') {
    info(`Resuming paused runtime ${existing.runtimeId} of session ${settings.sessionId}.`)
    onRuntimeId(existing.runtimeId)
    try {
      await api.resume(existing.runtimeId, { signal })
      runtime = existing
      origin = 'resumed'
    } catch (err) {
      if (signal.aborted) throw err
      warning(`Could not resume runtime ${existing.runtimeId} (${(err as Error).message}); starting a new one.`)
      runtime = await start(api, settings, onRuntimeId, signal)
    }
  } else {
    runtime = await start(api, settings, onRuntimeId, signal)
  }
  const ready = await waitUntilReady(api, settings.sessionId, runtime, readyBy, settings.startupTimeoutMs, signal)
  return { ...ready, origin }
}

async function start(api: RuntimeApi, settings: Settings, onRuntimeId: (runtimeId: string) => void, signal: AbortSignal): Promise<RuntimeInfo> {
  info(`Starting a runtime with image ${settings.image} (session ${settings.sessionId}).`)
  const runtime = await api.start(startRequest(settings), { signal })
  onRuntimeId(runtime.runtimeId)
  info(`Runtime ${runtime.runtimeId} started at ${runtime.url}.`)
  return runtime
}

/** The body the OpenHands SDK's APIRemoteWorkspace sends (protocol.md A.2). */
export function startRequest(settings: Settings): StartRequest {
  return {
    image: settings.image,
    command: '/usr/local/bin/openhands-agent-server --port 60000',
    working_dir: '/',
    environment: settings.agent.kind === 'acp' ? acpEnvironment(settings) : {},
    session_id: settings.sessionId,
    run_as_user: 10001,
    fs_group: 10001,
    image_pull_policy: settings.imagePullPolicy,
    runtime_class: 'sysbox-runc',
    ...(settings.resourceFactor !== 1 ? { resource_factor: settings.resourceFactor } : {})
  }
}

/**
 * An ACP agent CLI reads its provider key (and a proxy URL, from llm-base-url) from its
 * environment; the OpenHands example forwards them at /start, as here (protocol.md §G).
 */
export function acpEnvironment(settings: Settings): Record<string, string> {
  if (settings.agent.kind !== 'acp') return {}
  const command = settings.agent.command.join(' ').toLowerCase()
  const [key, url] = /codex|openai/.test(command)
    ? ['OPENAI_API_KEY', 'OPENAI_BASE_URL']
    : /gemini/.test(command)
      ? ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL']
      : ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']
  return { [key]: settings.llm.apiKey, ...(settings.llm.baseUrl ? { [url]: settings.llm.baseUrl } : {}) }
}

/**
 * Judges the last known status, then polls the pod status at most twice a second, then the
 * agent server's unauthenticated /health (protocol.md A.3 step 4).
 */
async function waitUntilReady(
  api: RuntimeApi,
  sessionId: string,
  initial: RuntimeInfo,
  readyBy: number,
  timeoutMs: number,
  signal: AbortSignal
): Promise<Omit<ReadyRuntime, 'origin'>> {
  const started = Date.now()
  let runtime = initial
  let lastPoll = started
  let lastProgress = started
  let healthSeen = false
  for (;;) {
    const pod = runtime.podStatus ?? 'pending'
    if (pod === 'ready' && (await isHealthy(runtime.url, signal)) && (await apiAnswers(runtime.url, runtime.sessionApiKey, signal))) {
      info(`Runtime ${runtime.runtimeId} is ready after ${formatDuration(Date.now() - started)}.`)
      return { runtimeId: runtime.runtimeId, url: runtime.url, sessionApiKey: runtime.sessionApiKey }
    }
    if (pod === 'crashloopbackoff') {
      throw new RuntimeStartError(
        `Runtime ${runtime.runtimeId} crashed and is restarting (possibly out of memory; try a larger resource-factor).${details(runtime)}`,
        runtime.runtimeId,
        true
      )
    }
    if (pod === 'failed' || pod === 'unknown') {
      const oom = runtime.restartReasons.some(reason => /oom/i.test(reason))
      throw new RuntimeStartError(`Runtime ${runtime.runtimeId} failed to start (pod status: ${pod}).${details(runtime)}`, runtime.runtimeId, oom)
    }
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now()
      const restarts = runtime.restartCount > 0 ? `, ${runtime.restartCount} restarts (${runtime.restartReasons.join(', ')})` : ''
      info(`Waiting for runtime ${runtime.runtimeId}: pod ${pod}, ${formatDuration(lastProgress - started)} waited${restarts}.`)
    }
    const nextPoll = lastPoll + STATUS_POLL_MS
    if (nextPoll >= readyBy) {
      throw new RuntimeStartError(
        `Runtime ${runtime.runtimeId} was not ready after ${timeoutMs / 1000}s (startup-timeout); last pod status: ${pod}.${details(runtime)}`,
        runtime.runtimeId
      )
    }
    // Container up, not yet Ready: the agent server's own /health (cheap, unauthenticated) says first when it
    // answers, so readiness is seen within ~100 ms without polling the shared Runtime API any faster.
    // Once /health has answered, the status is polled at the usual pace until the Runtime API says ready too.
    if (pod === 'running' && !healthSeen) healthSeen = await probeHealthUntil(runtime.url, nextPoll, signal)
    else if (nextPoll > Date.now()) await sleep(nextPoll - Date.now(), undefined, { signal })
    lastPoll = Date.now()
    const current = await api.getSession(sessionId, { signal })
    if (current) runtime = { ...current, sessionApiKey: current.sessionApiKey ?? runtime.sessionApiKey }
    // A runtime just started may not be listed under its session for a moment; after that, a 404 means it is gone.
    else if (Date.now() - started > UNLISTED_GRACE_MS) {
      throw new RuntimeStartError(`Runtime ${runtime.runtimeId} disappeared while starting (no runtime for session ${sessionId}).`, runtime.runtimeId)
    }
  }
}

/** Probes /health until it answers 2xx (true) or `until` passes (false). */
async function probeHealthUntil(url: string, until: number, signal: AbortSignal): Promise<boolean> {
  while (Date.now() < until) {
    const probeStarted = Date.now()
    if (await isHealthy(url, signal, HEALTH_PROBE_TIMEOUT_MS)) return true
    const wait = Math.min(HEALTH_PROBE_MS - (Date.now() - probeStarted), until - Date.now())
    if (wait > 0) await sleep(wait, undefined, { signal })
  }
  return false
}

/**
 * A server in deferred-init mode (a warm pool) answers /health while every /api route is 503
 * until it is initialised (protocol.md B.3): ready means an authenticated call answers.
 */
async function apiAnswers(url: string, sessionApiKey: string | undefined, signal: AbortSignal): Promise<boolean> {
  const headers: Record<string, string> = sessionApiKey ? { 'X-Session-API-Key': sessionApiKey } : {}
  const reply = await callJson(`${url}/api/conversations/count`, {
    call: 'Agent server GET /api/conversations/count',
    headers,
    retries: 0,
    timeoutMs: HEALTH_TIMEOUT_MS,
    accept: [503],
    signal
  }).catch(err => {
    if (signal.aborted) throw err
    // Anything but "still starting" is for the calls that follow to report.
    return { status: 200 }
  })
  return reply.status !== 503
}

async function isHealthy(url: string, signal: AbortSignal, timeoutMs = HEALTH_TIMEOUT_MS): Promise<boolean> {
  try {
    await callJson(`${url}/health`, { call: 'Agent server GET /health', retries: 0, timeoutMs, signal })
    return true
  } catch (err) {
    if (signal.aborted) throw err
    return false
  }
}

function details(runtime: RuntimeInfo): string {
  const lines: string[] = []
  if (runtime.restartCount > 0) lines.push(`Restarts: ${runtime.restartCount}${runtime.restartReasons.length ? ` (${runtime.restartReasons.join(', ')})` : ''}`)
  if (runtime.podLogs) lines.push(`Pod logs (last lines):\n${runtime.podLogs.slice(-POD_LOG_TAIL)}`)
  return lines.length ? `\n${lines.join('\n')}` : ''
}
