import { Blob } from 'node:buffer'
import { FormData } from 'undici'
import { callJson, HttpError, type CallOptions } from '../http.js'
import { capabilitiesOf, type Capabilities } from './capabilities.js'
import type { AgentEvent, ConversationState } from './types.js'

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface EventPage {
  items: AgentEvent[]
  next_page_id?: string | null
}

export const CONVERSATIONS = '/api/conversations'
/** Where ACP conversations were created and read from v1.15.0 until v1.27.0 (protocol.md §G). */
export const ACP_CONVERSATIONS = '/api/acp/conversations'

/** Search pages hold at most 100 events: a larger limit makes the server answer 500 (protocol.md B.9). */
const PAGE_LIMIT = 100

/** The agent server answered 404 for the conversation: the runtime was torn down or restarted. */
export class ConversationGoneError extends Error {
  constructor(call: string) {
    super(`${call}: the conversation is gone (404); the runtime may have been stopped or deleted.`)
    this.name = 'ConversationGoneError'
  }
}

/** How long one call may take and how often it is tried; `signal` (the run's cancel, or a phase deadline) aborts the request. */
export type Tuning = Pick<CallOptions, 'timeoutMs' | 'retries' | 'signal'>

/** The agent server's REST API (protocol.md B), authenticated with the runtime's session key. */
export class AgentServer {
  constructor(
    readonly baseUrl: string,
    readonly sessionApiKey: string | undefined
  ) {}

  /** True when the server answers its unauthenticated /health with a 2xx (503 until the pod is ready). */
  async health(tuning: Tuning): Promise<boolean> {
    try {
      await this.call('GET', '/health', { retries: 0, ...tuning })
      return true
    } catch (err) {
      if (tuning.signal?.aborted) throw err
      return false
    }
  }

  /**
   * False while a server in deferred-init mode (a warm pool) answers 503 on every /api route
   * (protocol.md B.3); any other answer is for the calls that follow to report.
   */
  async initialised(tuning: Tuning): Promise<boolean> {
    try {
      const reply = await this.call('GET', '/api/conversations/count', { retries: 0, accept: [503], ...tuning })
      return reply.status !== 503
    } catch (err) {
      if (tuning.signal?.aborted) throw err
      return true
    }
  }

  /** What this server's version supports, from /server_info; taken as current when that cannot be read in a few seconds. */
  async capabilities(signal?: AbortSignal): Promise<Capabilities> {
    const reply = await this.call<{ version?: string }>('GET', '/server_info', { timeoutMs: 5_000, retries: 1, signal }).catch(err => {
      if (signal?.aborted) throw err
      return undefined
    })
    return capabilitiesOf(reply?.body?.version)
  }

  /** Where the conversation is read back: the route it was created under. */
  private conversationsRoute = CONVERSATIONS

  /** Created under the first of `routes`; under the next when one answers 404 or 422 (a release without that route). */
  async createConversation(request: unknown, routes: string[], signal?: AbortSignal): Promise<ConversationState & { id: string }> {
    const [route, ...others] = routes
    const reply = await this.call<ConversationState & { id?: string; conversation_id?: string }>('POST', route, {
      json: request,
      timeoutMs: 120_000,
      accept: others.length ? [404, 422] : [],
      signal
    })
    if (reply.status === 404 || reply.status === 422) return this.createConversation(request, others, signal)
    this.conversationsRoute = route
    const id = reply.body?.id ?? reply.body?.conversation_id
    if (!id) throw new Error('Agent server POST /api/conversations: no conversation id in the response.')
    return { ...reply.body, id }
  }

  async getConversation(id: string, tuning?: Tuning): Promise<ConversationState> {
    const reply = await this.call<ConversationState>('GET', `${this.conversationsRoute}/${id}`, { accept: [404], ...tuning })
    if (reply.status === 404) throw new ConversationGoneError('Agent server GET /api/conversations/{id}')
    return reply.body
  }

  /** A conversation of this server by id, under either route of its release; undefined when it has none of that id. */
  async findConversation(id: string, routes: string[], signal?: AbortSignal): Promise<(ConversationState & { id: string }) | undefined> {
    for (const route of routes) {
      const reply = await this.call<ConversationState>('GET', `${route}/${id}`, { accept: [404], signal })
      if (reply.status === 404) continue
      this.conversationsRoute = route
      return { ...reply.body, id: reply.body?.id ?? id }
    }
    return undefined
  }

  /** The conversation created last on this server (a re-run's runtime holds the earlier attempt's). */
  async latestConversation(route: string, signal?: AbortSignal): Promise<(ConversationState & { id: string }) | undefined> {
    const reply = await this.call<{ items?: Array<ConversationState & { id: string }> }>('GET', `${route}/search`, {
      query: { limit: 1, sort_order: 'CREATED_AT_DESC' },
      accept: [404],
      signal
    })
    const latest = reply.status === 404 ? undefined : reply.body?.items?.[0]
    if (latest) this.conversationsRoute = route
    return latest
  }

