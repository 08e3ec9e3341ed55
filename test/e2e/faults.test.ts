import { existsSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Simulator, SimulatorOptions } from '../simulator/index.js'
import { longScript } from '../simulator/index.js'
import { jobFor, logIds, readJsonLines, runtimeCalls, simulator } from './helpers.js'

/**
 * The fault suite: each case runs the built action against a simulator with one fault (or a
 * signal at one phase) and checks what a user relies on: the status and exit code, outputs
 * written, every runtime released, every event of the log exactly once in events.jsonl.
 */
interface FaultCase {
  name: string
  sim?: SimulatorOptions
  inputs?: Record<string, string>
  arrange?: (sim: Simulator) => void
  /** Send this signal once stdout matches the pattern (the runner's cancel). */
  signal?: { when: string | RegExp; name: 'SIGINT' | 'SIGTERM' }
  /** Called every 20 ms while main runs, to change faults as the run goes. */
  tick?: (sim: Simulator) => void
  expect: { status: string; code: number; message?: string | RegExp; runtimes?: number; kept?: boolean }
}

interface Row {
  name: string
  survived: boolean
  leaked: number
  lost: number
  duplicated: number
  signalToStopMs?: number
}
const rows: Row[] = []

const waitScript = (ms: number) => ({
  steps: [
    { type: 'llm' as const, cost: 0.002, promptTokens: 900, completionTokens: 30 },
    { type: 'wait' as const, ms },
    { type: 'finish' as const, message: 'late' }
  ]
})
const MISSING_IMAGE = 'openhands/agent-server:0000000-python-amd64'

