import type WebSocket from 'ws'
import { backoff } from '../http.js'
import { debug, warning } from '../log.js'
import type { Capabilities } from './capabilities.js'
import type { AgentServer } from './client.js'
import type { AgentEvent, ConversationState } from './types.js'

export interface StreamHandlers {
  /** Every event of the conversation's log, exactly once and in log order, with its JSON text. */
  onEvent(event: AgentEvent, json: string): void
  /** A `full_state` snapshot: sent on subscribe and after a run ends, pause or interrupt; never in the log. */
  onSnapshot(state: ConversationState): void
  /** The stream cannot go on (bad key, unknown conversation). */
  onFatal(error: Error): void
}

/** Close codes after which reconnecting cannot help (protocol.md B.2, B.9). */
const FATAL_CLOSE: Record<number, string> = {
  4001: 'the session API key was refused (4001)',
  4004: 'the conversation was not found (4004)'
}
const READY_TIMEOUT_MS = 10_000
const RECONNECT_BASE_MS = 1_000
const RECONNECT_CAP_MS = 30_000

/**
 * Follows a conversation's events over the WebSocket and keeps the record complete over REST:
 * after every (re)connect it pages through `events/search` from the last event it has, so a
 * drop loses nothing and re-fetches only what came after that event. Events are deduplicated
 * by id; while REST catches up, socket frames wait in a queue so the order stays the log's.
 */
export class EventStream {
  /** When the socket last delivered a frame (ms epoch); 0 before the first. */
  lastFrameAt = 0
  connected = false
  /**
   * Ids delivered while a REST catch-up overlaps the socket, the only time a duplicate can
   * arrive; kept until the next catch-up, for socket frames still in flight when it ended.
   */
  private readonly seen = new Set<string>()
  private lastLogId: string | undefined
  /** How many events of the log have been delivered. */
  private delivered = 0
  private queue: Array<{ event: AgentEvent; json: string }> | null = null
  private catchingUp: Promise<void> | null = null
  private socket: WebSocket | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private attempt = 0
  private keyInQuery: boolean
  private closed = false
  /** Aborts the REST catch-ups the stream starts itself (after a reconnect): the run's signal. */
  private signal: AbortSignal | undefined

  constructor(
    private readonly server: AgentServer,
    private readonly conversationId: string,
    capabilities: Capabilities,
    private readonly handlers: StreamHandlers
  ) {
    this.keyInQuery = !capabilities.firstMessageAuth
  }

  /** Subscribes; resolves once the socket is ready and REST has caught up from event 0 (or the socket has failed to be ready). */
  async open(signal?: AbortSignal): Promise<void> {
    this.signal = signal
    const ready = await this.connect()
    if (!ready) warning(`The event WebSocket was not ready within ${READY_TIMEOUT_MS / 1000}s; following the run over REST while it reconnects.`)
  }

  /**
   * Brings the record up to date over REST, from the last event already delivered. Each call
   * pages again after any catch-up already under way, since that one may have started before
   * the newest subscription; socket frames are held until the last one is done.
   */
  catchUp(signal = this.signal): Promise<void> {
    // A new overlap starts: the ids of the previous one can no longer come back (queued frames keep theirs).
    if (!this.queue) this.seen.clear()
    this.queue ??= []
    const run = (this.catchingUp ?? Promise.resolve()).catch(() => undefined).then(() => this.pageFromLastEvent(signal))
    this.catchingUp = run
    return run.finally(() => {
      if (this.catchingUp !== run) return
      this.catchingUp = null
      this.flushQueue()
    })
  }

  close(): void {
    this.closed = true
    clearTimeout(this.reconnectTimer)
    this.socket?.removeAllListeners()
    this.socket?.on('error', () => undefined)
    this.socket?.terminate()
    this.connected = false
  }

  /**
   * `page_id` is inclusive: a page from a known event starts with it. The server answers a page
   * id it never stored (a socket frame that beat its own write) with the log from event 0
   * (seen on v1.58.2): the first `delivered` events of such a replay are the ones already
   * delivered, in the same order, so they are skipped by count, without keeping every id.
   */
  private async pageFromLastEvent(signal: AbortSignal | undefined): Promise<void> {
    const anchor = this.lastLogId
    let pageId = anchor
    let skip: number | undefined
    do {
      const page = await this.server.searchEvents(this.conversationId, pageId, { signal })
      skip ??= anchor !== undefined && page.items.length > 0 && page.items[0].id !== anchor ? this.delivered : 0
      for (const event of page.items) {
        if (skip > 0) skip--
        else this.deliver(event, JSON.stringify(event))
      }
      pageId = page.next_page_id ?? undefined
    } while (pageId)
  }

