import { randomBytes } from 'node:crypto'
import { AgentServer } from './agent-server.js'
import type { ListeningServer, SimContext } from './context.js'
import type { Json } from './events.js'
import type { Sandbox } from './sandbox.js'
import type { SimConversation, SimRuntime } from './types.js'

type Status = 'running' | 'paused' | 'stopped'
/** Where the pod is: provisioning (pending → running), ready, one of the failure states, or gone. */
type PodPhase = 'provisioning' | 'ready' | 'crashloopbackoff' | 'failed' | 'gone'

export interface RuntimeInit {
  sessionId: string
  image: string
  startBody?: unknown
  status?: Status
  /** Pre-set pod status for runtimes added by tests; 'ready' skips provisioning. */
  podStatus?: string
  /** created_at of GET /list, epoch ms (default: now); null = the entry has none. */
  createdAt?: number | null
}

/** One runtime of the Runtime API: a pod whose readiness is simulated, running one agent server. */
export class Runtime implements SimRuntime {
  readonly runtimeId = randomLetters(16)
  readonly sessionApiKey = randomBytes(24).toString('base64url')
  readonly sessionId: string
  readonly image: string
  readonly startBody: unknown
  readonly startedAt = Date.now()
  readonly createdAt: number | null
  status: Status = 'running'
  stoppedAt?: number
  pausedAt?: number
  readyAt?: number
  restartCount = 0

  private phase: PodPhase = 'provisioning'
  private provisionStartedAt = Date.now()
  private readyTimer?: NodeJS.Timeout
  private readonly server: AgentServer

  constructor(
    private readonly ctx: SimContext,
    listening: ListeningServer,
    readonly sandbox: Sandbox,
    init: RuntimeInit
  ) {
    this.sessionId = init.sessionId
    this.image = init.image
    this.startBody = init.startBody
    this.createdAt = init.createdAt === undefined ? this.startedAt : init.createdAt
    this.server = new AgentServer(ctx, this, listening)
    if (init.status === 'stopped') {
      this.markStopped()
      void this.server.close()
    } else if (init.status === 'paused') this.markPaused()
    else if (init.podStatus === undefined || init.podStatus === 'pending') this.provision()
    else if (init.podStatus === 'running') this.provision(ctx.provisioningMs / 2)
    else if (init.podStatus === 'ready') this.becomeReady()
    else if (init.podStatus === 'crashloopbackoff' || init.podStatus === 'failed') {
      this.phase = init.podStatus
      this.restartCount = init.podStatus === 'crashloopbackoff' ? 3 : 0
    } else throw new Error(`simulator: unsupported podStatus '${init.podStatus}'`)
  }

  get url(): string {
    return this.server.url
  }

  get sandboxDir(): string {
    return this.sandbox.root
  }

  get conversations(): ReadonlyMap<string, SimConversation> {
    return this.server.conversations
  }

  /** Whether the agent server is reachable through the ingress. */
  get serving(): boolean {
    this.advance()
    return this.phase === 'ready'
  }

  get podStatus(): string {
    this.advance()
    switch (this.phase) {
      case 'gone':
        return 'not found'
      case 'provisioning':
        return Date.now() - this.provisionStartedAt < this.ctx.provisioningMs / 2 || this.ctx.faults.neverReady ? 'pending' : 'running'
      case 'ready':
        // The Runtime API's status may lag behind a server that already answers.
        return Date.now() - (this.readyAt ?? 0) < this.ctx.faults.statusLagMs ? 'running' : 'ready'
      default:
        return this.phase
    }
  }

  /** Provisioning moves on when observed, and once by timer at the ready time so that readyAt is exact. */
  private advance(): void {
    if (this.phase !== 'provisioning') return
    const elapsed = Date.now() - this.provisionStartedAt
    const faults = this.ctx.faults
    if (elapsed < this.ctx.provisioningMs / 2 || faults.neverReady) return
    if (faults.podFailed) {
      this.phase = 'failed'
    } else if (faults.crashLoop) {
      this.phase = 'crashloopbackoff'
      this.restartCount = 3
    } else if (elapsed >= this.ctx.provisioningMs) {
      this.becomeReady()
    }
  }

