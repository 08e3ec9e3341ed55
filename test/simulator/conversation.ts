import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { page } from './bash-service.js'
import {
  dashedId,
  eventId,
  isoToMicros,
  MASK,
  messageText,
  naiveTimestamp,
  omitNulls,
  qualifiedKind,
  text,
  sentMessageFields,
  utcTimestamp,
  type EventSource,
  type Json
} from './events.js'
import { assertionFailure, HttpError, one, type Query } from './http.js'
import type { CommandResult, Sandbox } from './sandbox.js'
import { isAction, performStep, type EndStatus } from './scripted-agent.js'
import type { AgentScript } from './scripts.js'
import { ConversationStats } from './stats.js'
import type { SimConversation } from './types.js'

/** What the real server's title call cost in the scripted-LLM tests: 1 000 prompt and 100 completion tokens of gpt-4o-mini. */
const TITLE_CALL = { cost: 0.00021, promptTokens: 1_000, completionTokens: 100 }
/** What a conversation needs from the agent server that holds it. */
export interface ConversationHost {
  sandbox: Sandbox
  script(): AgentScript
  /** The server titles new conversations with an LLM call unless asked not to (seen on v1.58.2, not on v1.11.0). */
  autotitle: boolean
  /** Every persisted event (taps, fault accounting, idle clock). */
  onPublished(event: Json, conversationId: string): void
  log(line: string): void
}

/** A WebSocket subscriber: gets each event as an object and as its JSON text. */
export type Subscriber = (event: Json, frame: string) => void

type Status = 'idle' | 'running' | 'paused' | 'waiting_for_confirmation' | 'finished' | 'error' | 'stuck'

interface ActiveRun {
  controller: AbortController
  pauseRequested: boolean
  /** Settles when the run has stopped, whatever the reason. */
  done: Promise<void>
}

