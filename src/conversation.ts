import type { Capabilities } from './agent-server/capabilities.js'
import { ACP_CONVERSATIONS, CONVERSATIONS, ConversationGoneError, type AgentServer } from './agent-server/client.js'
import { formatCost } from './agent-server/describe.js'
import { EventStream } from './agent-server/events.js'
import { RunWatcher } from './agent-server/run-watcher.js'
import { totalsOf, type ConversationState, type ConversationStats, type Totals } from './agent-server/types.js'
import type { EventLog } from './event-log.js'
import { HttpError } from './http.js'
import type { Settings } from './inputs.js'
import { errorMessage, formatDuration, info, warning } from './log.js'
import { DeadlineError, Waker, afterAbort, deadline, withDeadline, type Deadline } from './timing.js'

export type RunStatus = 'finished' | 'error' | 'stuck' | 'timeout' | 'budget_exceeded' | 'cancelled' | 'skipped'

export interface ConversationOutcome {
  conversationId: string
  status: RunStatus
  error?: string
  /** The final message of the last turn. */
  finalMessage: string
  /** This run's share: every turn and every LLM (of a continued conversation, what this attempt added). */
  totals: Totals
  turns: TurnResult[]
  /** The same totals for each LLM usage id (agent, condenser, ...). */
  usage: LlmUsage[]
  /** A conversation an earlier attempt (or another run) began: its totals over every attempt. */
  continued?: { conversationTotals: Totals }
}

/** One message and the run it started: the prompt is turn 1, each follow-up one more. */
export interface TurnResult {
  turn: number
  status: RunStatus
  cost: number
  prompt_tokens: number
  completion_tokens: number
  started_at: string
  duration_seconds: number
  final_message: string
}

/** What one LLM of the conversation used, by its usage id. */
export interface LlmUsage {
  usage_id: string
  model: string | null
  cost: number
  prompt_tokens: number
  completion_tokens: number
  cache_read_tokens: number
}

export interface ConversationHooks {
  /** A conversation to go on with instead of creating one (input conversation-id, or resume on a re-run). */
  existing?: ConversationState & { id: string }
  /** What the checkout uploaded was: kept in the conversation's tags, so that a later attempt can diff against it. */
  base?: { tree: string; commit: string | null }
  onConversationId(id: string): void
  /** Asked when the agent server stops answering: true if the runtime itself is gone. */
  runtimeGone(signal: AbortSignal): Promise<boolean>
  signal: AbortSignal
}

/** How following a run ended; every one but `ended` and `failed` first interrupts the agent. */
type Ending = 'ended' | 'timeout' | 'idle' | 'budget_exceeded' | 'cancelled' | 'failed'

/** The socket counts as silent after this long without a frame; then REST is polled. */
const SILENCE_MS = 5_000
const POLL_EVERY_MS = 5_000
const HEARTBEAT_MS = 30_000
const MAX_POLL_FAILURES = 3
const INTERRUPT_WAIT_MS = 10_000
const COLLECT_BUDGET_MS = 30_000
/** After a cancel the runner kills the job 7.5 s after SIGINT: collect in a fraction of that. */
const CANCEL_BUDGET_MS = 2_000

/** The conversation request: the default agent with terminal, file_editor and task_tracker (protocol.md B.4, B.5). */
export function conversationRequest(settings: Settings, base?: ConversationHooks['base']): Record<string, unknown> {
  const { agent } = settings
  return {
    agent:
      agent.kind === 'acp'
        ? // An ACPAgent runs an agent CLI over the Agent Client Protocol; its provider key is in the sandbox's environment (protocol.md §G).
          { kind: 'ACPAgent', acp_command: agent.command, acp_args: [], acp_model: agent.model }
        : openhandsAgent(settings, agent.condenser),
    workspace: { kind: 'LocalWorkspace', working_dir: settings.workingDir },
    initial_message: null,
    max_iterations: settings.maxIterations,
    stuck_detection: true,
    confirmation_policy: { kind: 'NeverConfirm' },
    // The server titles new conversations with an extra call on the agent's LLM, which counts toward max-cost (protocol-notes.md).
    autotitle: false,
    // Tag keys are lower-case letters and digits; releases without tags ignore them.
    ...(base ? { tags: { [BASE_TREE_TAG]: base.tree, ...(base.commit ? { [BASE_COMMIT_TAG]: base.commit } : {}) } } : {})
  }
}

