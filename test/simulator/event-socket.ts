import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import type { AgentServer } from './agent-server.js'
import type { Conversation } from './conversation.js'
import { eventId, isoToMicros, naiveTimestamp, type Json } from './events.js'
import { one, type Query } from './http.js'

const FIRST_MESSAGE_AUTH_TIMEOUT_MS = 10_000
const MAX_SUBSCRIBERS = 50

export interface UpgradeRequest {
  path: string
  query: Query
  headers: Record<string, string>
  req: IncomingMessage
  socket: Duplex
  head: Buffer
}

/** Refuses a WebSocket handshake with a plain HTTP answer. */
export function rejectUpgrade(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
  socket.destroy()
}

/**
 * `/sockets/events/{conversation_id}` and `/sockets/bash-events` (protocol.md §B.2, §B.9).
 * Auth in the server's order: query parameter or header (a wrong key refuses the handshake),
 * else the first frame (≥ v1.18.1; a wrong or missing key closes with 4001).
 */
export function handleSocket(server: AgentServer, upgrade: UpgradeRequest): void {
  const eventsMatch = /^\/sockets\/events\/([^/]+)$/.exec(upgrade.path)
  if (!eventsMatch && upgrade.path !== '/sockets/bash-events') return rejectUpgrade(upgrade.socket, 404, 'Not Found')
  const key = one(upgrade.query, 'session_api_key') ?? upgrade.headers['x-session-api-key']
  if (key !== undefined && key !== server.runtime.sessionApiKey) return rejectUpgrade(upgrade.socket, 403, 'Forbidden')
  if (key === undefined && !server.features.firstMessageWsAuth) return rejectUpgrade(upgrade.socket, 403, 'Forbidden')

  server.wss.handleUpgrade(upgrade.req, upgrade.socket, upgrade.head, ws => {
    const start = () =>
      eventsMatch ? followConversation(server, ws, decodeURIComponent(eventsMatch[1]), upgrade.query) : followBash(server, ws, upgrade.query)
    if (key !== undefined) return start()
    awaitAuthFrame(server, ws, start)
  })
}

function awaitAuthFrame(server: AgentServer, ws: WebSocket, onAuthenticated: () => void): void {
  const timer = setTimeout(() => ws.close(4001, 'Authentication timeout'), FIRST_MESSAGE_AUTH_TIMEOUT_MS)
  ws.once('close', () => clearTimeout(timer))
  ws.once('message', (data: RawData) => {
    clearTimeout(timer)
    const frame = parseFrame(data)
    if (frame?.type === 'auth' && frame.session_api_key === server.runtime.sessionApiKey) onAuthenticated()
    else ws.close(4001, 'Authentication failed')
  })
}

function followConversation(server: AgentServer, ws: WebSocket, id: string, query: Query): void {
  const conversation = server.conversation(id)
  if (!conversation) return ws.close(4004, 'Conversation not found')
  const followers = [...server.sockets.values()].filter(c => c === conversation.id).length
  if (followers >= MAX_SUBSCRIBERS) return ws.close(1013, 'Too many connections for this conversation')
  server.sockets.set(ws, conversation.id)

  const ctx = server.ctx
  const send = (frame: string) => {
    if (ctx.faults.wsSilent || ws.readyState !== ws.OPEN) return
    ws.send(frame)
    ctx.frameSent()
  }
  send(JSON.stringify(conversation.fullStateEvent()))
  for (const event of replayed(server, conversation, query)) send(JSON.stringify(event))
  const unsubscribe = conversation.subscribe((_event, frame) => send(frame))
  ws.on('close', () => {
    unsubscribe()
    server.sockets.delete(ws)
  })
  ws.on('message', (data: RawData) => {
    const frame = parseFrame(data)
    if (frame?.type === 'auth') return
    if (frame && typeof frame.role === 'string' && Array.isArray(frame.content)) {
      conversation.sendMessage(frame.role, frame.content, true)
      return
    }
    send(
      JSON.stringify({
        id: eventId(),
        timestamp: naiveTimestamp(),
        source: 'environment',
        code: 'ValidationError',
        detail: 'Frame is not a Message',
        kind: 'ServerErrorEvent'
      })
    )
  })
}

/** History sent before live events: resend_mode=all|since (newer servers) or resend_all=true. */
function replayed(server: AgentServer, conversation: Conversation, query: Query): readonly Json[] {
  const mode = server.features.resendMode ? one(query, 'resend_mode') : undefined
  if (mode === 'all' || one(query, 'resend_all') === 'true') return conversation.events
  const after = one(query, 'after_timestamp')
  if (mode === 'since' && after) {
    const from = isoToMicros(after)
    return conversation.events.filter(e => isoToMicros(e.timestamp as string) >= from)
  }
  return []
}

function followBash(server: AgentServer, ws: WebSocket, query: Query): void {
  server.sockets.set(ws, null)
  const send = (event: Json) => {
    if (!server.ctx.faults.wsSilent && ws.readyState === ws.OPEN) ws.send(JSON.stringify(event))
  }
  const all = one(query, 'resend_mode') === 'all' || one(query, 'resend_all') === 'true'
  if (all) for (const event of server.bash.all()) send(event)
  const unsubscribe = server.bash.subscribe(send)
  ws.on('close', () => {
    unsubscribe()
    server.sockets.delete(ws)
  })
  ws.on('message', (data: RawData) => {
    const frame = parseFrame(data)
    if (frame && typeof frame.command === 'string') {
      server.bash.start({
        command: frame.command,
        cwd: typeof frame.cwd === 'string' ? frame.cwd : null,
        timeout: typeof frame.timeout === 'number' ? frame.timeout : 300
      })
    }
  })
}

function parseFrame(data: RawData): Json | undefined {
  try {
    const value: unknown = JSON.parse(data.toString())
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined
  } catch {
    return undefined
  }
}