const cases: FaultCase[] = [
  { name: 'Runtime API 503 ×3', sim: { faults: { runtimeApiErrors: 3 } }, expect: { status: 'finished', code: 0 } },
  { name: 'Runtime API 429 ×2 (Retry-After)', sim: { faults: { runtimeApi429: 2 } }, expect: { status: 'finished', code: 0 } },
  { name: 'agent server 503 ×3', sim: { faults: { agentServerErrors: 3 } }, expect: { status: 'finished', code: 0 } },
  // Longer than the retries of one call last: readiness itself must wait for the API.
  { name: 'deferred init: /health ok, /api 503 for 12 s', sim: { faults: { deferredInitMs: 12_000 } }, expect: { status: 'finished', code: 0 } },
  { name: 'WebSocket drop mid-run', sim: { faults: { wsDropAfterEvents: 6 } }, expect: { status: 'finished', code: 0 } },
  {
    name: 'WebSocket drops, long run',
    sim: { script: longScript, faults: { wsDropAfterEvents: 40 } },
    tick: sim => dropAgainAfterReconnect(sim),
    expect: { status: 'finished', code: 0 }
  },
  {
    name: 'WebSocket silent (REST fallback)',
    sim: { faults: { wsSilent: true } },
    expect: { status: 'finished', code: 0, message: 'following the run over REST' }
  },
  {
    name: 'runtime torn down mid-run',
    sim: { script: longScript, faults: { stopRuntimeAfterEvents: 12 } },
    expect: { status: 'error', code: 1, message: 'The runtime was stopped or deleted during the run' }
  },
  { name: 'crash loop', sim: { faults: { crashLoop: true } }, expect: { status: 'error', code: 1, message: /crashed and is restarting[\s\S]*OOMKilled/ } },
  {
    name: 'crash loop, then retry with double resources',
    sim: { faults: { crashLoop: true } },
    inputs: { 'startup-retries': '2' },
    tick: sim => {
      if (sim.runtimes.length >= 1 && sim.runtimes[0].podStatus === 'crashloopbackoff') sim.faults.crashLoop = false
    },
    expect: { status: 'finished', code: 0, runtimes: 2 }
  },
  {
    name: 'crash loop on every retry',
    sim: { faults: { crashLoop: true } },
    inputs: { 'startup-retries': '2' },
    expect: { status: 'error', code: 1, runtimes: 3, message: 'crashed' }
  },
  {
    name: 'pod failed',
    sim: { faults: { podFailed: true } },
    expect: { status: 'error', code: 1, message: /failed to start \(pod status: failed\)[\s\S]*Pod logs/ }
  },
  {
    name: 'never ready (startup-timeout)',
    sim: { faults: { neverReady: true } },
    inputs: { 'startup-timeout': '2' },
    expect: { status: 'error', code: 1, message: 'was not ready after 2s (startup-timeout)' }
  },
  {
    name: 'image missing',
    arrange: sim => sim.registry.missing.add(MISSING_IMAGE),
    inputs: { image: `ghcr.io/${MISSING_IMAGE}` },
    expect: { status: 'error', code: 1, runtimes: 0, message: 'was not found' }
  },
  {
    name: 'image pushed while waiting (wait-for-image)',
    arrange: sim => sim.registry.publishedAt.set(MISSING_IMAGE, Date.now() + 1_500),
    inputs: { image: `ghcr.io/${MISSING_IMAGE}`, 'wait-for-image': '30' },
    expect: { status: 'finished', code: 0 }
  },
  {
    name: 'registry refuses anonymous access',
    arrange: sim => (sim.registry.denyAnonymous = true),
    expect: { status: 'finished', code: 0, message: 'refused anonymous access' }
  },
  {
    name: 'timeout-minutes',
    sim: { script: longScript },
    inputs: { 'timeout-minutes': '0.05' },
    expect: { status: 'timeout', code: 1, message: 'timeout-minutes (0.05) reached' }
  },
  {
    name: 'idle-timeout',
    sim: { script: waitScript(60_000) },
    inputs: { 'idle-timeout': '0.04' },
    expect: { status: 'timeout', code: 1, message: 'idle-timeout' }
  },
  { name: 'max-cost', sim: { script: longScript }, inputs: { 'max-cost': '0.005' }, expect: { status: 'budget_exceeded', code: 1, message: 'max-cost' } },
  {
    name: 'SIGINT while waiting for the image',
    arrange: sim => sim.registry.missing.add(MISSING_IMAGE),
    inputs: { image: `ghcr.io/${MISSING_IMAGE}`, 'wait-for-image': '60' },
    signal: { when: 'not there yet', name: 'SIGINT' },
    expect: { status: 'cancelled', code: 1, runtimes: 0 }
  },
  {
    name: 'SIGINT while provisioning',
    sim: { provisioningMs: 4_000 },
    signal: { when: /Runtime \w+ started/, name: 'SIGINT' },
    expect: { status: 'cancelled', code: 1 }
  },
  {
    name: 'SIGINT while running',
    sim: { script: longScript },
    signal: { when: '[action] terminal: $ echo step 5', name: 'SIGINT' },
    expect: { status: 'cancelled', code: 1 }
  },
  {
    name: 'SIGTERM while running',
    sim: { script: longScript },
    signal: { when: '[action] terminal: $ echo step 5', name: 'SIGTERM' },
    expect: { status: 'cancelled', code: 1 }
  },
  { name: 'SIGINT while collecting', signal: { when: '[status] finished', name: 'SIGINT' }, expect: { status: 'finished|cancelled', code: -1 } },
  {
    name: 'SIGINT with on-exit keep',
    sim: { script: longScript },
    inputs: { 'on-exit': 'keep' },
    signal: { when: '[action] terminal', name: 'SIGINT' },
    expect: { status: 'cancelled', code: 1, kept: true }
  }
]

/** Drops the sockets again shortly after each reconnect, three times in all. */
let drops = 0
function dropAgainAfterReconnect(sim: Simulator): void {
  if (sim.faults.wsDropAfterEvents === null && drops < 2) {
    drops++
    sim.faults.wsDropAfterEvents = 30
  }
}

