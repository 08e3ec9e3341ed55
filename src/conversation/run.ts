import type { Capabilities } from '../agent-server/capabilities.js'
import { ACP_CONVERSATIONS, CONVERSATIONS, ConversationGoneError, type AgentServer } from '../agent-server/client.js'
import { formatCost } from '../agent-server/describe.js'
import { EventStream } from '../agent-server/events.js'
import { conversationRequest, type BaseSnapshot, type ConversationSpec } from '../agent-server/requests.js'
import { RunWatcher } from '../agent-server/run-watcher.js'
import { totalsOf, type ConversationState } from '../agent-server/types.js'
import { CancelBudget } from '../cancel.js'
import type { EventLog } from '../event-log.js'
import { errorMessage, formatDuration, info, warning } from '../log.js'
import { DeadlineError, Waker, afterAbort, deadline, withDeadline, type Deadline } from '../timing.js'
import type { ExistingConversation } from './continuation.js'
import {
  describeFailure,
  interruptReason,
  isInterrupted,
  settleLastTurn,
  statusOf,
  totalsSince,
  turnShare,
  usageOf,
  type ConversationOutcome,
  type Ending,
  type Limits,
  type TurnResult
} from './outcome.js'

export interface ConversationOptions {
  spec: ConversationSpec
  /** Empty when a continued conversation gets no new message. */
  prompt: string
  /** Further messages, each sent once the previous run has finished. */
  followUps: string[]
  limits: Limits
  /** Handed to the agent through the conversation's secrets API. */
  sandboxSecrets: Record<string, string>
  /** A conversation to go on with instead of creating one (input conversation-id, or resume on a re-run). */
  existing?: ExistingConversation
  base?: BaseSnapshot
  /** Asked when the agent server stops answering: true if the runtime itself is gone. */
  runtimeGone(signal: AbortSignal): Promise<boolean>
}

/** The socket counts as silent after this long without a frame; then REST is polled. */
const SILENCE_MS = 5_000
const POLL_EVERY_MS = 5_000
const HEARTBEAT_MS = 30_000
const MAX_POLL_FAILURES = 3
const INTERRUPT_WAIT_MS = 10_000
const COLLECT_BUDGET_MS = 30_000

/**
 * Creates the conversation (or attaches to an existing one by creating it again with its id, as
 * the SDK's client reconnects: after a restart the server serves its events only once it is
 * loaded). timeout-minutes holds from here, even while a request hangs.
 */
export async function openConversation(
  server: AgentServer,
  capabilities: Capabilities,
  options: ConversationOptions,
  log: EventLog,
  signal: AbortSignal
): Promise<ConversationRun> {
  const limit = deadline(options.limits.runTimeoutMs, signal, interruptReason('timeout', options.limits))
  try {
    const request = { ...conversationRequest(options.spec, options.base), ...(options.existing ? { conversation_id: options.existing.id } : {}) }
    // ACP conversations lived under /api/acp/conversations from v1.15.0 until v1.27.0 (protocol.md §G).
    const routes =
      options.spec.agent.kind !== 'acp' ? [CONVERSATIONS] : capabilities.acpRoutes ? [ACP_CONVERSATIONS, CONVERSATIONS] : [CONVERSATIONS, ACP_CONVERSATIONS]
    const conversation = await server.createConversation(request, routes, limit.signal)
    return new ConversationRun(server, capabilities, options, log, conversation, limit, signal)
  } catch (err) {
    limit.clear()
    // Before the conversation exists there is nothing to interrupt or collect: the timeout is the outcome.
    if (limit.expired && !signal.aborted)
      throw new DeadlineError(`${interruptReason('timeout', options.limits)} before the agent started (${errorMessage(err)}).`)
    throw err
  }
}

/**
 * One conversation's run: follows its events, sends each message, runs it and waits for its
 * end, a limit or a cancel; then collects the final state. Once the conversation exists,
 * failures become an outcome with status `error` and what was received so far.
 */
export class ConversationRun {
  readonly id: string
  private readonly waker: Waker
  private readonly watcher: RunWatcher
  private readonly stream: EventStream
  private fatal: Error | undefined