const LLM_SECRET_FIELDS = ['api_key', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']

/** One conversation: its state, its persisted event log, its subscribers and its run loop. */
export class Conversation implements SimConversation {
  readonly id: string
  readonly events: Json[] = []
  readonly secrets = new Map<string, string>()
  readonly stats = new ConversationStats()
  runCount = 0
  executionStatus: Status = 'idle'

  private readonly index = new Map<string, number>()
  private readonly subscribers = new Set<Subscriber>()
  private readonly secretSources = new Map<string, Json>()
  private readonly agent: Json
  private readonly workspace: Json
  private readonly maxIterations: number
  private readonly createdAt = utcTimestamp()
  private updatedAt = this.createdAt
  private confirmationPolicy: Json
  private title: string | null = null
  private tags: Record<string, string>
  private lastUserMessageId: string | null = null
  private activeRun?: ActiveRun
  /** Set while the agent server is down (runtime paused or stopped, conversation deleted): nothing is published. */
  private frozen = false

  private constructor(
    private readonly host: ConversationHost,
    readonly request: Json
  ) {
    this.id = typeof request.conversation_id === 'string' ? dashedId(request.conversation_id) : randomUUID()
    this.agent = normalizeAgent(request.agent as Json)
    this.workspace = { working_dir: (request.workspace as Json).working_dir, kind: 'LocalWorkspace' }
    this.maxIterations = typeof request.max_iterations === 'number' ? request.max_iterations : 500
    this.confirmationPolicy = (request.confirmation_policy as Json | undefined) ?? { kind: 'NeverConfirm' }
    this.tags = (request.tags as Record<string, string> | undefined) ?? {}
    for (const [name, source] of Object.entries((request.secrets as Json | undefined) ?? {})) this.addSecret(name, source)
  }

  /** Creates the conversation: working_dir (git-initialised), then the system prompt event. */
  static async create(host: ConversationHost, request: Json): Promise<Conversation> {
    const conversation = new Conversation(host, request)
    await host.sandbox.prepareWorkingDir(conversation.workingDir)
    conversation.emit('agent', 'SystemPromptEvent', {
      system_prompt: text('You are OpenHands agent, a helpful AI assistant that can interact with a computer to solve tasks.'),
      tools: toolNames(conversation.agent).map(name => ({ name, kind: 'ToolDefinition' }))
    })
    return conversation
  }

  get workingDir(): string {
    return this.workspace.working_dir as string
  }

  get llmModel(): string {
    return String((this.agent.llm as Json | undefined)?.model ?? 'unknown')
  }

  /** The usage id (stats key) of the agent's LLM or of its condenser's. */
  usageId(role: 'agent' | 'condenser'): string {
    const llm = role === 'agent' ? (this.agent.llm as Json | undefined) : ((this.agent.condenser as Json | null)?.llm as Json | undefined)
    return typeof llm?.usage_id === 'string' ? llm.usage_id : role
  }

  condenserModel(): string {
    const llm = (this.agent.condenser as Json | null)?.llm as Json | undefined
    return typeof llm?.model === 'string' ? llm.model : this.llmModel
  }

  // ---- events ---------------------------------------------------------------------------

  /** Publishes an event: appended to the log and sent to every subscriber. */
  emit(source: EventSource, kind: string, fields: Json): Json {
    if (this.frozen) return { ...fields, kind }
    const event: Json = {
      id: eventId(),
      timestamp: naiveTimestamp(),
      source,
      parent_id: this.events.at(-1)?.id ?? '__root__'
    }
    // Like exclude_none; a state update's `value` is an already-dumped dict and keeps its nulls.
    for (const [k, v] of Object.entries(fields)) if (v != null) event[k] = k === 'value' ? v : omitNulls(v)
    event.kind = kind
    this.index.set(event.id as string, this.events.length)
    this.events.push(event)
    this.updatedAt = utcTimestamp()
    if (this.subscribers.size > 0) {
      const frame = JSON.stringify(event)
      for (const subscriber of this.subscribers) subscriber(event, frame)
    }
    this.host.onPublished(event, this.id)
    return event
  }

  /** A per-field ConversationStateUpdateEvent (persisted). */
  private emitField(key: string, value: unknown): void {
    this.emit('environment', 'ConversationStateUpdateEvent', { key, value })
  }

  /** The WebSocket-only full_state snapshot (protocol.md §B.9). */
  fullStateEvent(): Json {
    return {
      id: eventId(),
      timestamp: naiveTimestamp(),
      source: 'environment',
      key: 'full_state',
      value: this.state(),
      kind: 'ConversationStateUpdateEvent'
    }
  }

  private broadcastFullState(): void {
    if (this.frozen || this.subscribers.size === 0) return
    const event = this.fullStateEvent()
    const frame = JSON.stringify(event)
    for (const subscriber of this.subscribers) subscriber(event, frame)
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  recordLlmCall(role: 'agent' | 'condenser', call: { cost: number; promptTokens: number; completionTokens: number; cacheReadTokens?: number }): void {
    this.stats.record(this.usageId(role), {
      model: role === 'agent' ? this.llmModel : this.condenserModel(),
      cost: call.cost,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens,
      cacheReadTokens: call.cacheReadTokens ?? 0,
      responseId: `chatcmpl-${randomUUID()}`
    })
    this.emitField('stats', this.stats.snapshot())
  }

  setStatus(status: Status): void {
    if (this.frozen || status === this.executionStatus) return
    this.executionStatus = status
    this.emitField('execution_status', status)
  }

  // ---- messages and runs ----------------------------------------------------------------

  sendMessage(role: string, content: unknown[], run: boolean): void {
    const source: EventSource = role === 'user' ? 'user' : role === 'assistant' ? 'agent' : 'environment'
    const event = this.emit(source, 'MessageEvent', sentMessageFields(role, content.map(contentPart)))
    if (role === 'user') {
      this.lastUserMessageId = event.id as string
      // As the real server does (seen on v1.58.2): unless autotitle is false, the first message is titled by a call on the agent's LLM, at the agent's cost.
      if (this.title === null && this.host.autotitle && this.request.autotitle !== false) this.recordLlmCall('agent', TITLE_CALL)
      this.title ??= messageText(event).slice(0, 50) || null
    }
    if (this.executionStatus === 'finished' || this.executionStatus === 'stuck') this.setStatus('idle')
    if (run) this.run()
  }

  /** Starts a run of the script in the background; false when one is already running. */
  run(): boolean {
    if (this.activeRun) return false
    this.runCount++
    if (this.executionStatus === 'finished') {
      // Nothing new to do: the run ends at once, as the real loop does.
      setImmediate(() => this.broadcastFullState())
      return true
    }
    this.setStatus('running')
    const active: ActiveRun = { controller: new AbortController(), pauseRequested: false, done: Promise.resolve() }
    this.activeRun = active
    active.done = this.loop(active)
      .catch(err => this.host.log(`conversation ${this.id}: run failed: ${String(err)}`))
      .finally(() => {
        if (this.activeRun === active) this.activeRun = undefined
      })
    return true
  }

  private async loop(run: ActiveRun): Promise<void> {
    const script = this.host.script()
    const delay = script.stepDelayMs ?? 20
    const signal = run.controller.signal
    let iterations = 0
    let outcome: EndStatus = 'finished'
    try {
      for (const [i, step] of script.steps.entries()) {
        if (i > 0 && delay > 0) await sleep(delay, undefined, { signal })
        if (run.pauseRequested) return this.pausedByRequest()
        if (isAction(step) && ++iterations > this.maxIterations) {
          this.emit('environment', 'ConversationErrorEvent', {
            code: 'MaxIterationsReached',
            detail: `Agent reached the maximum number of iterations (${this.maxIterations}).`,
            classification: { kind: 'agent_action', retryable: false, user_action: 'none' }
          })
          outcome = 'error'
          break
        }
        const result = await performStep(step, this, signal)
        if (result !== 'continue') {
          outcome = result
          break
        }
      }
    } catch (err) {
      // Interrupts and teardowns abort the signal; whoever aborted reports the outcome.
      if (signal.aborted) return
      this.emit('environment', 'ConversationErrorEvent', {
        code: (err as Error).name || 'Error',
        detail: String((err as Error).message ?? err),
        classification: { kind: 'internal', retryable: false, user_action: 'none' }
      })
      outcome = 'error'
    }
    if (signal.aborted) return
    this.setStatus(outcome)
    this.broadcastFullState()
  }

  private pausedByRequest(): void {
    this.emit('user', 'PauseEvent', {})
    this.setStatus('paused')
    this.broadcastFullState()
  }

  /** Pauses at the next step boundary; resolves once paused (protocol.md §B.8: the request blocks). */
  async pause(): Promise<void> {
    const run = this.activeRun
    if (run) {
      run.pauseRequested = true
      await run.done
    } else if (this.executionStatus === 'idle') {
      this.pausedByRequest()
    }
  }

  /** Stops at once, even mid-step (≥ v1.23.0). */
  async interrupt(): Promise<void> {
    const run = this.activeRun
    if (!run && this.executionStatus !== 'idle') return
    if (run) {
      run.controller.abort()
      await run.done
    }
    this.emit('user', 'InterruptEvent', {})
    this.setStatus('paused')
    this.broadcastFullState()
  }

  /** The runtime went away (stop, pause, delete): the run just stops, nothing more is published. */
  async abandon(): Promise<void> {
    this.frozen = true
    const run = this.activeRun
    if (!run) return
    run.controller.abort()
    await run.done
  }

  /**
   * After a resume the agent server process is new: a conversation left 'running' is flipped
   * to 'error' with an AgentErrorEvent (protocol.md §E).
   */
  recoverAfterRestart(): void {
    this.frozen = false
    if (this.executionStatus !== 'running') return
    this.emit('agent', 'AgentErrorEvent', {
      tool_name: 'terminal',
      tool_call_id: 'unknown',
      error: 'A restart occurred while this tool was in progress. The tool may or may not have completed.',
      classification: { kind: 'unknown', retryable: true, user_action: 'retry' }
    })
    this.setStatus('error')
  }

  // ---- secrets ---------------------------------------------------------------------------

  /** Accepts plain strings, {value} and SecretSource objects (protocol.md §B.10). */
  addSecret(name: string, source: unknown): void {
    if (typeof source === 'string') source = { kind: 'StaticSecret', value: source }
    const s = { ...(source as Json) }
    s.kind ??= 'StaticSecret'
    this.secretSources.set(name, s)
    if (typeof s.value === 'string') this.secrets.set(name, s.value)
  }

  /** A terminal command of the agent: runs in working_dir with the secrets it mentions. */
  runCommand(command: string, signal: AbortSignal): Promise<CommandResult> {
    return this.host.sandbox.run(command, { cwd: this.workingDir, timeoutMs: 120_000, env: this.secretEnv(command), signal })
  }

  async writeFile(file: string, content: string): Promise<{ path: string; existed: boolean; previous: string | null }> {
    const target = path.posix.resolve(this.workingDir, file)
    const hostFile = this.host.sandbox.hostPath(target)
    const previous = existsSync(hostFile) ? await readFile(hostFile, 'utf8') : null
    await mkdir(path.dirname(hostFile), { recursive: true })
    await writeFile(hostFile, content)
    return { path: target, existed: previous !== null, previous }
  }

  /** Env vars for a terminal command: every secret whose name the command mentions. */
  private secretEnv(command: string): Record<string, string> {
    const env: Record<string, string> = {}
    const lower = command.toLowerCase()
    for (const [name, value] of this.secrets) if (lower.includes(name.toLowerCase())) env[name] = value
    return env
  }

  maskSecrets(output: string): string {
    let masked = output
    for (const value of this.secrets.values()) if (value) masked = masked.split(value).join('<secret-hidden>')
    return masked
  }

  setConfirmationPolicy(policy: Json): void {
    this.confirmationPolicy = policy
  }

  update(patch: { title?: string; tags?: Record<string, string> }): void {
    if (patch.title !== undefined) this.title = patch.title
    if (patch.tags !== undefined) this.tags = patch.tags
    this.updatedAt = utcTimestamp()
  }

  // ---- read models ------------------------------------------------------------------------

  /** ConversationInfo (protocol.md §B.7): nulls present, secrets masked. */
  info(includeSkills = false): Json {
    return {
      id: this.id,
      agent: maskAgent(this.agent, includeSkills),
      workspace: this.workspace,
      persistence_dir: `workspace/conversations/${this.id.replace(/-/g, '')}`,
      max_iterations: this.maxIterations,
      stuck_detection: this.request.stuck_detection ?? true,
      execution_status: this.executionStatus,
      confirmation_policy: this.confirmationPolicy,
      security_analyzer: this.request.security_analyzer ?? null,
      activated_knowledge_skills: [],
      invoked_skills: [],
      blocked_actions: {},
      blocked_messages: {},
      last_user_message_id: this.lastUserMessageId,
      leaf_event_id: this.events.at(-1)?.id ?? null,
      stats: this.stats.full(),
      secret_registry: this.secretRegistry(),
      agent_state: {},
      hook_config: this.request.hook_config ?? null,
      title: this.title,
      metrics: null,
      created_at: this.createdAt,
      updated_at: this.updatedAt,
      forked_from_conversation_id: null,
      forked_from_event_id: null,
      parent_conversation_id: this.request.parent_conversation_id ?? null,
      sub_conversation_ids: [],
      tags: this.tags,
      current_model_id: null,
      available_models: [],
      supports_runtime_model_switch: false,
      launched_agent_profile: null,
      client_tools: this.request.client_tools ?? []
    }
  }

  /** The ConversationState carried by full_state: no title/metrics/timestamps, nulls omitted. */
  state(): Json {
    const {
      title: _title,
      metrics: _metrics,
      created_at: _created,
      updated_at: _updated,
      leaf_event_id: _leaf,
      forked_from_conversation_id: _forkedFrom,
      forked_from_event_id: _forkedEvent,
      sub_conversation_ids: _subs,
      current_model_id: _model,
      available_models: _models,
      supports_runtime_model_switch: _switch,
      launched_agent_profile: _profile,
      ...state
    } = this.info()
    return omitNulls({ ...state, activated_path_rules: {} })
  }

  private secretRegistry(): Json {
    const sources: Json = {}
    for (const [name, source] of this.secretSources) {
      sources[name] = source.kind === 'StaticSecret' ? { kind: 'StaticSecret', value: MASK, description: source.description ?? null } : maskValues(source)
    }
    return { secret_sources: sources }
  }

  /** Text of the last FinishAction, else of the last agent MessageEvent, else "". */
  finalResponse(): string {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]
      const action = e.action as Json | undefined
      if (e.kind === 'ActionEvent' && action?.kind === 'FinishAction') return String(action.message ?? '')
      if (e.kind === 'MessageEvent' && e.source === 'agent') return messageText(e)
    }
    return ''
  }

  getEvent(id: string): Json | undefined {
    const i = this.index.get(id)
    return i === undefined ? undefined : this.events[i]
  }

  searchEvents(query: Query): { items: Json[]; next_page_id: string | null } {
    const limit = Number(one(query, 'limit') ?? 100)
    // The bound is an assert in the server: a 500, not a 422 (protocol.md §B.9).
    if (limit > 100) throw assertionFailure()
    if (!(limit > 0)) throw new HttpError(422, [{ type: 'greater_than', loc: ['query', 'limit'], msg: 'Input should be greater than 0' }])
    const filtered = this.filterEvents(query)
    const pageId = one(query, 'page_id')
    if (filtered === this.events) {
      // Unfiltered, ascending: page straight off the log, which may hold 100 000 events.
      const at = pageId === undefined ? 0 : (this.index.get(pageId) ?? 0)
      return { items: this.events.slice(at, at + limit), next_page_id: (this.events[at + limit]?.id as string | undefined) ?? null }
    }
    return page(filtered as (Json & { id: string })[], pageId, limit)
  }

  countEvents(query: Query): number {
    return this.filterEvents(query).length
  }

  private filterEvents(query: Query): Json[] {
    const kind = one(query, 'kind')
    const source = one(query, 'source')
    const body = one(query, 'body')?.toLowerCase()
    const gte = one(query, 'timestamp__gte')
    const lt = one(query, 'timestamp__lt')
    const desc = one(query, 'sort_order') === 'TIMESTAMP_DESC'
    if (!kind && !source && !body && !gte && !lt && !desc) return this.events
    const gteMicros = gte ? isoToMicros(gte) : -Infinity
    const ltMicros = lt ? isoToMicros(lt) : Infinity
    const items = this.events.filter(e => {
      if (kind && qualifiedKind(e.kind as string) !== kind) return false
      if (source && e.source !== source) return false
      if (body && !(e.kind === 'MessageEvent' && messageText(e).toLowerCase().includes(body))) return false
      if (gte || lt) {
        const t = isoToMicros(e.timestamp as string)
        if (!(t >= gteMicros && t < ltMicros)) return false
      }
      return true
    })
    return desc ? items.reverse() : items
  }
}