/** The SDK's default agent (openhands-tools' default preset, cli_mode): these tools, and its summarizing condenser. */
function openhandsAgent(settings: Settings, condenser: boolean): Record<string, unknown> {
  const llm = { model: settings.llm.model, api_key: settings.llm.apiKey, base_url: settings.llm.baseUrl }
  return {
    kind: 'Agent',
    llm: { ...llm, usage_id: 'agent' },
    // The preset's parameters since v1.11: summarize once the history passes 80 events, keeping the first 4.
    condenser: condenser ? { kind: 'LLMSummarizingCondenser', llm: { ...llm, usage_id: 'condenser' }, max_size: 80, keep_first: 4 } : null,
    tools: [
      { name: 'terminal', params: {} },
      { name: 'file_editor', params: {} },
      { name: 'task_tracker', params: {} }
    ],
    system_prompt_kwargs: { cli_mode: true }
  }
}

export const BASE_TREE_TAG = 'ohrrbasetree'
export const BASE_COMMIT_TAG = 'ohrrbasecommit'

/**
 * ACP conversations were created and read under /api/acp/conversations from v1.15.0 until
 * v1.27.0, and under /api/conversations since (protocol.md §G): chosen by version, the other
 * route tried when the first answers 404 or 422.
 */
async function createConversation(
  server: AgentServer,
  capabilities: Capabilities,
  settings: Settings,
  signal: AbortSignal,
  base?: ConversationHooks['base'],
  existingId?: string
): Promise<ConversationState & { id: string }> {
  const request = { ...conversationRequest(settings, base), ...(existingId ? { conversation_id: existingId } : {}) }
  if (settings.agent.kind !== 'acp') return server.createConversation(request, CONVERSATIONS, signal)
  const routes = capabilities.acpRoutes ? [ACP_CONVERSATIONS, CONVERSATIONS] : [CONVERSATIONS, ACP_CONVERSATIONS]
  try {
    return await server.createConversation(request, routes[0], signal)
  } catch (err) {
    if (!(err instanceof HttpError) || (err.status !== 404 && err.status !== 422)) throw err
    return server.createConversation(request, routes[1], signal)
  }
}

/**
 * Creates the conversation, follows its events, sends the prompt, runs it and waits for its
 * end, a limit or a cancel; then collects the final state. Once the conversation exists,
 * failures become an outcome with status `error` and what was received so far.
 */
export async function runConversation(
  server: AgentServer,
  capabilities: Capabilities,
  settings: Settings,
  log: EventLog,
  hooks: ConversationHooks
): Promise<ConversationOutcome> {
  const { signal } = hooks
  // timeout-minutes holds from here, even while a request hangs: every call of the run gets this signal.
  const limit = deadline(settings.runTimeoutMs, signal, `${INTERRUPT_REASON.timeout(settings)}`)
  try {
    return await runWithin(server, capabilities, settings, log, hooks, limit)
  } catch (err) {
    // Before the conversation exists there is nothing to interrupt or collect: the timeout is the outcome.
    if (limit.expired && !signal.aborted) throw new DeadlineError(`${INTERRUPT_REASON.timeout(settings)} before the agent started (${errorMessage(err)}).`)
    throw err
  } finally {
    limit.clear()
  }
}