  constructor(
    private readonly server: AgentServer,
    private readonly capabilities: Capabilities,
    private readonly options: ConversationOptions,
    private readonly log: EventLog,
    conversation: ConversationState & { id: string },
    /** timeout-minutes for the whole conversation; a child of the cancel signal. */
    private readonly limit: Deadline,
    private readonly cancel: AbortSignal
  ) {
    this.id = conversation.id
    this.waker = new Waker(limit.signal)
    this.watcher = new RunWatcher(() => this.waker.wake())
    this.watcher.observeState(conversation)
    this.stream = new EventStream(server, this.id, capabilities, {
      onEvent: (event, json) => {
        log.record(event, json)
        this.watcher.observeEvent(event)
        // Only a stats update can change the cost.
        if (event.key === 'stats' && this.overBudget()) this.waker.wake()
      },
      onSnapshot: state => this.watcher.observeSnapshot(state),
      onFatal: err => {
        this.fatal = err
        this.waker.wake()
      }
    })
  }

  /** What this run has cost so far (of a continued conversation, what this attempt added). */
  get cost(): number {
    return totalsSince(this.watcher.stats, this.options.existing?.stats).cost
  }

  async run(): Promise<ConversationOutcome> {
    const { existing, limits } = this.options
    const prior = existing?.stats
    if (existing) info(`Continuing conversation ${this.id} (${existing.execution_status ?? 'unknown'}, ${formatCost(totalsOf(prior).cost)} so far).`)
    else info(`Conversation ${this.id} created in ${this.options.spec.workingDir}.`)
    const messages = this.messages()
    let ending: Ending = 'ended'
    let failure: string | undefined
    let turns: TurnResult[] = []
    try {
      // The first message goes into the log while the socket subscribes: the catch-up after subscribing reads it back.
      const [first] = messages
      await Promise.all([
        this.handOverSecrets(),
        this.stream.open(this.limit.signal),
        first ? this.server.sendMessage(this.id, first, this.limit.signal) : undefined
      ])
      for (const [index, message] of messages.entries()) {
        const before = totalsOf(this.watcher.stats)
        const startedAt = new Date()
        this.log.startTurn()
        if (index > 0 && message) info(`Follow-up ${index} of ${messages.length - 1}: ${message.split('\n')[0].slice(0, 120)}`)
        ending = await this.follow(index === 0 ? null : message)
        const status = statusOf(ending, this.watcher.ended)
        const turn = { turn: index + 1, status, started_at: startedAt.toISOString(), duration_seconds: (Date.now() - startedAt.getTime()) / 1000 }
        turns.push(turnShare({ ...turn, final_message: this.log.lastFinishMessage ?? this.log.lastAgentMessage ?? '' }, before, totalsOf(this.watcher.stats)))
        if (status !== 'finished') break
      }
    } catch (err) {
      ending = this.cancel.aborted ? 'cancelled' : this.limit.expired ? 'timeout' : 'failed'
      if (ending === 'failed') failure = errorMessage(err)
    }
    if (isInterrupted(ending)) {
      info(`${interruptReason(ending, limits)}: interrupting the agent.`)
      await this.stopAgent()
    }
    try {
      const finalMessage = (ending === 'failed' ? undefined : await this.collect()) || this.log.lastFinishMessage || this.log.lastAgentMessage || ''
      const status = messages.length === 0 && ending === 'ended' ? 'finished' : statusOf(ending, this.watcher.ended)
      const totals = totalsSince(this.watcher.stats, prior)
      turns = settleLastTurn(turns, totals, status, finalMessage)
      return {
        conversationId: this.id,
        status,
        error: failure ?? describeFailure(status, ending, this.watcher.ended, this.log.lastError, limits),
        finalMessage,
        totals,
        turns,
        usage: usageOf(this.watcher.stats, prior),
        ...(existing ? { continued: { conversationTotals: totalsOf(this.watcher.stats) } } : {})
      }
    } finally {
      this.stream.close()
      this.limit.clear()
    }
  }

  /** A continued conversation with no new message runs on where it stopped (null), unless it has finished. */
  private messages(): Array<string | null> {
    const { existing, prompt, followUps } = this.options
    if (!existing || prompt) return [prompt, ...followUps]
    if (existing.execution_status !== 'finished') return [null]
    info('The conversation has finished and there is no new prompt: nothing to run.')
    return []
  }

  private async handOverSecrets(): Promise<void> {
    const names = Object.keys(this.options.sandboxSecrets)
    if (!names.length) return
    await this.server.updateSecrets(this.id, this.options.sandboxSecrets, this.limit.signal)
    info(`Sandbox secrets handed to the agent: ${names.join(', ')}.`)
  }

  private overBudget(): boolean {
    const { maxCost } = this.options.limits
    return maxCost !== null && totalsOf(this.watcher.stats).cost > maxCost
  }

