import { capabilitiesOf, type Capabilities } from './agent-server/capabilities.js'
import { ConversationGoneError, type AgentServer } from './agent-server/client.js'
import { formatCost } from './agent-server/describe.js'
import { EventStream } from './agent-server/events.js'
import { RunWatcher } from './agent-server/run-watcher.js'
import { totalsOf, type Totals } from './agent-server/types.js'
import type { EventLog } from './event-log.js'
import type { Settings } from './inputs.js'
import { errorMessage, formatDuration, info, warning } from './log.js'
import { Waker, untilAborted, withDeadline } from './timing.js'

export type RunStatus = 'finished' | 'error' | 'stuck' | 'timeout' | 'budget_exceeded' | 'cancelled' | 'skipped'

export interface ConversationOutcome {
  conversationId: string
  status: RunStatus
  error?: string
  finalMessage: string
  totals: Totals
}

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
export function conversationRequest(settings: Settings): Record<string, unknown> {
  return {
    agent: {
      kind: 'Agent',
      llm: { model: settings.llm.model, api_key: settings.llm.apiKey, base_url: settings.llm.baseUrl, usage_id: 'agent' },
      tools: [
        { name: 'terminal', params: {} },
        { name: 'file_editor', params: {} },
        { name: 'task_tracker', params: {} }
      ],
      system_prompt_kwargs: { cli_mode: true }
    },
    workspace: { kind: 'LocalWorkspace', working_dir: settings.workingDir },
    initial_message: null,
    max_iterations: settings.maxIterations,
    stuck_detection: true,
    confirmation_policy: { kind: 'NeverConfirm' }
  }
}

type Ending = 'ended' | 'timeout' | 'cancelled' | 'failed'

/**
 * Creates the conversation, follows its events, sends the prompt, runs it and waits for its
 * end, the time limit or a cancel; then collects the final state. Once the conversation
 * exists, failures become an outcome with status `error` and what was received so far.
 */
export async function runConversation(
  server: AgentServer,
  settings: Settings,
  log: EventLog,
  onConversationId: (id: string) => void,
  signal: AbortSignal
): Promise<ConversationOutcome> {
  const serverInfo = await untilAborted(server.serverInfo().catch(() => ({ version: undefined })), signal)
  const capabilities = capabilitiesOf(serverInfo.version)
  info(`Agent server version ${capabilities.version}.`)
  const conversation = await untilAborted(server.createConversation(conversationRequest(settings)), signal)
  const id = conversation.id
  onConversationId(id)
  info(`Conversation ${id} created in ${settings.workingDir}.`)

  const waker = new Waker(signal)
  const watcher = new RunWatcher(() => waker.wake())
  watcher.observeState(conversation)
  let fatal: Error | undefined
  const stream = new EventStream(server, id, capabilities, {
    onEvent: (event, json) => {
      log.record(event, json)
      watcher.observeEvent(event)
    },
    onSnapshot: state => watcher.observeSnapshot(state),
    onFatal: err => {
      fatal = err
      waker.wake()
    }
  })

  try {
    let ending: Ending
    let failure: string | undefined
    try {
      ending = await followRun({ server, settings, log, id, stream, watcher, waker, signal, fatal: () => fatal })
    } catch (err) {
      ending = signal.aborted ? 'cancelled' : 'failed'
      failure = errorMessage(err)
    }
    const cancelled = ending === 'cancelled'
    if (ending === 'timeout' || cancelled) {
      info(cancelled ? 'The job was cancelled: interrupting the agent.' : `timeout-minutes (${settings.runTimeoutMs / 60_000}) reached: interrupting the agent.`)
      await stopAgent(server, capabilities, id, watcher, waker, cancelled)
    }
    let finalMessage: string | undefined
    if (ending !== 'failed') {
      const budget = cancelled ? CANCEL_BUDGET_MS : COLLECT_BUDGET_MS
      await collect(server, id, stream, watcher, budget)
      if (capabilities.finalResponse) finalMessage = await withDeadline(server.finalResponse(id, { timeoutMs: budget, retries: 1 }).catch(() => undefined), budget)
    }
    const status: RunStatus = ending === 'ended' ? statusOf(watcher.ended!) : ending === 'failed' ? 'error' : ending
    return {
      conversationId: id,
      status,
      error: failure ?? describeFailure(status, watcher.ended, log.lastError, settings),
      finalMessage: finalMessage || log.lastFinishMessage || log.lastAgentMessage || '',
      totals: totalsOf(watcher.stats)
    }
  } finally {
    stream.close()
  }
}

