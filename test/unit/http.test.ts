import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backoff, callJson, HttpError, retryAfterMs } from '../../src/http.js'
import { RuntimeApi } from '../../src/runtime/client.js'

type Reply = (req: IncomingMessage, res: ServerResponse) => void
let script: Reply[] = []
let hits: string[] = []
let base = ''
const server = createServer((req, res) => {
  hits.push(`${req.method} ${req.url}`)
  const next = script.shift() ?? ((_q, r) => r.end('{}'))
  next(req, res)
})

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

const status =
  (code: number, body = '', headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(code, headers)
    res.end(body)
  }
const reset = (): void => {
  script = []
  hits = []
}

describe('callJson', () => {
  it('retries 429, 502, 503 and 504, then succeeds', async () => {
    reset()
    script = [status(503, 'no available server'), status(502), status(504), status(429, '', { 'retry-after': '0' }), status(200, '{"ok":true}')]
    const reply = await callJson<{ ok: boolean }>(`${base}/x`, { call: 'Test GET /x', retries: 4 })
    expect(reply.body).toEqual({ ok: true })
    expect(hits).toHaveLength(5)
  }, 30_000)

  it('honours Retry-After', async () => {
    reset()
    script = [status(429, '', { 'retry-after': '1' }), status(200, '{}')]
    const started = Date.now()
    await callJson(`${base}/x`, { call: 'Test GET /x' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it.each([401, 404, 422, 500])('does not retry %i, and names the call, status and body in the error', async code => {
    reset()
    script = [status(code, `{"detail":"nope ${code}"}`)]
    const err = await callJson(`${base}/y`, { call: 'Test POST /y', method: 'POST', json: {} }).catch(e => e as HttpError)
    expect(err).toBeInstanceOf(HttpError)
    expect((err as HttpError).status).toBe(code)
    expect((err as Error).message).toBe(`Test POST /y failed: HTTP ${code}: {"detail":"nope ${code}"}`)
    expect(hits).toHaveLength(1)
  })

  it('returns accepted statuses instead of throwing', async () => {
    reset()
    script = [status(404, '{"detail":"Not Found"}')]
    const reply = await callJson(`${base}/z`, { call: 'Test', accept: [404] })
    expect(reply).toMatchObject({ status: 404, body: { detail: 'Not Found' } })
  })

  it('does not retry a POST that may have reached the server (502), but does retry one that was refused (503)', async () => {
    reset()
    script = [status(502)]
    await expect(callJson(`${base}/start`, { call: 'Test POST /start', method: 'POST', json: {} })).rejects.toThrow(/HTTP 502/)
    expect(hits).toHaveLength(1)
    reset()
    script = [status(503), status(200, '{}')]
    await callJson(`${base}/start`, { call: 'Test POST /start', method: 'POST', json: {} })
    expect(hits).toHaveLength(2)
  })

  it('times out a hung request and retries it when idempotent', async () => {
    reset()
    script = [() => undefined, status(200, '{"late":false}')]
    const reply = await callJson(`${base}/slow`, { call: 'Test', timeoutMs: 300 })
    expect(reply.body).toEqual({ late: false })
    expect(hits).toHaveLength(2)
  })

  it('retries a refused connection and reports the network error after the last try', async () => {
    const err = (await callJson('http://127.0.0.1:1/nothing', { call: 'Test GET /nothing', retries: 1 }).catch(e => e)) as Error
    expect(err.message).toMatch(/^Test GET \/nothing failed: ECONNREFUSED/)
  })

  it('stops at once when the caller aborts, though its retry is a minute away', async () => {
    reset()
    const controller = new AbortController()
    const aborted = new Promise<void>(resolve => {
      // Answered with a 429 that asks for a minute's wait; the caller is aborted while it waits (or still reads the answer).
      script = [
        (_req, res) => {
          status(429, '', { 'retry-after': '60' })(_req, res)
          setTimeout(() => {
            controller.abort(new Error('cancelled'))
            resolve()
          }, 100)
        }
      ]
    })
    const call = callJson(`${base}/x`, { call: 'Test', signal: controller.signal, retries: 10 }).then(
      () => 'answered',
      (err: Error) => err.message
    )
    await aborted
    // Measured from the abort: the call settles long before this guard, and the minute's wait is not served.
    const guard = new AbortController()
    const stillWaiting = sleep(5_000, 'still waiting to retry', { signal: guard.signal }).catch(() => 'guard cleared')
    expect(await Promise.race([call, stillWaiting])).toBe('cancelled')
    guard.abort()
    expect(hits).toHaveLength(1)
  })
})

describe('backoff and Retry-After', () => {
  it('grows exponentially with jitter, within the cap', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(10_000, 500 * 2 ** attempt)
      const delay = backoff(attempt)
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
      expect(delay).toBeLessThanOrEqual(ceiling)
    }
  })
  it('reads seconds and HTTP dates, capped at a minute', () => {
    expect(retryAfterMs('3')).toBe(3_000)
    expect(retryAfterMs('100000')).toBe(60_000)
    expect(retryAfterMs(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000)
    expect(retryAfterMs('garbage')).toBe(0)
    expect(retryAfterMs(undefined)).toBe(0)
  })
})

describe('the Runtime API client', () => {
  it('names runtime-api-url and its host in a network error', async () => {
    const err = (await new RuntimeApi('http://127.0.0.1:9', 'key').getSession('s', { retries: 0 }).catch(e => e)) as Error
    expect(err.message).toMatch(/^Runtime API GET \/sessions failed: ECONNREFUSED: .*\(runtime-api-url 127\.0\.0\.1:9\)$/)
  })
})
