import { randomBytes, randomUUID } from 'node:crypto'

export type Json = Record<string, unknown>
export type EventSource = 'agent' | 'user' | 'environment' | 'hook'

export const MASK = '**********'

let lastMicros = 0

/**
 * Conversation-event timestamps are naive ISO strings with microseconds (Python's
 * `datetime.now().isoformat()` in a UTC pod, protocol.md §B.1). Kept strictly increasing so
 * that ordering and `timestamp__gte` filters are unambiguous even for events of the same ms.
 */
export function naiveTimestamp(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
  return formatMicros(lastMicros)
}

export function formatMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString()
  return `${iso.slice(0, 19)}.${String(micros % 1_000_000).padStart(6, '0')}`
}

/** Timezone-aware UTC form used for created_at/updated_at and bash events (`…Z`). */
export function utcTimestamp(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

/**
 * Microseconds since the epoch for an ISO string; naive values are taken as server local
 * time, which is UTC in the pod. Returns NaN when unparsable.
 */
export function isoToMicros(iso: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(iso.trim())
  if (!m) return NaN
  const [, date, time, fraction = '', zone = 'Z'] = m
  const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${zone.toUpperCase()}`)
  if (Number.isNaN(ms)) return NaN
  return ms * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6))
}

export const eventId = (): string => randomUUID()

/** Conversation ids arrive dashed or as 32 hex digits (protocol.md §B.1); they are kept dashed. */
export function dashedId(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) return id
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
/** Bash-event ids and command ids are 32 hex digits without dashes (protocol.md §B.1). */
export const hexId = (): string => randomBytes(16).toString('hex')
export const toolCallId = (): string => `toolu_${randomBytes(12).toString('base64url')}`
export const responseId = (): string => `chatcmpl-${randomUUID()}`

/** Drops null and undefined fields at every depth, like pydantic's `exclude_none=True`. */
export function omitNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(omitNulls) as T
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Json = {}
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = omitNulls(v)
    return out as T
  }
  return value
}

/** The event `kind` filter of events/search takes the fully-qualified class path (protocol.md §B.9). */
const QUALIFIED_KIND: Record<string, string> = {
  MessageEvent: 'openhands.sdk.event.llm_convertible.message.MessageEvent',
  ActionEvent: 'openhands.sdk.event.llm_convertible.action.ActionEvent',
  ObservationEvent: 'openhands.sdk.event.llm_convertible.observation.ObservationEvent',
  AgentErrorEvent: 'openhands.sdk.event.llm_convertible.observation.AgentErrorEvent',
  UserRejectObservation: 'openhands.sdk.event.llm_convertible.observation.UserRejectObservation',
  SystemPromptEvent: 'openhands.sdk.event.llm_convertible.system.SystemPromptEvent',
  ConversationStateUpdateEvent: 'openhands.sdk.event.conversation_state.ConversationStateUpdateEvent',
  ConversationErrorEvent: 'openhands.sdk.event.conversation_error.ConversationErrorEvent',
  PauseEvent: 'openhands.sdk.event.user_action.PauseEvent',
  InterruptEvent: 'openhands.sdk.event.user_action.InterruptEvent'
}

export function qualifiedKind(kind: string): string {
  return QUALIFIED_KIND[kind] ?? `openhands.sdk.event.${kind}`
}

export const text = (value: string): Json => ({ cache_prompt: false, type: 'text', text: value })

/** Text of a MessageEvent, for the `body` filter and agent_final_response. */
export function messageText(event: Json): string {
  const message = event.llm_message as { content?: { type?: string; text?: string }[] } | undefined
  return (message?.content ?? [])
    .filter(c => c.type === 'text')
    .map(c => c.text ?? '')
    .join('')
}

// Field builders: each returns the kind-specific fields; Conversation.emit adds id, timestamp, source, parent_id.

export function sentMessageFields(role: string, content: unknown[]): Json {
  return {
    llm_message: { role, content, thinking_blocks: [] },
    activated_skills: [],
    extended_content: []
  }
}

export function agentMessageFields(message: string): Json {
  return {
    llm_message: { role: 'assistant', content: [text(message)], thinking_blocks: [] },
    llm_response_id: responseId(),
    activated_skills: [],
    extended_content: []
  }
}

export function actionFields(toolName: string, action: Json, thought: string): Json {
  const callId = toolCallId()
  const { kind: _kind, ...args } = action
  return {
    thought: thought ? [text(thought)] : [],
    thinking_blocks: [],
    action,
    tool_name: toolName,
    tool_call_id: callId,
    tool_call: { id: callId, name: toolName, arguments: JSON.stringify(args), origin: 'completion' },
    llm_response_id: responseId(),
    security_risk: 'LOW'
  }
}

export function observationFields(action: Json, observation: Json): Json {
  return {
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
    observation,
    action_id: action.id,
    extended_content: []
  }
}

export function terminalObservation(command: string, output: string, exitCode: number, workingDir: string): Json {
  return {
    content: [text(output)],
    is_error: false,
    command,
    exit_code: exitCode,
    timeout: false,
    metadata: {
      exit_code: exitCode,
      pid: -1,
      username: 'openhands',
      hostname: 'runtime',
      working_dir: workingDir,
      py_interpreter_path: '/usr/local/bin/python',
      prefix: '',
      suffix: `\n[The command completed with exit code ${exitCode}.]`
    },
    kind: 'TerminalObservation'
  }
}