describe('fault suite', () => {
  it.each(cases)('$name', async c => {
    const sim = await simulator(c.sim)
    c.arrange?.(sim)
    const job = jobFor(sim, c.inputs)
    let signalAt: number | undefined
    const main = await job.main((child, output) => {
      const timer = setInterval(() => {
        c.tick?.(sim)
        const { when, name } = c.signal ?? {}
        if (when && signalAt === undefined && (typeof when === 'string' ? output.stdout.includes(when) : when.test(output.stdout))) {
          signalAt = Date.now()
          child.kill(name)
        }
      }, 20)
      child.on('close', () => clearInterval(timer))
    })
    const post = await job.post()

    const wantKept = c.expect.kept ?? false
    const leaked = sim.runtimes.filter(r => r.status !== 'stopped').length - (wantKept ? 1 : 0)
    let lost = 0
    let duplicated = 0
    const conversationStarted = sim.runtimes.some(r => r.conversations.size > 0)
    if (conversationStarted) {
      const index = sim.runtimes.findIndex(r => r.conversations.size > 0)
      const written = readJsonLines(main.outputs['events-file']).map(e => e.id as string)
      const log = logIds(sim, index)
      lost = log.filter(id => !written.includes(id)).length
      duplicated = written.length - new Set(written).size
    }
    const stopAt = signalAt === undefined ? undefined : sim.requests.find(r => r.server === 'runtime' && r.path === '/stop' && r.at >= signalAt!)?.at
    const signalToStopMs = stopAt !== undefined && signalAt !== undefined ? stopAt - signalAt : undefined
    const statuses = c.expect.status.split('|')
    const checks = {
      status: statuses.includes(main.outputs.status),
      code: c.expect.code === -1 ? main.code === (main.outputs.status === 'finished' ? 0 : 1) : main.code === c.expect.code,
      post: post.code === 0,
      result: existsSync(main.outputs['result-file'] ?? ''),
      message:
        c.expect.message === undefined || (typeof c.expect.message === 'string' ? main.stdout.includes(c.expect.message) : c.expect.message.test(main.stdout)),
      runtimes: c.expect.runtimes === undefined || sim.runtimes.length === c.expect.runtimes,
      cancelInTime:
        signalAt === undefined ||
        wantKept ||
        main.outputs.status !== 'cancelled' ||
        (signalToStopMs !== undefined && signalToStopMs < 7_500) ||
        sim.runtimes.length === 0
    }
    const survived = Object.values(checks).every(Boolean) && leaked === 0 && lost === 0 && duplicated === 0
    rows.push({ name: c.name, survived, leaked, lost, duplicated, signalToStopMs })

    expect(checks, `${c.name}: ${main.stdout.slice(-1500)}`).toEqual(Object.fromEntries(Object.keys(checks).map(k => [k, true])))
    expect({ leaked, lost, duplicated }).toEqual({ leaked: 0, lost: 0, duplicated: 0 })
    if (c.name.startsWith('crash loop, then retry')) {
      expect(sim.runtimes.map(r => (r.startBody as { resource_factor?: number }).resource_factor ?? 1)).toEqual([1, 2])
    }
    if (c.signal && main.outputs.status === 'cancelled' && sim.runtimes.length > 0 && !wantKept) {
      expect(runtimeCalls(sim, 'POST /stop')).toBeGreaterThanOrEqual(1)
    }
  })

  afterAll(() => {
    if (!rows.length) return
    const total = (key: 'leaked' | 'lost' | 'duplicated') => rows.reduce((n, r) => n + r[key], 0)
    const lines = [
      '',
      '| fault | survived | leaked | lost | duplicated | signal → /stop |',
      '|---|---|---|---|---|---|',
      ...rows.map(
        r =>
          `| ${r.name} | ${r.survived ? 'yes' : 'NO'} | ${r.leaked} | ${r.lost} | ${r.duplicated} | ${r.signalToStopMs === undefined ? '' : `${r.signalToStopMs} ms`} |`
      ),
      '',
      '| faults tried | survived | runtimes leaked | events lost | events duplicated |',
      '|---|---|---|---|---|',
      `| ${rows.length} | ${rows.filter(r => r.survived).length} | ${total('leaked')} | ${total('lost')} | ${total('duplicated')} |`,
      ''
    ]
    console.log(lines.join('\n'))
  })
})