  /** Starts (or restarts) provisioning, `alreadyElapsedMs` into it. */
  private provision(alreadyElapsedMs = 0): void {
    this.phase = 'provisioning'
    this.provisionStartedAt = Date.now() - alreadyElapsedMs
    this.readyAt = undefined
    clearTimeout(this.readyTimer)
    this.readyTimer = setTimeout(() => this.advance(), this.ctx.provisioningMs - alreadyElapsedMs)
    this.readyTimer.unref()
  }

  private becomeReady(): void {
    this.phase = 'ready'
    this.readyAt = Date.now()
    clearTimeout(this.readyTimer)
    this.ctx.log(`runtime ${this.runtimeId} ready at ${this.url}`)
  }

  pause(): void {
    if (this.status !== 'running') return
    this.markPaused()
    this.server.goDown()
  }

  resume(): void {
    if (this.status !== 'paused') return
    this.status = 'running'
    this.server.restart()
    this.provision()
  }

  async stop(): Promise<void> {
    if (this.status === 'stopped') return
    this.markStopped()
    await this.server.close()
  }

  private markPaused(): void {
    this.status = 'paused'
    this.pausedAt = Date.now()
    this.phase = 'gone'
    clearTimeout(this.readyTimer)
  }

  private markStopped(): void {
    this.status = 'stopped'
    this.stoppedAt = Date.now()
    this.phase = 'gone'
    clearTimeout(this.readyTimer)
  }

  /** GET /sessions/{session_id} and GET /runtime/{runtime_id} (protocol.md §A.2). */
  sessionView(): Json {
    const podStatus = this.podStatus
    return {
      runtime_id: this.runtimeId,
      url: this.url,
      session_api_key: this.sessionApiKey,
      status: this.status,
      pod_status: podStatus,
      restart_count: this.restartCount,
      restart_reasons: this.restartCount > 0 ? Array<string>(this.restartCount).fill('OOMKilled') : [],
      container_statuses: this.containerStatuses(podStatus),
      events: this.podEvents(podStatus),
      pod_logs: podLogs(podStatus),
      image: this.image
    }
  }

  /** An entry of GET /list: no pod_status there. */
  listView(): Json {
    return {
      runtime_id: this.runtimeId,
      session_id: this.sessionId,
      status: this.status,
      url: this.url,
      session_api_key: this.sessionApiKey,
      image: this.image,
      ...(this.createdAt === null ? {} : { created_at: new Date(this.createdAt).toISOString() })
    }
  }

  /** The POST /start answer: the real one carries no pod_status. */
  startView(): Json {
    return { runtime_id: this.runtimeId, url: this.url, session_api_key: this.sessionApiKey, status: this.status }
  }

  private containerStatuses(podStatus: string): Json[] {
    if (podStatus === 'not found') return []
    const state =
      podStatus === 'pending'
        ? { waiting: { reason: 'ContainerCreating' } }
        : podStatus === 'crashloopbackoff'
          ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } }
          : podStatus === 'failed'
            ? { terminated: { reason: 'Error', exit_code: 1 } }
            : { running: { started_at: new Date(this.provisionStartedAt).toISOString() } }
    return [{ name: 'runtime', image: this.image, ready: podStatus === 'ready', restart_count: this.restartCount, state }]
  }

  private podEvents(podStatus: string): Json[] {
    if (podStatus === 'pending') {
      return [
        { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned runtime-${this.runtimeId}` },
        { type: 'Normal', reason: 'Pulling', message: `Pulling image "${this.image}"` }
      ]
    }
    if (podStatus === 'crashloopbackoff') return [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container runtime' }]
    return []
  }

  dropEventSockets(): void {
    this.server.dropEventSockets()
  }

  async dispose(): Promise<void> {
    clearTimeout(this.readyTimer)
    await this.server.close()
    await this.sandbox.remove()
  }
}

function podLogs(podStatus: string): string {
  if (podStatus === 'crashloopbackoff') return 'Starting OpenHands agent server on port 60000\nKilled\n'
  if (podStatus === 'failed') return 'Starting OpenHands agent server on port 60000\nError: exec format error\n'
  return ''
}

export function randomLetters(n: number): string {
  return Array.from(randomBytes(n), b => String.fromCharCode(97 + (b % 26))).join('')
}
