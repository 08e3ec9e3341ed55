import { describe, expect, it } from 'vitest'
import type { HangRoute, SimulatorOptions } from '../simulator/index.js'
import { jobFor, runtimeCalls, simulator } from './helpers.js'

/**
 * Stuck peers: one route of the registry, the Runtime API, the agent server or the event socket
 * reads the request and never answers. The step runs with the garbage collector forced every
 * 10 ms (a deadline held only weakly, as AbortSignal.any's timer on Node 20, would never fire),
 * and must end by the deadline that applies, do what that deadline says, and release its runtime.
 */
interface HangCase {
  name: string
  hang: HangRoute
  inputs?: Record<string, string>
  sim?: SimulatorOptions
  /** SIGINT once stdout holds this: the cancel window must hold while the request hangs. */
  cancelOn?: string
  expect: { status: string; message: string; withinMs: number; stops?: number }
}

const cases: HangCase[] = [
  {
    name: 'registry manifest: the image check gives up after its budget and goes on',
    hang: { route: 'registry HEAD /v2/*' },
    expect: { status: 'finished', message: 'Could not check that image', withinMs: 25_000 }
  },
  {
    name: 'Runtime API POST /start: startup-timeout holds',
    hang: { route: 'runtime POST /start' },
    inputs: { 'startup-timeout': '3' },
    expect: { status: 'error', message: 'Runtime API POST /start failed: no answer before startup-timeout (3s) passed', withinMs: 15_000 }
  },
  {
    name: 'Runtime API POST /stop, once: the stuck release is tried again',
    hang: { route: 'runtime POST /stop', times: 1 },
    expect: { status: 'finished', message: 'stopped', withinMs: 25_000, stops: 2 }
  },
  {
    name: 'agent server /health: startup-timeout holds, the runtime is stopped',
    hang: { route: 'agent GET /health' },
    inputs: { 'startup-timeout': '3' },
    expect: { status: 'error', message: 'startup-timeout', withinMs: 15_000, stops: 1 }
  },
  {
    name: 'agent server POST /api/conversations: timeout-minutes holds',
    hang: { route: 'agent POST /api/conversations' },
    inputs: { 'timeout-minutes': '0.05' },
    expect: { status: 'timeout', message: 'timeout-minutes (0.05) reached before the agent started', withinMs: 15_000, stops: 1 }
  },
  {
    name: 'agent server POST /run: timeout-minutes holds, the agent is interrupted',
    hang: { route: 'agent POST /api/conversations/{id}/run' },
    inputs: { 'timeout-minutes': '0.05' },
    expect: { status: 'timeout', message: 'interrupting the agent', withinMs: 20_000, stops: 1 }
  },
  {
    name: 'event socket handshake, once: the handshake ends, the stream reconnects',
    hang: { route: 'agent WS /sockets/events/{id}', times: 1 },
    expect: { status: 'finished', message: 'was not ready within 10s', withinMs: 30_000, stops: 1 }
  },
  {
    name: 'sandbox command, then SIGINT: the cancel window holds',
    hang: { route: 'agent POST /api/bash/execute_bash_command' },
    cancelOn: 'Preparing the working directory',
    expect: { status: 'cancelled', message: 'Received SIGINT', withinMs: 7_500, stops: 1 }
  }
]

describe('a peer that reads and never answers (garbage collector forced)', () => {
  it.each(cases)('$name', async c => {
    const sim = await simulator({ ...c.sim, faults: { ...c.sim?.faults, hang: [{ ...c.hang }] } })
    const job = jobFor(sim, c.inputs, { forceGc: true })
    let cancelledAt: number | undefined
    const started = Date.now()
    const main = await job.main((child, output) => {
      const timer = setInterval(() => {
        if (!c.cancelOn || cancelledAt !== undefined || !output.stdout.includes(c.cancelOn)) return
        cancelledAt = Date.now()
        child.kill('SIGINT')
      }, 10)
      child.on('close', () => clearInterval(timer))
    })
    const waitedMs = Date.now() - (cancelledAt ?? started)
    const post = await job.post()

    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe(c.expect.status)
    expect(main.stdout).toContain(c.expect.message)
    expect(waitedMs).toBeLessThan(c.expect.withinMs)
    expect(post.code).toBe(0)
    expect(sim.runtimes.filter(r => r.status !== 'stopped')).toHaveLength(0)
    if (c.expect.stops !== undefined) expect(runtimeCalls(sim, 'POST /stop')).toBe(c.expect.stops)
  })
})