  /** Sends one message (null: none, or sent already), runs, and waits for the run's end, a limit or a cancel. */
  private async follow(message: string | null): Promise<Ending> {
    const { server, id, stream, watcher, waker, limit, log } = this
    if (message !== null) await server.sendMessage(id, message, limit.signal)
    waker.rearm()
    watcher.runRequested()
    await server.run(id, limit.signal)
    watcher.runStarted()
    const runStarted = Date.now()
    info('Prompt sent; the agent is running.')

    let lastPoll = runStarted
    let lastHeartbeat = runStarted
    let pollFailures = 0
    for (;;) {
      if (watcher.ended) return 'ended'
      if (this.fatal) throw this.fatal
      if (this.cancel.aborted) return 'cancelled'
      if (this.overBudget()) return 'budget_exceeded'
      if (limit.expired) return 'timeout'
      const now = Date.now()
      const lastActivity = Math.max(log.lastEventAt, runStarted)
      const { idleTimeoutMs } = this.options.limits
      if (idleTimeoutMs !== null && now - lastActivity >= idleTimeoutMs) return 'idle'

      // REST fallback: while the socket is down or silent, poll the status (and the events, if down).
      if ((!stream.connected || now - stream.lastFrameAt >= SILENCE_MS) && now - lastPoll >= POLL_EVERY_MS) {
        lastPoll = now
        try {
          watcher.observePoll(await server.getConversation(id, { retries: 2, signal: limit.signal }))
          if (!stream.connected) await stream.catchUp(limit.signal)
          pollFailures = 0
        } catch (err) {
          if (this.cancel.aborted) return 'cancelled'
          if (limit.expired) return 'timeout'
          if (err instanceof ConversationGoneError) throw err
          if (await this.options.runtimeGone(limit.signal).catch(() => false)) {
            throw new Error(`The runtime was stopped or deleted during the run; the agent server stopped answering (${errorMessage(err)}).`, { cause: err })
          }
          if (++pollFailures >= MAX_POLL_FAILURES) throw err
          warning(`Polling the conversation failed (${errorMessage(err)}); retrying.`)
        }
      }
      if (now - Math.max(lastActivity, lastHeartbeat) >= HEARTBEAT_MS) {
        lastHeartbeat = now
        info(`Still running after ${formatDuration(now - runStarted)}: ${log.count} events, ${formatCost(this.cost)} so far.`)
      }
      await waker.sleep(1_000)
    }
  }

  /** /interrupt (or /pause on older servers), then a short wait for the paused snapshot so the final state is settled. */
  private async stopAgent(): Promise<void> {
    const cancelled = this.cancel.aborted
    try {
      const tuning = cancelled ? { timeoutMs: CancelBudget.interruptMs, retries: 0 } : { timeoutMs: INTERRUPT_WAIT_MS }
      await this.server.interrupt(this.id, this.capabilities.interrupt, tuning)
    } catch (err) {
      warning(`Could not interrupt the agent: ${errorMessage(err)}`)
      return
    }
    if (cancelled) return
    const until = Date.now() + INTERRUPT_WAIT_MS
    this.waker.rearm()
    while (!this.watcher.ended && !this.cancel.aborted && Date.now() < until) await this.waker.sleep(250)
  }

  /** The final catch-up of events, the settled stats and the final response, within a budget that a cancel shortens. */
  private async collect(): Promise<string | undefined> {
    const budgetMs = this.cancel.aborted ? CancelBudget.collectMs : COLLECT_BUDGET_MS
    const limit = deadline(budgetMs, undefined, `collecting took more than ${budgetMs / 1000}s`)
    // The three are independent: asked at once.
    const response = this.capabilities.finalResponse
      ? this.server.finalResponse(this.id, { timeoutMs: budgetMs, retries: 1 }).catch(() => undefined)
      : undefined
    const work = Promise.all([
      this.stream.catchUp(limit.signal),
      this.server.getConversation(this.id, { timeoutMs: budgetMs, signal: limit.signal }).then(state => this.watcher.observeState(state))
    ]).then(
      () => true,
      err => {
        warning(`Could not collect the final state of the conversation: ${errorMessage(err)}`)
        return !limit.expired
      }
    )
    const done = await Promise.race([work, afterAbort(this.cancel, CancelBudget.collectMs).then(() => false)])
    limit.clear()
    if (!done) warning('Collecting the final state took too long; reporting what was received.')
    return response && withDeadline(Promise.race([response, afterAbort(this.cancel, CancelBudget.collectMs)]), budgetMs)
  }
}