/** TextContent/ImageContent with their defaults filled in, as pydantic dumps them. */
function contentPart(part: unknown): unknown {
  const p = part as Json
  if (p?.type === 'image') return { cache_prompt: p.cache_prompt ?? false, type: 'image', image_urls: p.image_urls }
  return { cache_prompt: p?.cache_prompt ?? false, type: 'text', text: p?.text }
}

/** The agent as the server keeps it: defaults filled in, blank secrets as null (protocol.md §B.5). */
function normalizeAgent(agent: Json): Json {
  const condenser = agent.condenser as Json | null | undefined
  return {
    tools: [],
    mcp_config: {},
    filter_tools_regex: null,
    include_default_tools: ['FinishTool', 'ThinkTool'],
    agent_context: null,
    system_prompt_filename: 'system_prompt.j2',
    security_policy_filename: 'security_policy.j2',
    system_prompt_kwargs: {},
    critic: null,
    ...agent,
    llm: normalizeLlm(agent.llm as Json | undefined),
    condenser: condenser ? { ...condenser, llm: normalizeLlm(condenser.llm as Json | undefined) } : null,
    kind: agent.kind ?? 'Agent'
  }
}

function normalizeLlm(llm: Json | undefined): Json | undefined {
  if (!llm) return llm
  const out: Json = { ...llm }
  for (const field of LLM_SECRET_FIELDS) {
    const v = out[field]
    if (typeof v === 'string' && (v.trim() === '' || v === MASK)) out[field] = null
  }
  return out
}

/** Every response that embeds the agent shows its LLM secrets as "**********". */
function maskAgent(agent: Json, includeSkills: boolean): Json {
  const maskLlm = (llm: Json | undefined) => {
    if (!llm) return llm
    const out: Json = { ...llm }
    for (const field of LLM_SECRET_FIELDS) if (out[field] != null) out[field] = MASK
    return out
  }
  const condenser = agent.condenser as Json | null
  const context = agent.agent_context as Json | null
  return {
    ...agent,
    llm: maskLlm(agent.llm as Json | undefined),
    condenser: condenser ? { ...condenser, llm: maskLlm(condenser.llm as Json | undefined) } : null,
    agent_context: context && !includeSkills ? { ...context, skills: [] } : context
  }
}

function maskValues(source: Json): Json {
  const headers = source.headers as Record<string, unknown> | undefined
  return { ...source, headers: headers ? Object.fromEntries(Object.keys(headers).map(k => [k, MASK])) : headers }
}

function toolNames(agent: Json): string[] {
  const tools = Array.isArray(agent.tools) ? (agent.tools as Json[]).map(t => String(t.name)) : []
  return [...tools, 'finish', 'think']
}
