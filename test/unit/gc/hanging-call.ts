/**
 * Run by deadline-gc.test.ts under `node --expose-gc`: calls a server that accepts, reads and
 * never answers, while the garbage collector runs every few milliseconds. Prints what happened.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { callJson } from '../../../src/http.js'
import { withinDeadline } from '../../../src/timing.js'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
const held: IncomingMessage[] = []
const server = createServer(req => void held.push(req))
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`
const collector = setInterval(gc, 5)

const mode = process.argv[2]
// A long-lived signal, as the run's cancel signal is: the case that lost its timer.
const cancel = new AbortController()
let outcome: string
try {
  if (mode === 'attempts') await callJson(url, { call: 'Test GET /hang', timeoutMs: 300, retries: 2, signal: cancel.signal })
  // The phase deadline (0.4 s) must end the call before the call's own attempt timeout (5 s) does.
  else await withinDeadline(400, cancel.signal, 'phase over', signal => callJson(url, { call: 'Test POST /hang', method: 'POST', timeoutMs: 5_000, signal }))
  outcome = 'answered'
} catch (err) {
  outcome = (err as Error).message
}
clearInterval(collector)
console.log(JSON.stringify({ outcome, requests: held.length }))
server.closeAllConnections()
server.close()
