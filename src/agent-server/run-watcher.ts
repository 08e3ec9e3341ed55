import type { AgentEvent, ConversationState, ConversationStats } from './types.js'

/** Statuses after which a run loop has stopped (is_terminal() plus the ones that wait for us). */
const STOPPED = new Set(['finished', 'error', 'stuck', 'paused', 'waiting_for_confirmation'])
/** Statuses that end a run the moment they are seen, even as a single field (protocol.md B.9). */
const FAILED = new Set(['error', 'stuck'])

/**
 * Decides when a run has ended, by the OpenHands client's rules (protocol.md B.9 step 5):
 * a `full_state` snapshot with a stopped status received after /run was requested (any status
 * but `running` once /run has answered), or a
 * per-field `error`/`stuck`. A per-field `finished` is only a hint (a stop hook may resume the
 * run); a stopped status seen only over REST counts once it has held for `restGraceMs`.
 */
export class RunWatcher {
  status: string | undefined
  stats: ConversationStats | undefined
  /** The execution status that ended the run, once it has ended. */
  ended: string | undefined
  private requested = false
  private started = false
  private restStoppedSince: number | undefined

  constructor(
    private readonly onEnded: () => void,
    private readonly restGraceMs = 30_000
  ) {}

  /** Call just before POST /run: snapshots from before this are not the run's end. */
  runRequested(): void {
    this.requested = true
    this.started = false
    this.ended = undefined
    this.restStoppedSince = undefined
  }

  observeEvent(event: AgentEvent): void {
    if (event.kind !== 'ConversationStateUpdateEvent') return
    if (event.key === 'stats') this.stats = event.value as ConversationStats
    if (event.key === 'execution_status' && typeof event.value === 'string') {
      this.status = event.value
      if (FAILED.has(event.value)) this.end(event.value)
    }
  }

  /** Call once POST /run has answered. */
  runStarted(): void {
    this.started = true
  }

  /**
   * A stopped status ends the run; so does any other status but `running` (`idle`) once /run
   * has answered, as in the SDK's client (a reconnect's `idle` before that is the old state).
   */
  observeSnapshot(state: ConversationState): void {
    this.observeState(state)
    const status = state.execution_status
    if (status && (STOPPED.has(status) || (this.started && status !== 'running'))) this.end(status)
  }

  /** A state read over REST (GET /api/conversations/{id}). */
  observePoll(state: ConversationState, now = Date.now()): void {
    this.observeState(state)
    const status = state.execution_status
    if (!status || !STOPPED.has(status)) {
      this.restStoppedSince = undefined
      return
    }
    if (FAILED.has(status)) return this.end(status)
    this.restStoppedSince ??= now
    if (now - this.restStoppedSince >= this.restGraceMs) this.end(status)
  }

  /** Keeps the latest status and stats, without judging whether the run ended. */
  observeState(state: ConversationState): void {
    if (state.stats) this.stats = state.stats
    if (state.execution_status) this.status = state.execution_status
  }

  private end(status: string): void {
    if (!this.requested || this.ended) return
    this.ended = status
    this.onEnded()
  }
}
