import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { BashService } from './bash-service.js'
import type { ListeningServer, SimContext } from './context.js'
import { Conversation, type ConversationHost } from './conversation.js'
import { addConversationRoutes } from './conversation-routes.js'
import { handleSocket, rejectUpgrade } from './event-socket.js'
import { dashedId, type Json } from './events.js'
import { shouldHang } from './hang.js'
import { flatHeaders, parseQuery, recordableBody, Router, serve, type Req, type Res } from './http.js'
import type { Runtime } from './runtime.js'
import { addWorkspaceRoutes } from './workspace-routes.js'

/** What the ingress answers when the pod has no ready backend (protocol.md §E). */
export const NO_SERVER: Res = { status: 503, text: 'no available server' }

/**
 * The agent server of one runtime (protocol.md §B). Its port stays bound for the runtime's whole
 * life, like the runtime's public URL: while the pod is not ready (provisioning, paused) every
 * request gets the ingress's 503, and after /stop the port is closed.
 */
export class AgentServer {
  readonly conversations = new Map<string, Conversation>()
  readonly bash: BashService
  readonly url: string
  /** Open WebSockets, with the conversation each one follows (null for the bash-events socket). */
  readonly sockets = new Map<WebSocket, string | null>()
  readonly wss = new WebSocketServer({ noServer: true })
  readonly conversationHost: ConversationHost
  private readonly router = new Router()
  private readonly listening: ListeningServer
  private bootedAt = Date.now()
  private lastActivity = Date.now()
  private closed = false
  /** Handshakes read and never answered (faults.hang), destroyed when the pod goes away. */
  private readonly hungSockets = new Set<Duplex>()

