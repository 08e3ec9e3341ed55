import { setTimeout as sleep } from 'node:timers/promises'
import { request, type FormData } from 'undici'
import { redact } from './secrets.js'
import { deadline, DeadlineError } from './timing.js'

export interface CallOptions {
  /** Names the call in errors and logs, e.g. "Runtime API POST /start". */
  call: string
  method?: 'GET' | 'HEAD' | 'POST' | 'DELETE'
  headers?: Record<string, string>
  json?: unknown
  /** A multipart body (file uploads). */
  form?: FormData
  /** Hand back the body as bytes instead of parsing it as JSON. */
  bytes?: boolean
  query?: Record<string, string | number | boolean | undefined>
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs?: number
  /** Safe to send again after a timeout or a dropped connection (GET, HEAD, DELETE are; a POST only when it says so). */
  idempotent?: boolean
  /** How many times a transient failure is retried. */
  retries?: number
  /** Non-2xx statuses handed back to the caller instead of thrown (e.g. 404 = gone, 409 = already running). */
  accept?: number[]
  signal?: AbortSignal
}

export interface Reply<T> {
  status: number
  body: T
  headers: Record<string, string | string[] | undefined>
}

export class HttpError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly detail: string
  ) {
    super(redact(`${call} failed: ${detail}`))
    this.name = 'HttpError'
  }
}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504])
// Failures after which the server may have acted on the request: retried only when the call is idempotent.
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'AttemptTimeout'])
// Failures before the request reached the server: always safe to retry.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH'])

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 10_000
const RETRY_AFTER_CAP_MS = 60_000
const BODY_EXCERPT = 300

/** One JSON request with retries on transient failures, exponential backoff with jitter and Retry-After. */
export async function callJson<T = unknown>(url: string, options: CallOptions): Promise<Reply<T>> {
  const { call, method = 'GET', retries = 4, timeoutMs = 30_000, accept = [], signal } = options
  const idempotent = options.idempotent ?? method !== 'POST'
  const target = withQuery(url, options.query)
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  let body: string | FormData | undefined = options.form
  if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    headers['content-type'] = 'application/json'
  }

  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    let delayMs = backoff(attempt)
    let failure: string
    const attemptDeadline = deadline(timeoutMs, signal, `no answer within ${timeoutMs / 1000}s`)
    try {
      const res = await request(target, { method, headers, body, signal: attemptDeadline.signal })
      const ok = (res.statusCode >= 200 && res.statusCode < 300) || accept.includes(res.statusCode)
      if (ok && options.bytes) return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) as T, headers: res.headers }
      const text = await res.body.text()
      if (ok) return { status: res.statusCode, body: parseBody(text) as T, headers: res.headers }
      failure = `HTTP ${res.statusCode}${text ? `: ${excerpt(text)}` : ''}`
      if (!TRANSIENT_STATUS.has(res.statusCode) || attempt >= retries) throw new HttpError(call, res.statusCode, failure)
      if (!idempotent && res.statusCode !== 429 && res.statusCode !== 503) throw new HttpError(call, res.statusCode, failure)
      delayMs = Math.max(delayMs, retryAfterMs(res.headers['retry-after']))
    } catch (err) {
      if (err instanceof HttpError) throw err
      // A phase deadline names the call it cut short; a cancel stays the cancel.
      if (signal?.aborted) throw signal.reason instanceof DeadlineError ? new HttpError(call, undefined, signal.reason.message) : (signal.reason ?? err)
      const code = attemptDeadline.expired ? 'AttemptTimeout' : errorCode(err)
      failure = attemptDeadline.expired ? `AttemptTimeout: no answer within ${timeoutMs / 1000}s` : `${code}: ${(err as Error).message}`
      const retryable = NOT_SENT.has(code) || (idempotent && TRANSIENT_NETWORK.has(code))
      if (!retryable || attempt >= retries) throw new HttpError(call, undefined, failure)
    } finally {
      attemptDeadline.clear()
    }
    await sleep(delayMs, undefined, { signal }).catch(() => {
      throw signal?.reason instanceof DeadlineError ? new HttpError(call, undefined, signal.reason.message) : signal?.reason
    })
  }
}

function withQuery(url: string, query: CallOptions['query']): string {
  if (!query) return url
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url
}

function parseBody(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat
}

/** Exponential backoff with "equal jitter": half fixed, half random, so many clients spread out. */
export function backoff(attempt: number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

export function retryAfterMs(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return 0
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : 0
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } }
  if (e?.name === 'TimeoutError') return 'AttemptTimeout'
  return e?.code ?? e?.cause?.code ?? e?.name ?? 'Error'
}