async function runWithin(
  server: AgentServer,
  capabilities: Capabilities,
  settings: Settings,
  log: EventLog,
  hooks: ConversationHooks,
  limit: Deadline
): Promise<ConversationOutcome> {
  const { signal } = hooks
  // An existing conversation is attached by creating it again with its id (200, as the SDK's client reconnects):
  // after a restart the server reads it back from disk but serves its events only once it is loaded.
  const conversation = await createConversation(server, capabilities, settings, limit.signal, hooks.base, hooks.existing?.id)
  const id = conversation.id
  hooks.onConversationId(id)
  // What the conversation had cost before this run: a continued one's earlier attempts.
  const prior = totalsOf(hooks.existing?.stats)
  if (hooks.existing) info(`Continuing conversation ${id} (${hooks.existing.execution_status ?? 'unknown'}, ${formatCost(prior.cost)} so far).`)
  else info(`Conversation ${id} created in ${settings.workingDir}.`)
  const secretNames = Object.keys(settings.sandboxSecrets)
  if (secretNames.length) {
    await server.updateSecrets(id, settings.sandboxSecrets, limit.signal)
    info(`Sandbox secrets handed to the agent: ${secretNames.join(', ')}.`)
  }

  const waker = new Waker(limit.signal)
  const watcher = new RunWatcher(() => waker.wake())
  watcher.observeState(conversation)
  let fatal: Error | undefined
  const overBudget = (): boolean => settings.maxCost !== null && totalsOf(watcher.stats).cost > settings.maxCost
  const stream = new EventStream(server, id, capabilities, {
    onEvent: (event, json) => {
      log.record(event, json)
      watcher.observeEvent(event)
      // Only a stats update can change the cost.
      if (event.key === 'stats' && overBudget()) waker.wake()
    },
    onSnapshot: state => watcher.observeSnapshot(state),
    onFatal: err => {
      fatal = err
      waker.wake()
    }
  })

  try {
    let ending: Ending = 'ended'
    let failure: string | undefined
    const turns: TurnResult[] = []
    // Continued with no new message: run it on where it stopped, unless it has finished.
    const resumeOnly = hooks.existing !== undefined && !settings.prompt
    const messages: Array<string | null> = resumeOnly
      ? hooks.existing?.execution_status === 'finished'
        ? []
        : [null]
      : [settings.prompt, ...settings.followUps]
    if (resumeOnly && messages.length === 0) info('The conversation has finished and there is no new prompt: nothing to run.')
    try {
      await stream.open(limit.signal)
      for (const [index, message] of messages.entries()) {
        const before = totalsOf(watcher.stats)
        const startedAt = new Date()
        log.startTurn()
        if (index > 0 && message) info(`Follow-up ${index} of ${messages.length - 1}: ${message.split('\n')[0].slice(0, 120)}`)
        ending = await followRun({ server, settings, log, id, stream, watcher, waker, hooks, limit, overBudget, fatal: () => fatal }, message)
        const status = statusOf(ending, watcher.ended)
        const after = totalsOf(watcher.stats)
        turns.push({
          turn: index + 1,
          status,
          cost: round(after.cost - before.cost),
          prompt_tokens: after.promptTokens - before.promptTokens,
          completion_tokens: after.completionTokens - before.completionTokens,
          started_at: startedAt.toISOString(),
          duration_seconds: (Date.now() - startedAt.getTime()) / 1000,
          final_message: log.lastFinishMessage ?? log.lastAgentMessage ?? ''
        })
        if (status !== 'finished') break
      }
    } catch (err) {
      ending = signal.aborted ? 'cancelled' : limit.expired ? 'timeout' : 'failed'
      if (ending === 'failed') failure = errorMessage(err)
    }
    if (ending !== 'ended' && ending !== 'failed') {
      info(`${INTERRUPT_REASON[ending](settings)}: interrupting the agent.`)
      await stopAgent(server, capabilities, id, watcher, waker, signal)
    }
    let finalMessage: string | undefined
    if (ending !== 'failed') {
      const budget = signal.aborted ? CANCEL_BUDGET_MS : COLLECT_BUDGET_MS
      await collect(server, id, stream, watcher, budget, signal)
      if (capabilities.finalResponse) {
        const response = server.finalResponse(id, { timeoutMs: budget, retries: 1 }).catch(() => undefined)
        finalMessage = await withDeadline(Promise.race([response, afterAbort(signal, 1_000)]), budget)
      }
    }
    const status = messages.length === 0 && ending === 'ended' ? 'finished' : statusOf(ending, watcher.ended)
    finalMessage = finalMessage || log.lastFinishMessage || log.lastAgentMessage || ''
    const conversationTotals = totalsOf(watcher.stats)
    const totals = minus(conversationTotals, prior)
    const lastTurn = turns.at(-1)
    if (lastTurn) {
      // The settled stats come after the last run: its share is what the earlier turns did not use.
      const earlier = turns.slice(0, -1)
      const sum = (pick: (t: TurnResult) => number): number => earlier.reduce((total, t) => total + pick(t), 0)
      Object.assign(lastTurn, {
        status,
        final_message: finalMessage,
        cost: round(totals.cost - sum(t => t.cost)),
        prompt_tokens: totals.promptTokens - sum(t => t.prompt_tokens),
        completion_tokens: totals.completionTokens - sum(t => t.completion_tokens)
      })
    }
    return {
      conversationId: id,
      status,
      error: failure ?? describeFailure(status, ending, watcher.ended, log.lastError, settings),
      finalMessage,
      totals,
      turns,
      usage: usageOf(watcher.stats, hooks.existing?.stats),
      ...(hooks.existing ? { continued: { conversationTotals } } : {})
    }
  } finally {
    stream.close()
  }
}

