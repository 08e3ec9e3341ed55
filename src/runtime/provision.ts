import { setTimeout as sleep } from 'node:timers/promises'
import { AgentServer } from '../agent-server/client.js'
import { formatDuration, info, warning } from '../log.js'
import { deadline } from '../timing.js'
import { startRequest, type ResourceFactor, type RuntimeApi, type RuntimeInfo, type RuntimeSpec } from './client.js'

export interface ReadyRuntime {
  runtimeId: string
  url: string
  sessionApiKey?: string
  /** How the runtime was obtained. */
  origin: 'started' | 'reused' | 'resumed'
}

export interface ProvisionOptions {
  runtime: RuntimeSpec
  startupTimeoutMs: number
  /** New runtimes to try after a failed start-up. */
  startupRetries: number
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
 * (1 → 2 → 4 → 8), as the OpenHands benchmarks harness does. Yields every runtime id as soon
 * as it is known (the caller saves it, so that the post step can release it); returns the ready runtime.
 */
export async function* provisionRuntime(api: RuntimeApi, options: ProvisionOptions, signal: AbortSignal): AsyncGenerator<string, ReadyRuntime> {
  let resourceFactor = options.runtime.resourceFactor
  for (let attempt = 1; ; attempt++) {
    const runtime: RuntimeSpec = { ...options.runtime, resourceFactor }
    let runtimeId: string | undefined
    // startup-timeout holds even while a request hangs: every call of the attempt gets this signal.
    const seconds = options.startupTimeoutMs / 1000
    const limit = deadline(options.startupTimeoutMs, signal, `no answer before startup-timeout (${seconds}s) passed`)
    try {
      const existing = await api.getSession(runtime.sessionId, { signal: limit.signal })
      if (existing?.status === 'running' || existing?.status === 'paused') yield (runtimeId = existing.runtimeId)
      const obtained = await obtainRuntime(api, runtime, existing, limit.signal)
      if (obtained.runtime.runtimeId !== runtimeId) yield (runtimeId = obtained.runtime.runtimeId)
      const ready = await waitUntilReady(
        api,
        runtime.sessionId,
        obtained.runtime,
        Date.now() + options.startupTimeoutMs,
        options.startupTimeoutMs,
        limit.signal
      )
      return { ...ready, origin: obtained.origin }
    } catch (caught) {
      const err =
        limit.expired && !signal.aborted && runtimeId
          ? new RuntimeStartError(`Runtime ${runtimeId} was not ready after ${seconds}s (startup-timeout): ${(caught as Error).message}`, runtimeId)
          : caught
      if (!(err instanceof RuntimeStartError) || attempt > options.startupRetries || signal.aborted) throw err
      await api.stop(err.runtimeId, { signal }).catch(stopErr => warning(`Could not stop the failed runtime ${err.runtimeId}: ${(stopErr as Error).message}`))
      if (err.resourceFailure && resourceFactor < 8) resourceFactor = (resourceFactor * 2) as ResourceFactor
      warning(
        `${err.message.split('\n')[0]} Retrying with a new runtime (attempt ${attempt + 1} of ${options.startupRetries + 1}, resource-factor ${resourceFactor}).`
      )
    } finally {
      limit.clear()
    }
  }
}

/** Attaches to the session's runtime (running or paused), or starts one (protocol.md A.3). */
async function obtainRuntime(
  api: RuntimeApi,
  spec: RuntimeSpec,
  existing: RuntimeInfo | undefined,
  signal: AbortSignal
): Promise<{ runtime: RuntimeInfo; origin: ReadyRuntime['origin'] }> {
  if (existing?.status === 'running') {
    info(`Reusing runtime ${existing.runtimeId} of session ${spec.sessionId}.`)
    return { runtime: existing, origin: 'reused' }
  }
  if (existing?.status === 'paused') {
    info(`Resuming paused runtime ${existing.runtimeId} of session ${spec.sessionId}.`)
    try {
      await api.resume(existing.runtimeId, { signal })
      return { runtime: existing, origin: 'resumed' }
    } catch (err) {
      if (signal.aborted) throw err
      warning(`Could not resume runtime ${existing.runtimeId} (${(err as Error).message}); starting a new one.`)
    }
  }
  info(`Starting a runtime with image ${spec.image} (session ${spec.sessionId}).`)
  const runtime = await api.start(startRequest(spec), { signal })
  info(`Runtime ${runtime.runtimeId} started at ${runtime.url}.`)
  return { runtime, origin: 'started' }
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
    const server = new AgentServer(runtime.url, runtime.sessionApiKey)
    if (pod === 'ready' && (await isServing(server, signal))) {
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
    if (pod === 'running' && !healthSeen) healthSeen = await probeHealthUntil(server, nextPoll, signal)
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

/** /health answers and the API is initialised: asked at once. */
async function isServing(server: AgentServer, signal: AbortSignal): Promise<boolean> {
  const tuning = { timeoutMs: HEALTH_TIMEOUT_MS, signal }
  const [healthy, initialised] = await Promise.all([server.health(tuning), server.initialised(tuning)])
  return healthy && initialised
}

/** Probes /health until it answers 2xx (true) or `until` passes (false). */
async function probeHealthUntil(server: AgentServer, until: number, signal: AbortSignal): Promise<boolean> {
  while (Date.now() < until) {
    const probeStarted = Date.now()
    if (await server.health({ timeoutMs: HEALTH_PROBE_TIMEOUT_MS, signal })) return true
    const wait = Math.min(HEALTH_PROBE_MS - (Date.now() - probeStarted), until - Date.now())
    if (wait > 0) await sleep(wait, undefined, { signal })
  }
  return false
}

function details(runtime: RuntimeInfo): string {
  const lines: string[] = []
  if (runtime.restartCount > 0) lines.push(`Restarts: ${runtime.restartCount}${runtime.restartReasons.length ? ` (${runtime.restartReasons.join(', ')})` : ''}`)
  if (runtime.podLogs) lines.push(`Pod logs (last lines):\n${runtime.podLogs.slice(-POD_LOG_TAIL)}`)
  return lines.length ? `\n${lines.join('\n')}` : ''
}
