import { callJson, HttpError, type CallOptions } from '../http.js'
import { addSecret } from '../secrets.js'

/** A runtime as the Runtime API describes it (protocol.md A.2). */
export interface RuntimeInfo {
  runtimeId: string
  url: string
  sessionApiKey?: string
  status?: string
  /** Lower-cased: ready, pending, running, not found, failed, unknown, crashloopbackoff. */
  podStatus?: string
  restartCount: number
  restartReasons: string[]
  podLogs?: string
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never'
export type ResourceFactor = 1 | 2 | 4 | 8

export interface StartRequest {
  image: string
  command: string
  working_dir: string
  environment: Record<string, string>
  session_id: string
  run_as_user: number
  fs_group: number
  image_pull_policy: string
  runtime_class: string
  resource_factor?: number
}

/** What a runtime is started with: the image, the session it belongs to, its pull policy, size and environment. */
export interface RuntimeSpec {
  image: string
  sessionId: string
  imagePullPolicy: PullPolicy
  resourceFactor: ResourceFactor
  environment: Record<string, string>
}

/** The body the OpenHands SDK's APIRemoteWorkspace sends (protocol.md A.2). */
export function startRequest(spec: RuntimeSpec): StartRequest {
  return {
    image: spec.image,
    command: '/usr/local/bin/openhands-agent-server --port 60000',
    working_dir: '/',
    environment: spec.environment,
    session_id: spec.sessionId,
    run_as_user: 10001,
    fs_group: 10001,
    image_pull_policy: spec.imagePullPolicy,
    runtime_class: 'sysbox-runc',
    ...(spec.resourceFactor !== 1 ? { resource_factor: spec.resourceFactor } : {})
  }
}

/** An entry of GET /list (protocol.md A.2): no pod_status, and no promised timestamp. */
export interface ListedRuntime {
  runtimeId: string
  sessionId: string
  status: string
  /** created_at, started_at or start_time as the entry gives it (ISO or epoch seconds), when it gives one. */
  createdAt?: string | number
}

/** How long one call may take and how often it is tried; `signal` (the run's cancel, or a phase deadline) aborts the request. */
export type Tuning = Pick<CallOptions, 'timeoutMs' | 'retries' | 'signal'>

/** The hosted OpenHands Runtime API: one method per endpoint the action uses. */
export class RuntimeApi {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string
  ) {}

  /** The runtime of a session id, or undefined when there is none (404). */
  async getSession(sessionId: string, tuning?: Tuning): Promise<RuntimeInfo | undefined> {
    const reply = await this.call<Record<string, unknown>>('GET', `/sessions/${encodeURIComponent(sessionId)}`, { accept: [404], timeoutMs: 15_000, ...tuning })
    return reply.status === 404 ? undefined : parseRuntime(reply.body, 'GET /sessions')
  }

  /** A full cluster answers 429: with many matrix cells starting at once, keep backing off (about three minutes) rather than fail. */
  async start(body: StartRequest, tuning?: Tuning): Promise<RuntimeInfo> {
    const reply = await this.call<Record<string, unknown>>('POST', '/start', { json: body, timeoutMs: 300_000, retries: 20, ...tuning })
    return parseRuntime(reply.body, 'POST /start')
  }

  /** False when the runtime is already gone (404). Stopping twice is harmless, so a stuck attempt is tried again. */
  async stop(runtimeId: string, tuning?: Tuning): Promise<boolean> {
    return this.release('/stop', runtimeId, tuning)
  }

  async pause(runtimeId: string, tuning?: Tuning): Promise<boolean> {
    return this.release('/pause', runtimeId, tuning)
  }

  async resume(runtimeId: string, tuning?: Tuning): Promise<void> {
    await this.call('POST', '/resume', { json: { runtime_id: runtimeId }, timeoutMs: 300_000, ...tuning })
  }

  /** Every runtime of the API key that the API still lists (stopped ones drop out after a while). */
  async list(tuning?: Tuning): Promise<ListedRuntime[]> {
    const reply = await this.call<{ runtimes?: unknown }>('GET', '/list', { timeoutMs: 30_000, ...tuning })
    if (!Array.isArray(reply.body?.runtimes)) throw new Error('Runtime API GET /list: invalid response (no runtimes list).')
    return (reply.body.runtimes as Array<Record<string, unknown> | null>).flatMap(entry => {
      const runtimeId = str(entry?.runtime_id) ?? str(entry?.id)
      if (!entry || !runtimeId) return []
      const createdAt = [entry.created_at, entry.started_at, entry.start_time].find(v => typeof v === 'number' || (typeof v === 'string' && v !== ''))
      return [
        {
          runtimeId,
          sessionId: str(entry.session_id) ?? '',
          status: str(entry.status)?.toLowerCase() ?? 'unknown',
          createdAt: createdAt as string | number | undefined
        }
      ]
    })
  }

  private async release(path: string, runtimeId: string, tuning?: Tuning): Promise<boolean> {
    const reply = await this.call('POST', path, { json: { runtime_id: runtimeId }, accept: [404], timeoutMs: 10_000, retries: 2, idempotent: true, ...tuning })
    return reply.status !== 404
  }

  private async call<T>(method: 'GET' | 'POST', path: string, options: Omit<CallOptions, 'call' | 'method'>) {
    const call = `Runtime API ${method} ${path.split('/').slice(0, 2).join('/')}`
    try {
      return await callJson<T>(`${this.baseUrl}${path}`, { ...options, call, method, headers: { 'X-API-Key': this.apiKey } })
    } catch (err) {
      if (err instanceof HttpError && err.status === undefined) {
        throw new HttpError(call, undefined, `${err.detail} (runtime-api-url ${new URL(this.baseUrl).host})`)
      }
      throw err
    }
  }
}

function parseRuntime(body: Record<string, unknown> | undefined, call: string): RuntimeInfo {
  const runtimeId = str(body?.runtime_id) ?? str(body?.id)
  const url = str(body?.url)
  if (!runtimeId || !url) throw new Error(`Runtime API ${call}: invalid runtime response (no runtime_id or url).`)
  const sessionApiKey = str(body?.session_api_key)
  addSecret(sessionApiKey)
  return {
    runtimeId,
    url: url.replace(/\/+$/, ''),
    sessionApiKey,
    status: str(body?.status)?.toLowerCase(),
    podStatus: str(body?.pod_status)?.toLowerCase(),
    restartCount: typeof body?.restart_count === 'number' ? body.restart_count : 0,
    restartReasons: Array.isArray(body?.restart_reasons) ? body.restart_reasons.map(r => (typeof r === 'string' ? r : JSON.stringify(r))) : [],
    podLogs: str(body?.pod_logs)
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}
