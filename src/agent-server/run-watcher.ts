import type { AgentEvent, ConversationState, ConversationStats } from './types.js'

/** Statuses after which a run loop has stopped (is_terminal() plus the ones that wait for us). */
const STOPPED = new Set(['finished', 'error', 'stuck', 'paused', 'waiting_for_confirmation'])
/** Statuses that end a run the moment they are seen, even as a single field (protocol.md B.9). */
const FAILED = new Set(['error', 'stuck'])

/**
 * Decides when a run has ended, by the OpenHands client's rules (protocol.md B.9 step 5):
 * a `full_state` snapshot with a stopped status received after /run was requested, or a
 * per-field `error`/`stuck`. A per-field `finished` is only a hint (a stop hook may resume the
 * run); a stopped status seen only over REST counts once it has held for `restGraceMs`.
 */
export class RunWatcher {
  status: string | undefined
  stats: ConversationStats | undefined
  /** The execution status that ended the run, once it has ended. */
  ended: string | undefined
  private requested = false
  private restStoppedSince: number | undefined

  constructor(
    private readonly onEnded: () => void,
    private readonly restGraceMs = 30_000
  ) {}

  /** Call just before POST /run: snapshots from before this are not the run's end. */
  runRequested(): void {
    this.requested = true
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

  observeSnapshot(state: ConversationState): void {
    this.observeState(state)
    if (state.execution_status && STOPPED.has(state.execution_status)) this.end(state.execution_status)
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