  private deliver(event: AgentEvent, json: string): void {
    if (typeof event?.id !== 'string' || event.id === this.lastLogId || this.seen.has(event.id)) return
    // Outside a catch-up the log only moves forward: keeping every id would grow memory with the run.
    if (this.queue) this.seen.add(event.id)
    this.lastLogId = event.id
    this.delivered++
    this.handlers.onEvent(event, json)
  }

  /** One connection; resolves true when its first state event arrived and REST caught up. */
  private async connect(): Promise<boolean> {
    // Loaded on first use: runs that never get this far do not pay for it at start-up.
    const { default: WebSocketClient } = await import('ws')
    return new Promise(resolve => {
      const url = this.server.eventsSocketUrl(this.conversationId, this.keyInQuery)
      const socket = new WebSocketClient(url, { handshakeTimeout: 10_000, perMessageDeflate: false })
      this.socket = socket
      let ready = false
      const readyTimer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)

      socket.on('open', () => {
        if (!this.keyInQuery && this.server.sessionApiKey) {
          socket.send(JSON.stringify({ type: 'auth', session_api_key: this.server.sessionApiKey }))
        }
      })
      socket.on('message', (data: WebSocket.RawData) => {
        this.lastFrameAt = Date.now()
        const json = data.toString()
        let event: AgentEvent
        try {
          event = JSON.parse(json) as AgentEvent
        } catch {
          debug(`Skipped a WebSocket frame that is not JSON (${json.length} bytes).`)
          return
        }
        const subscribed = !ready && event.kind === 'ConversationStateUpdateEvent'
        if (event.kind === 'ConversationStateUpdateEvent' && event.key === 'full_state') {
          this.handlers.onSnapshot((event.value ?? {}) as ConversationState)
        } else if (subscribed) {
          // The state sent on subscribe: for a conversation not loaded yet, an `idle` that is in no log. REST brings it if it is.
        } else if (event.kind !== 'StreamingDeltaEvent' && event.kind !== 'ServerErrorEvent') {
          if (this.queue) this.queue.push({ event, json: json.includes('\n') ? JSON.stringify(event) : json })
          else this.deliver(event, json.includes('\n') ? JSON.stringify(event) : json)
        }
        // The first state event means the subscription is live: catch up on what the socket missed.
        if (subscribed) {
          ready = true
          this.connected = true
          this.attempt = 0
          clearTimeout(readyTimer)
          this.catchUp().then(
            () => resolve(true),
            err => {
              warning(`Catching up on events over REST failed: ${(err as Error).message}`)
              resolve(true)
            }
          )
        }
      })
      // Queue socket frames from the very first one until REST has caught up.
      if (!this.queue) this.seen.clear()
      this.queue ??= []
      socket.on('unexpected-response', (_req, res) => {
        // A server older than v1.18.1 rejects a handshake without the key: use the query parameter.
        if (!this.keyInQuery && (res.statusCode === 403 || res.statusCode === 401)) this.keyInQuery = true
        debug(`Event WebSocket handshake answered HTTP ${res.statusCode}.`)
        socket.terminate()
      })
      socket.on('error', err => debug(`Event WebSocket error: ${err.message}`))
      socket.on('close', (code: number) => {
        clearTimeout(readyTimer)
        this.connected = false
        if (this.socket !== socket || this.closed) return resolve(ready)
        // Frames of a connection that never became ready are in the log: the next catch-up reads them.
        if (!ready && !this.catchingUp) this.queue = null
        const fatal = FATAL_CLOSE[code]
        if (fatal) {
          this.handlers.onFatal(new Error(`The agent server closed the event stream: ${fatal}.`))
          return resolve(ready)
        }
        const delay = backoff(this.attempt++, RECONNECT_BASE_MS, RECONNECT_CAP_MS)
        debug(`Event WebSocket closed (${code}); reconnecting in ${Math.round(delay)} ms.`)
        this.reconnectTimer = setTimeout(() => void this.connect(), delay)
        if (!ready) resolve(false)
      })
    })
  }

  private flushQueue(): void {
    const queued = this.queue ?? []
    for (const { event, json } of queued) this.deliver(event, json)
    this.queue = null
  }
}