interface RunContext {
  server: AgentServer
  settings: Settings
  log: EventLog
  id: string
  stream: EventStream
  watcher: RunWatcher
  waker: Waker
  signal: AbortSignal
  fatal: () => Error | undefined
}

/** Sends the prompt, runs, and waits for the run's end, the time limit or a cancel. */
async function followRun({ server, settings, log, id, stream, watcher, waker, signal, fatal }: RunContext): Promise<Ending> {
  await untilAborted(stream.open(), signal)
  await untilAborted(server.sendMessage(id, settings.prompt), signal)
  watcher.runRequested()
  await untilAborted(server.run(id), signal)
  const runStarted = Date.now()
  info('Prompt sent; the agent is running.')

  const deadline = runStarted + settings.runTimeoutMs
  let lastPoll = runStarted
  let lastHeartbeat = runStarted
  let pollFailures = 0
  for (;;) {
    const failure = fatal()
    if (watcher.ended) return 'ended'
    if (failure) throw failure
    if (signal.aborted) return 'cancelled'
    const now = Date.now()
    if (now >= deadline) return 'timeout'

    // REST fallback: while the socket is down or silent, poll the status (and the events, if down).
    if ((!stream.connected || now - stream.lastFrameAt >= SILENCE_MS) && now - lastPoll >= POLL_EVERY_MS) {
      lastPoll = now
      try {
        watcher.observePoll(await untilAborted(server.getConversation(id), signal))
        if (!stream.connected) await untilAborted(stream.catchUp(), signal)
        pollFailures = 0
      } catch (err) {
        if (signal.aborted) return 'cancelled'
        if (err instanceof ConversationGoneError || ++pollFailures >= MAX_POLL_FAILURES) throw err
        warning(`Polling the conversation failed (${errorMessage(err)}); retrying.`)
      }
    }
    if (now - Math.max(log.lastEventAt, lastHeartbeat) >= HEARTBEAT_MS) {
      lastHeartbeat = now
      info(`Still running after ${formatDuration(now - runStarted)}: ${log.count} events, ${formatCost(totalsOf(watcher.stats).cost)} so far.`)
    }
    await waker.sleep(Math.min(1_000, deadline - now))
  }
}

async function stopAgent(server: AgentServer, capabilities: Capabilities, id: string, watcher: RunWatcher, waker: Waker, cancelled: boolean): Promise<void> {
  try {
    await server.interrupt(id, capabilities.interrupt, cancelled ? { timeoutMs: 1_500, retries: 0 } : { timeoutMs: INTERRUPT_WAIT_MS })
  } catch (err) {
    warning(`Could not interrupt the agent: ${errorMessage(err)}`)
    return
  }
  if (cancelled) return
  // Wait briefly for the paused snapshot, so the final state and cost are the settled ones.
  const until = Date.now() + INTERRUPT_WAIT_MS
  waker.rearm()
  while (!watcher.ended && Date.now() < until) await waker.sleep(250)
}

/** Final catch-up of events and the settled stats, within a time budget. */
async function collect(server: AgentServer, id: string, stream: EventStream, watcher: RunWatcher, budgetMs: number): Promise<void> {
  const work = (async () => {
    await stream.catchUp()
    watcher.observeState(await server.getConversation(id, { timeoutMs: budgetMs }))
  })()
  const done = await withDeadline(
    work.then(
      () => true,
      err => {
        warning(`Could not collect the final state of the conversation: ${errorMessage(err)}`)
        return true
      }
    ),
    budgetMs
  )
  if (!done) warning(`Collecting the final state took over ${budgetMs / 1000}s; reporting what was received.`)
}

function statusOf(executionStatus: string): RunStatus {
  if (executionStatus === 'finished') return 'finished'
  if (executionStatus === 'stuck') return 'stuck'
  return 'error'
}

function describeFailure(status: RunStatus, executionStatus: string | undefined, lastError: string | undefined, settings: Settings): string | undefined {
  switch (status) {
    case 'finished':
      return undefined
    case 'stuck':
      return 'The agent got stuck: the stuck detector stopped the conversation.'
    case 'timeout':
      return `The conversation did not finish within timeout-minutes (${settings.runTimeoutMs / 60_000}).`
    case 'cancelled':
      return 'The job was cancelled.'
    default:
      return lastError ?? `The conversation ended with status ${executionStatus ?? 'unknown'}.`
  }
}