  async searchEvents(id: string, pageId: string | undefined, tuning?: Tuning): Promise<EventPage> {
    const reply = await this.call<EventPage>('GET', `/api/conversations/${id}/events/search`, {
      query: { limit: PAGE_LIMIT, page_id: pageId },
      accept: [404],
      ...tuning
    })
    if (reply.status === 404) throw new ConversationGoneError('Agent server GET /api/conversations/{id}/events/search')
    return { items: reply.body?.items ?? [], next_page_id: reply.body?.next_page_id ?? null }
  }

  /** Secrets the agent's commands get as environment variables, and that the server masks in tool output (protocol.md B.10). */
  async updateSecrets(id: string, secrets: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.call('POST', `/api/conversations/${id}/secrets`, { json: { secrets }, signal })
  }

  async sendMessage(id: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', `/api/conversations/${id}/events`, {
      json: { role: 'user', content: [{ type: 'text', text }], run: false },
      signal
    })
  }

  /** Starts the run loop; 409 means it is already running, which is what we asked for. */
  async run(id: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', `/api/conversations/${id}/run`, { accept: [409], signal })
  }

  /** Stops the agent at once (v1.23+), or at the end of its current step on older servers. */
  async interrupt(id: string, useInterrupt: boolean, tuning?: Tuning): Promise<void> {
    if (useInterrupt) {
      const reply = await this.call('POST', `/api/conversations/${id}/interrupt`, { accept: [404], ...tuning })
      if (reply.status !== 404) return
    }
    await this.call('POST', `/api/conversations/${id}/pause`, tuning)
  }

  /** The agent's final answer (v1.17+); undefined when the server does not have the route. */
  async finalResponse(id: string, tuning?: Tuning): Promise<string | undefined> {
    const reply = await this.call<{ response?: string }>('GET', `/api/conversations/${id}/agent_final_response`, { accept: [404], ...tuning })
    return reply.status === 404 ? undefined : (reply.body?.response ?? '')
  }

  /** Runs a shell command in the sandbox and waits for it (protocol.md B.11). */
  async execute(command: string, cwd: string, timeoutSeconds: number, signal?: AbortSignal): Promise<CommandResult> {
    const reply = await this.call<{ exit_code?: number | null; stdout?: string | null; stderr?: string | null }>('POST', '/api/bash/execute_bash_command', {
      json: { command, cwd, timeout: timeoutSeconds },
      timeoutMs: (timeoutSeconds + 10) * 1000,
      signal
    })
    return { exitCode: reply.body?.exit_code ?? -1, stdout: reply.body?.stdout ?? '', stderr: reply.body?.stderr ?? '' }
  }

  /** Writes a file in the sandbox: `?path=` since v1.13.1, the path-parameter form before (protocol.md B.13, B.14). */
  async uploadFile(path: string, data: Buffer, queryForm: boolean, signal?: AbortSignal): Promise<void> {
    const form = new FormData()
    form.append('file', new Blob([data]), path.split('/').pop())
    // Writing the same file twice is harmless: a stuck upload is sent again.
    const options = { form, timeoutMs: 600_000, retries: 1, idempotent: true, signal }
    if (queryForm) await this.call('POST', '/api/file/upload', { query: { path }, ...options })
    else await this.call('POST', `/api/file/upload/${encodePath(path)}`, options)
  }

  async downloadFile(path: string, queryForm: boolean, signal?: AbortSignal): Promise<Buffer> {
    // The path parameter is the absolute path itself, so the URL has a double slash, as the v1.11 client sends it.
    const route = queryForm ? '/api/file/download' : `/api/file/download/${encodePath(path)}`
    const reply = await this.call<Buffer>('GET', route, { query: queryForm ? { path } : undefined, bytes: true, timeoutMs: 600_000, signal })
    return reply.body
  }

  /** WebSocket URL of the conversation's event stream: same host and path prefix (protocol.md B.9). */
  eventsSocketUrl(id: string, withKeyInQuery: boolean): string {
    const url = new URL(`${this.baseUrl}/sockets/events/${id}`)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    if (withKeyInQuery && this.sessionApiKey) url.searchParams.set('session_api_key', this.sessionApiKey)
    return url.toString()
  }

  private async call<T>(method: 'GET' | 'POST', path: string, options: Omit<CallOptions, 'call' | 'method'> = {}) {
    const headers: Record<string, string> = this.sessionApiKey ? { 'X-Session-API-Key': this.sessionApiKey } : {}
    const call = `Agent server ${method} ${path.replace(/\/conversations\/(?!search|count)[^/]+/, '/conversations/{id}').replace(/\/api\/file\/(upload|download)\/.*/, '/api/file/$1/{path}')}`
    try {
      return await callJson<T>(`${this.baseUrl}${path}`, { timeoutMs: 30_000, ...options, call, method, headers })
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) {
        throw new Error(`${call} was refused (401): the runtime's session API key was not accepted.`, { cause: err })
      }
      throw err
    }
  }
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