const INTERRUPT_REASON: Record<'timeout' | 'idle' | 'budget_exceeded' | 'cancelled', (s: Settings) => string> = {
  timeout: s => `timeout-minutes (${s.runTimeoutMs / 60_000}) reached`,
  idle: s => `No event for ${(s.idleTimeoutMs ?? 0) / 60_000} minutes (idle-timeout)`,
  budget_exceeded: s => `The cost passed max-cost ($${s.maxCost})`,
  cancelled: () => 'The job was cancelled'
}

interface RunContext {
  server: AgentServer
  settings: Settings
  log: EventLog
  id: string
  stream: EventStream
  watcher: RunWatcher
  waker: Waker
  hooks: ConversationHooks
  limit: Deadline
  overBudget: () => boolean
  fatal: () => Error | undefined
}

/** Sends one message, runs, and waits for the run's end, a limit (`limit`: the whole conversation's timeout-minutes) or a cancel. */
/** `message` null: run on without a new message (a continued conversation that was interrupted or paused). */
async function followRun(
  { server, settings, log, id, stream, watcher, waker, hooks, limit, overBudget, fatal }: RunContext,
  message: string | null
): Promise<Ending> {
  const { signal } = hooks
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
    const failure = fatal()
    if (watcher.ended) return 'ended'
    if (failure) throw failure
    if (signal.aborted) return 'cancelled'
    if (overBudget()) return 'budget_exceeded'
    if (limit.expired) return 'timeout'
    const now = Date.now()
    const lastActivity = Math.max(log.lastEventAt, runStarted)
    if (settings.idleTimeoutMs !== null && now - lastActivity >= settings.idleTimeoutMs) return 'idle'

    // REST fallback: while the socket is down or silent, poll the status (and the events, if down).
    if ((!stream.connected || now - stream.lastFrameAt >= SILENCE_MS) && now - lastPoll >= POLL_EVERY_MS) {
      lastPoll = now
      try {
        watcher.observePoll(await server.getConversation(id, { retries: 2, signal: limit.signal }))
        if (!stream.connected) await stream.catchUp(limit.signal)
        pollFailures = 0
      } catch (err) {
        if (signal.aborted) return 'cancelled'
        if (limit.expired) return 'timeout'
        if (err instanceof ConversationGoneError) throw err
        if (await hooks.runtimeGone(limit.signal).catch(() => false)) {
          throw new Error(`The runtime was stopped or deleted during the run; the agent server stopped answering (${errorMessage(err)}).`, { cause: err })
        }
        if (++pollFailures >= MAX_POLL_FAILURES) throw err
        warning(`Polling the conversation failed (${errorMessage(err)}); retrying.`)
      }
    }
    if (now - Math.max(lastActivity, lastHeartbeat) >= HEARTBEAT_MS) {
      lastHeartbeat = now
      info(`Still running after ${formatDuration(now - runStarted)}: ${log.count} events, ${formatCost(totalsOf(watcher.stats).cost)} so far.`)
    }
    await waker.sleep(1_000)
  }
}

