import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export type Query = Record<string, string | string[]>

/** What a route handler sees of one request. */
export interface Req {
  method: string
  path: string
  params: Record<string, string>
  query: Query
  headers: Record<string, string>
  /** Parsed JSON when the body is JSON, else the raw bytes (empty buffer when there is no body). */
  body: unknown
  raw: Buffer
  contentType: string
}

/** What a route handler answers; `body` is JSON unless `text` or `bytes` is set. */
export interface Res {
  status?: number
  body?: unknown
  text?: string
  bytes?: Buffer
  headers?: Record<string, string>
}

export type Handler = (req: Req) => Res | Promise<Res>

interface Route {
  method: string
  template: string
  pattern: RegExp
  names: string[]
  handler: Handler
}

/** Plain method + path-template router; `{name}` matches one segment, `{name:path}` the rest of the path. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = []
    const source = template.replace(/\{(\w+)(:path)?\}/g, (_m, name: string, rest?: string) => {
      names.push(name)
      return rest ? '(.+)' : '([^/]+)'
    })
    this.routes.push({ method, template: template.replace(/:path\}/g, '}'), pattern: new RegExp(`^${source}$`), names, handler })
    return this
  }

  /** The first route matching; `template` is given without `:path`, i.e. in OpenAPI form. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string>; template: string } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue
      const m = route.pattern.exec(path)
      if (!m) continue
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])))
      return { handler: route.handler, params, template: route.template }
    }
    return undefined
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    /** Further top-level fields of the error body. */
    readonly extra: Record<string, unknown> = {}
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail))
  }
}

/** A failed `assert` in the server: FastAPI's unhandled-exception body (protocol.md §B.1). */
export function assertionFailure(): HttpError {
  return new HttpError(500, 'Internal Server Error', { exception: 'AssertionError', error_id: randomBytes(16).toString('hex') })
}

export function parseQuery(search: URLSearchParams): Query {
  const query: Query = {}
  for (const [key, value] of search) {
    const prev = query[key]
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return query
}

/** The single value of a query parameter (the last one when repeated). */
export function one(query: Query, name: string): string | undefined {
  const v = query[name]
  return Array.isArray(v) ? v[v.length - 1] : v
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Parses a JSON body; malformed JSON is answered 422 like FastAPI does. */
export function decodeBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined
  if (!contentType.includes('json')) return raw
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new HttpError(422, [{ type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${(err as Error).message}` }])
  }
}

/** How a body is kept in Simulator.requests: JSON as parsed, anything else summarised. */
export function recordableBody(body: unknown, contentType: string): unknown {
  if (!Buffer.isBuffer(body)) return body
  if (contentType.startsWith('multipart/')) return { multipart: true, bytes: body.length }
  return body.length <= 4096 ? body.toString('utf8') : { bytes: body.length }
}

export function send(res: ServerResponse, out: Res): void {
  const status = out.status ?? 200
  const headers: Record<string, string> = { ...out.headers }
  let payload: Buffer
  if (out.bytes) {
    payload = out.bytes
    headers['content-type'] ??= 'application/octet-stream'
  } else if (out.text !== undefined) {
    payload = Buffer.from(out.text)
    headers['content-type'] ??= 'text/plain; charset=utf-8'
  } else {
    payload = Buffer.from(JSON.stringify(out.body ?? null))
    headers['content-type'] ??= 'application/json'
  }
  headers['content-length'] = String(payload.length)
  res.writeHead(status, headers)
  res.end(payload)
}

export function errorResponse(err: unknown): Res {
  if (err instanceof HttpError) return { status: err.status, body: { detail: err.detail, ...err.extra } }
  // FastAPI's shape for an unhandled exception (protocol.md §B.1).
  return { status: 500, body: { detail: 'Internal Server Error', exception: String(err) } }
}

/**
 * Reads and decodes an incoming request, lets `record` log it, and answers with what `handle`
 * returns (or with the error it throws), unless `hangs` says it is one never to answer: the one
 * request path of both simulated servers.
 */
export async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  record: (request: Req, at: number) => void,
  handle: (request: Req) => Promise<Res>,
  hangs: (request: Req) => boolean = () => false
): Promise<void> {
  const at = Date.now()
  const url = new URL(req.url ?? '/', 'http://simulator')
  const raw = await readBody(req)
  const headers = flatHeaders(req)
  const contentType = headers['content-type'] ?? ''
  let out: Res
  try {
    const request: Req = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params: {},
      query: parseQuery(url.searchParams),
      headers,
      body: decodeBody(raw, contentType),
      raw,
      contentType
    }
    record(request, at)
    // A stuck peer: the request was read, the answer never comes (the connection closes with the server).
    if (hangs(request)) return
    out = await handle(request)
  } catch (err) {
    out = errorResponse(err)
  }
  if (!res.destroyed) send(res, out)
}