  constructor(
    readonly ctx: SimContext,
    readonly runtime: Runtime,
    listening: ListeningServer
  ) {
    this.listening = listening
    this.url = listening.url
    this.bash = new BashService(runtime.sandbox)
    this.conversationHost = {
      sandbox: runtime.sandbox,
      script: () => ctx.script,
      autotitle: ctx.features.autotitle,
      onPublished: (event, conversationId) => {
        if (event.kind !== 'ConversationStateUpdateEvent') this.touch()
        ctx.eventPublished(event, { runtimeId: runtime.runtimeId, conversationId })
      },
      log: line => ctx.log(line)
    }
    this.addServerRoutes()
    addConversationRoutes(this.router, this)
    addWorkspaceRoutes(this.router, this)
    listening.server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res))
    listening.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head))
  }

  get features() {
    return this.ctx.features
  }

  /** What resets the idle clock of /server_info (protocol.md §A.5). */
  touch(): void {
    this.lastActivity = Date.now()
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.get(dashedId(id))
  }

  async createConversation(request: Json): Promise<Conversation> {
    const conversation = await Conversation.create(this.conversationHost, request)
    this.conversations.set(conversation.id, conversation)
    return conversation
  }

  async deleteConversation(conversation: Conversation): Promise<void> {
    this.conversations.delete(conversation.id)
    await conversation.abandon()
    for (const [socket, id] of this.sockets) if (id === conversation.id) socket.close(1000, 'Conversation deleted')
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return serve(
      req,
      res,
      (request, at) =>
        this.ctx.record({
          server: 'agent',
          runtimeId: this.runtime.runtimeId,
          method: request.method,
          path: request.path,
          query: request.query,
          headers: request.headers,
          body: recordableBody(request.body, request.contentType),
          at
        }),
      request => this.dispatch(request),
      request => shouldHang(this.ctx.faults, 'agent', request.method, request.path)
    )
  }

  private async dispatch(req: Req): Promise<Res> {
    if (!this.runtime.serving) return NO_SERVER
    if (req.path.startsWith('/api/')) {
      if (Date.now() - (this.runtime.readyAt ?? 0) < this.ctx.faults.deferredInitMs) {
        return { status: 503, body: { detail: 'Server is still initializing' } }
      }
      if (this.ctx.faults.agentServerErrors > 0) {
        this.ctx.faults.agentServerErrors--
        return NO_SERVER
      }
      if (req.headers['x-session-api-key'] !== this.runtime.sessionApiKey) return { status: 401, body: { detail: 'Unauthorized' } }
    }
    const route = this.router.match(req.method, req.path)
    if (!route) return { status: 404, body: { detail: 'Not Found' } }
    req.params = route.params
    const isJson = req.contentType.includes('json') || (req.raw.length === 0 && req.method !== 'GET')
    for (const line of this.ctx.validator.check(req.method, route.template, { params: req.params, query: req.query, body: req.body, isJson })) {
      this.ctx.validationError(line)
    }
    return route.handler(req)
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://simulator')
    const headers = flatHeaders(req)
    const query = parseQuery(url.searchParams)
    this.ctx.record({ server: 'agent', runtimeId: this.runtime.runtimeId, method: 'WS', path: url.pathname, query, headers, body: undefined, at: Date.now() })
    if (!this.runtime.serving) return rejectUpgrade(socket, 503, 'no available server')
    if (shouldHang(this.ctx.faults, 'agent', 'WS', url.pathname)) {
      this.hungSockets.add(socket)
      return
    }
    handleSocket(this, { path: url.pathname, query, headers, req, socket, head })
  }

  private addServerRoutes(): void {
    const ok = { body: { status: 'ok' } }
    this.router
      .add('GET', '/alive', () => ok)
      .add('GET', '/health', () => ok)
      .add('GET', '/server_info', () => ({ body: this.serverInfo() }))
      .add('GET', '/', () => ({ body: this.serverInfo() }))
    if (this.features.readyRoute) this.router.add('GET', '/ready', () => ({ body: { status: 'ready' } }))
  }

  private serverInfo(): Json {
    const now = Date.now()
    const version = this.ctx.reportedVersion
    const idleTimeout = Number(
      (this.runtime.startBody as { environment?: Record<string, string> } | undefined)?.environment?.OH_RUNTIME_IDLE_TIMEOUT_SECONDS ?? 1200
    )
    return {
      uptime: (now - this.bootedAt) / 1000,
      idle_time: (now - this.lastActivity) / 1000,
      title: 'OpenHands Agent Server',
      version,
      sdk_version: version,
      tools_version: version,
      workspace_version: version,
      build_git_sha: 'simulator',
      build_git_ref: `v${version}`,
      python_version: '3.13.7',
      usable_tools: ['terminal', 'file_editor', 'task_tracker', 'browser_tool_set', 'glob', 'grep', 'finish', 'think'],
      runtime_idle_timeout_seconds: idleTimeout,
      capabilities: [],
      max_foreground_terminal_timeout_seconds: Math.floor(idleTimeout * 0.9),
      docs: '/docs',
      redoc: '/redoc'
    }
  }

  /** The pod went away (pause): runs stop where they are, sockets drop without a close frame. */
  goDown(): void {
    for (const conversation of this.conversations.values()) void conversation.abandon()
    this.bash.killAll()
    for (const socket of this.sockets.keys()) socket.terminate()
    this.sockets.clear()
    for (const socket of this.hungSockets) socket.destroy()
    this.hungSockets.clear()
  }

  /** A new agent-server process on resume: same state on disk, fresh clocks (protocol.md §E). */
  restart(): void {
    this.bootedAt = Date.now()
    this.lastActivity = Date.now()
    for (const conversation of this.conversations.values()) conversation.recoverAfterRestart()
  }

  /** Stop: as goDown, and the port is closed so connections are refused. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.goDown()
    this.wss.close()
    const server = this.listening.server
    await new Promise<void>(resolve => {
      server.close(() => resolve())
      // A response already on its way (e.g. the request whose event triggered a fault) still goes out.
      setImmediate(() => server.closeAllConnections())
    })
  }

  /** Drops every conversation-event WebSocket without a close frame (faults.wsDropAfterEvents). */
  dropEventSockets(): void {
    for (const [socket, id] of this.sockets) {
      if (id === null) continue
      socket.terminate()
      this.sockets.delete(socket)
    }
  }
}
