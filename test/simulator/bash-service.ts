import { hexId, isoToMicros, utcTimestamp, type Json } from './events.js'
import { assertionFailure, one, type Query } from './http.js'
import type { Sandbox } from './sandbox.js'

/** Output is split into events of at most this many characters per stream (protocol.md §B.11). */
const CHUNK_CHARS = 1024 * 1024

export interface BashEvent extends Json {
  id: string
  timestamp: string
  kind: 'BashCommand' | 'BashOutput'
}

export interface ExecuteBashRequest {
  command: string
  cwd: string | null
  timeout: number
}

/** `/api/bash/*`: commands really run in the sandbox; their events are kept for search. */
export class BashService {
  private readonly events: BashEvent[] = []
  private readonly listeners = new Set<(event: BashEvent) => void>()
  private readonly running = new Set<AbortController>()

  constructor(private readonly sandbox: Sandbox) {}

  subscribe(listener: (event: BashEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  all(): readonly BashEvent[] {
    return this.events
  }

  /** Starts the command and returns its BashCommand at once, plus a promise of the last BashOutput. */
  start(request: ExecuteBashRequest): { command: BashEvent; done: Promise<BashEvent> } {
    const command = this.add({
      command: request.command,
      cwd: request.cwd,
      timeout: request.timeout,
      id: hexId(),
      timestamp: utcTimestamp(),
      kind: 'BashCommand'
    })
    let order = 0
    const pending = { stdout: '', stderr: '' }
    const output = (exitCode: number | null, stdout: string, stderr: string): BashEvent =>
      this.add({
        id: hexId(),
        timestamp: utcTimestamp(),
        command_id: command.id,
        order: order++,
        exit_code: exitCode,
        stdout: stdout || null,
        stderr: stderr || null,
        kind: 'BashOutput'
      })
    const controller = new AbortController()
    this.running.add(controller)
    const done = this.sandbox
      .run(request.command, {
        cwd: request.cwd ?? '/',
        timeoutMs: request.timeout * 1000,
        signal: controller.signal,
        onOutput: (stream, chunk) => {
          pending[stream] += chunk
          while (pending[stream].length >= CHUNK_CHARS) {
            const head = pending[stream].slice(0, CHUNK_CHARS)
            pending[stream] = pending[stream].slice(CHUNK_CHARS)
            output(null, stream === 'stdout' ? head : '', stream === 'stderr' ? head : '')
          }
        }
      })
      .then(result => {
        this.running.delete(controller)
        // Spawn failures report their message only through result.stderr.
        const stderr = result.exitCode === -1 && !result.timedOut && !pending.stderr ? result.stderr : pending.stderr
        return output(result.exitCode, pending.stdout, stderr)
      })
    return { command, done }
  }

  /** Kills every command still running (the pod is going away). */
  killAll(): void {
    for (const controller of this.running) controller.abort()
    this.running.clear()
  }

  get(id: string): BashEvent | undefined {
    const wanted = normalizeId(id)
    return this.events.find(e => e.id === wanted)
  }

  clear(): number {
    const count = this.events.length
    this.events.length = 0
    return count
  }

  search(query: Query): { items: BashEvent[]; next_page_id: string | null } {
    const kind = one(query, 'kind__eq')
    const commandId = one(query, 'command_id__eq')
    const gte = one(query, 'timestamp__gte')
    const lt = one(query, 'timestamp__lt')
    const orderGt = one(query, 'order__gt')
    const limit = Number(one(query, 'limit') ?? 100)
    // The server checks the bound with an assert, hence a 500 (protocol.md §B.9, §E).
    if (limit > 100) throw assertionFailure()
    let items = this.events.filter(
      e =>
        (!kind || e.kind === kind) &&
        (!commandId || e.command_id === normalizeId(commandId)) &&
        (!gte || isoToMicros(e.timestamp) >= isoToMicros(gte)) &&
        (!lt || isoToMicros(e.timestamp) < isoToMicros(lt)) &&
        (orderGt === undefined || e.kind !== 'BashOutput' || (e.order as number) > Number(orderGt))
    )
    if (one(query, 'sort_order') === 'TIMESTAMP_DESC') items = items.reverse()
    return page(items, one(query, 'page_id'), limit)
  }

  private add(event: BashEvent): BashEvent {
    this.events.push(event)
    for (const listener of this.listeners) listener(event)
    return event
  }
}

/** Page of items starting at `pageId` (inclusive; unknown = from the start); next_page_id is the id of the next page's first item. */
export function page<T extends { id: string }>(items: T[], pageId: string | undefined, limit: number): { items: T[]; next_page_id: string | null } {
  let start = pageId ? items.findIndex(e => e.id === pageId) : 0
  if (start < 0) start = 0
  return { items: items.slice(start, start + limit), next_page_id: items[start + limit]?.id ?? null }
}

/** UUID parameters accept dashed and plain forms. */
function normalizeId(id: string): string {
  return id.replace(/-/g, '').toLowerCase()
}