/** /interrupt (or /pause on older servers), then a short wait for the paused snapshot so the final state is settled. */
async function stopAgent(server: AgentServer, capabilities: Capabilities, id: string, watcher: RunWatcher, waker: Waker, signal: AbortSignal): Promise<void> {
  const cancelled = signal.aborted
  try {
    await server.interrupt(id, capabilities.interrupt, cancelled ? { timeoutMs: 1_500, retries: 0 } : { timeoutMs: INTERRUPT_WAIT_MS })
  } catch (err) {
    warning(`Could not interrupt the agent: ${errorMessage(err)}`)
    return
  }
  if (cancelled) return
  const until = Date.now() + INTERRUPT_WAIT_MS
  waker.rearm()
  while (!watcher.ended && !signal.aborted && Date.now() < until) await waker.sleep(250)
}

/** Final catch-up of events and the settled stats, within a time budget that a cancel shortens. */
async function collect(server: AgentServer, id: string, stream: EventStream, watcher: RunWatcher, budgetMs: number, signal: AbortSignal): Promise<void> {
  const limit = deadline(budgetMs, undefined, `collecting took more than ${budgetMs / 1000}s`)
  const work = (async () => {
    await stream.catchUp(limit.signal)
    watcher.observeState(await server.getConversation(id, { timeoutMs: budgetMs, signal: limit.signal }))
    return true
  })().catch(err => {
    warning(`Could not collect the final state of the conversation: ${errorMessage(err)}`)
    return !limit.expired
  })
  const done = await Promise.race([work, afterAbort(signal, CANCEL_BUDGET_MS).then(() => false)])
  limit.clear()
  if (!done) warning('Collecting the final state took too long; reporting what was received.')
}

function round(cost: number): number {
  return Number(cost.toFixed(6))
}

/** Per usage id, less what `prior` (a continued conversation's state when this run began) had already counted. */
function usageOf(stats: ConversationStats | undefined, prior?: ConversationStats): LlmUsage[] {
  return Object.entries(stats?.usage_to_metrics ?? {}).map(([usageId, metrics]) => {
    const usage = metrics?.accumulated_token_usage ?? {}
    const before = prior?.usage_to_metrics?.[usageId]
    const earlier = before?.accumulated_token_usage ?? {}
    return {
      usage_id: usageId,
      model: metrics?.model_name ?? null,
      cost: round((metrics?.accumulated_cost ?? 0) - (before?.accumulated_cost ?? 0)),
      prompt_tokens: (usage.prompt_tokens ?? 0) - (earlier.prompt_tokens ?? 0),
      completion_tokens: (usage.completion_tokens ?? 0) - (earlier.completion_tokens ?? 0),
      cache_read_tokens: (usage.cache_read_tokens ?? 0) - (earlier.cache_read_tokens ?? 0)
    }
  })
}

function minus(a: Totals, b: Totals): Totals {
  return {
    cost: round(a.cost - b.cost),
    promptTokens: a.promptTokens - b.promptTokens,
    completionTokens: a.completionTokens - b.completionTokens,
    cacheReadTokens: a.cacheReadTokens - b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens - b.cacheWriteTokens
  }
}

function statusOf(ending: Ending, executionStatus: string | undefined): RunStatus {
  switch (ending) {
    case 'ended':
      return executionStatus === 'finished' ? 'finished' : executionStatus === 'stuck' ? 'stuck' : 'error'
    case 'idle':
    case 'timeout':
      return 'timeout'
    case 'failed':
      return 'error'
    default:
      return ending
  }
}

function describeFailure(
  status: RunStatus,
  ending: Ending,
  executionStatus: string | undefined,
  lastError: string | undefined,
  settings: Settings
): string | undefined {
  if (status === 'finished') return undefined
  if (ending in INTERRUPT_REASON) return `${INTERRUPT_REASON[ending as keyof typeof INTERRUPT_REASON](settings)}.`
  if (status === 'stuck') return 'The agent got stuck: the stuck detector stopped the conversation.'
  return lastError ?? `The conversation ended with status ${executionStatus ?? 'unknown'}.`
}
