import { totalsOf, type AgentEvent, type ConversationStats } from './types.js'

const MAX_TEXT = 200

/** One readable log line per event (protocol.md B.9 shapes), or undefined for events not worth a line. */
export function describeEvent(event: AgentEvent): string | undefined {
  switch (event.kind) {
    case 'MessageEvent':
      return `[${event.source ?? 'message'}] ${clip(messageText(event))}`
    case 'ActionEvent':
      return describeAction(event)
    case 'ObservationEvent':
      return describeObservation(event)
    case 'AgentErrorEvent':
      return `[agent error] ${event.tool_name ?? ''}: ${clip(String(event.error ?? ''))}`
    case 'ConversationErrorEvent':
      return `[error] ${event.code ?? 'error'}: ${clip(String(event.detail ?? ''))}`
    case 'UserRejectObservation':
      return `[rejected] ${event.tool_name ?? ''}: ${clip(String(event.rejection_reason ?? ''))}`
    case 'ConversationStateUpdateEvent':
      if (event.key === 'execution_status') return `[status] ${String(event.value)}`
      if (event.key === 'stats') return `[cost] ${formatCost(totalsOf(event.value as ConversationStats).cost)} so far`
      return undefined
    case 'PauseEvent':
      return '[paused]'
    case 'InterruptEvent':
      return '[interrupted]'
    case 'SystemPromptEvent':
    case 'TokenEvent':
    case 'LLMCompletionLogEvent':
      return undefined
    default:
      return `[${event.kind}]`
  }
}

/** Text of a MessageEvent (its llm_message content). */
export function messageText(event: AgentEvent): string {
  const message = event.llm_message as { content?: Array<{ type?: string; text?: string }> } | undefined
  return (message?.content ?? [])
    .filter(part => part.type === 'text' && typeof part.text === 'string')
    .map(part => part.text)
    .join('\n')
}

/** The message of a FinishAction, if the event is one. */
export function finishMessage(event: AgentEvent): string | undefined {
  const action = event.action as { kind?: string; message?: unknown } | null | undefined
  return event.kind === 'ActionEvent' && action?.kind === 'FinishAction' && typeof action.message === 'string' ? action.message : undefined
}

export function formatCost(cost: number): string {
  return `$${cost.toFixed(4)}`
}

function describeAction(event: AgentEvent): string {
  const action = (event.action ?? {}) as Record<string, unknown>
  const tool = String(event.tool_name ?? action.kind ?? 'action')
  if (action.kind === 'FinishAction') return `[finish] ${clip(String(action.message ?? ''))}`
  if (typeof action.command === 'string' && tool === 'terminal') return `[action] terminal: $ ${clip(action.command)}`
  const detail = [action.command, action.path].filter(v => typeof v === 'string' && v).join(' ')
  // A model that gives no summary gets one made of the tool's name and arguments (seen on v1.58.2): nothing to add.
  const summary = typeof event.summary === 'string' && !event.summary.startsWith(`${tool}: {`) ? event.summary : ''
  return `[action] ${tool}${detail ? `: ${clip(detail)}` : ''}${summary ? ` (${clip(summary)})` : ''}`
}

function describeObservation(event: AgentEvent): string {
  const observation = (event.observation ?? {}) as Record<string, unknown>
  const tool = String(event.tool_name ?? observation.kind ?? 'observation')
  const parts: string[] = []
  if (typeof observation.exit_code === 'number') parts.push(`exit ${observation.exit_code}`)
  if (observation.is_error === true) parts.push('error')
  const content = observation.content as Array<{ text?: string }> | undefined
  const size = (content ?? []).reduce((n, part) => n + (part.text?.length ?? 0), 0)
  if (size) parts.push(`${size} chars`)
  return `[observation] ${tool}${parts.length ? `: ${parts.join(', ')}` : ''}`
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line
}
