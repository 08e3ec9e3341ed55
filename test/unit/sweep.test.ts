import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { sessionPrefix } from '../../src/naming.js'
import { parseTimestamp, renderSweep, sweepRuntimes, type SweepEntry } from '../../src/modes/sweep.js'
import { RuntimeApi, type ListedRuntime, type StartRequest } from '../../src/runtime/client.js'
import { startSimulator, type SimRuntime, type Simulator } from '../simulator/index.js'

const OURS = sessionPrefix('octo-org/octo-repo')
const THEIRS = sessionPrefix('octo-org/other-repo')
const MINUTE = 60_000

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** addRuntime hands out a pre-bound agent server; give the pool a moment to refill. */
async function addRuntime(init: Parameters<Simulator['addRuntime']>[0]): Promise<SimRuntime> {
  for (let i = 0; ; i++) {
    try {
      return sim!.addRuntime(init)
    } catch (err) {
      if (i > 100) throw err
      await sleep(10)
    }
  }
}

function startRequest(sessionId: string): StartRequest {
  return {
    image: 'ghcr.io/openhands/agent-server:abc1234-python-amd64',
    command: '/usr/local/bin/openhands-agent-server --port 60000',
    working_dir: '/',
    environment: {},
    session_id: sessionId,
    run_as_user: 10001,
    fs_group: 10001,
    image_pull_policy: 'IfNotPresent',
    runtime_class: 'sysbox-runc'
  }
}

/** Runtimes of two repositories at several ages: added ones are backdated, started ones are new. */
async function twoRepositories() {
  sim = await startSimulator({ provisioningMs: 20 })
  const api = new RuntimeApi(sim.url, sim.runtimeApiKey)
  const now = Date.now()
  const rt = {
    oldRunning: await addRuntime({ sessionId: `${OURS}101-agent-aaaa0001`, status: 'running', createdAt: now - 5 * 60 * MINUTE }),
    oldPaused: await addRuntime({ sessionId: `${OURS}102-agent-aaaa0002`, status: 'paused', createdAt: now - 3 * 60 * MINUTE }),
    young: await addRuntime({ sessionId: `${OURS}103-agent-aaaa0003`, status: 'running', createdAt: now - 10 * MINUTE }),
    ageless: await addRuntime({ sessionId: `${OURS}104-agent-aaaa0004`, status: 'running', createdAt: null }),
    stoppedLongAgo: await addRuntime({ sessionId: `${OURS}105-agent-aaaa0005`, status: 'stopped', createdAt: now - 48 * 60 * MINUTE }),
    theirsOld: await addRuntime({ sessionId: `${THEIRS}201-agent-bbbb0001`, status: 'running', createdAt: now - 6 * 60 * MINUTE }),
    unprefixedOld: await addRuntime({ sessionId: 'agent-server-eval-7', status: 'running', createdAt: now - 6 * 60 * MINUTE })
  }
  const startedOurs = await api.start(startRequest(`${OURS}106-agent-aaaa0006`))
  const startedTheirs = await api.start(startRequest(`${THEIRS}202-agent-bbbb0002`))
  const byId = (id: string) => sim!.runtimes.find(r => r.runtimeId === id)!
  return { api, now, rt: { ...rt, startedOurs: byId(startedOurs.runtimeId), startedTheirs: byId(startedTheirs.runtimeId) } }
}

const stopCalls = () =>
  sim!.requests.filter(r => r.server === 'runtime' && r.method === 'POST' && r.path === '/stop').map(r => (r.body as { runtime_id: string }).runtime_id)
const actions = (entries: SweepEntry[]) => Object.fromEntries(entries.map(e => [e.sessionId, e.action]))

describe('sweepRuntimes against the simulator', () => {
  it('in a dry run lists what it would stop and stops nothing', async () => {
    const { api, now, rt } = await twoRepositories()
    const entries = await sweepRuntimes(api, { prefix: OURS, olderThanMinutes: 120, dryRun: true, now })

    expect(actions(entries)).toEqual({
      [rt.oldRunning.sessionId]: 'would stop',
      [rt.oldPaused.sessionId]: 'would stop',
      [rt.young.sessionId]: 'kept',
      [rt.ageless.sessionId]: 'kept',
      [rt.startedOurs.sessionId]: 'kept'
    })
    const entry = (r: SimRuntime) => entries.find(e => e.runtimeId === r.runtimeId)!
    expect(entry(rt.oldRunning)).toEqual({
      runtimeId: rt.oldRunning.runtimeId,
      sessionId: rt.oldRunning.sessionId,
      status: 'running',
      ageMinutes: 300,
      action: 'would stop',
      reason: 'older than 120 min'
    })
    expect(entry(rt.oldPaused)).toMatchObject({ status: 'paused', ageMinutes: 180 })
    expect(entry(rt.young)).toMatchObject({ ageMinutes: 10, reason: 'not older than 120 min' })
    expect(entry(rt.ageless)).toMatchObject({ ageMinutes: null, reason: expect.stringContaining('age is unknown: never stopped') })
    expect(stopCalls()).toEqual([])
    expect(sim!.runtimes.filter(r => r.status === 'stopped')).toEqual([rt.stoppedLongAgo])

    const md = renderSweep(entries, true)
    expect(md).toContain('## OpenHands runtime sweep (dry run)')
    expect(md).toContain(`| \`${rt.oldRunning.runtimeId}\` | \`${rt.oldRunning.sessionId}\` | running | 5.0 h | 🔎 would stop | older than 120 min |`)
    expect(md).toContain('| age unknown | kept |')
    expect(md).toContain('**5 runtime(s):** 2 would be stopped, 3 kept.')
    expect(md).toContain('sweep-dry-run: false')
    expect(md).not.toContain(THEIRS)
  })

  it('stops only this repository’s runtimes older than the limit', async () => {
    const { api, now, rt } = await twoRepositories()
    const entries = await sweepRuntimes(api, { prefix: OURS, olderThanMinutes: 120, dryRun: false, now })

    expect(actions(entries)).toMatchObject({ [rt.oldRunning.sessionId]: 'stopped', [rt.oldPaused.sessionId]: 'stopped', [rt.young.sessionId]: 'kept' })
    expect(stopCalls().sort()).toEqual([rt.oldRunning.runtimeId, rt.oldPaused.runtimeId].sort())
    expect(rt.oldRunning.status).toBe('stopped')
    expect(rt.oldPaused.status).toBe('stopped')
    for (const kept of [rt.young, rt.ageless, rt.startedOurs, rt.theirsOld, rt.unprefixedOld, rt.startedTheirs]) expect(kept.status).toBe('running')
    expect(renderSweep(entries, false)).toContain('**5 runtime(s):** 2 stopped, 0 failed, 3 kept.')

    // Three hours on, the young and the just-started runtimes are old too; the ageless one never is.
    const later = await sweepRuntimes(api, { prefix: OURS, olderThanMinutes: 120, dryRun: false, now: now + 3 * 60 * MINUTE })
    expect(actions(later)).toEqual({ [rt.young.sessionId]: 'stopped', [rt.ageless.sessionId]: 'kept', [rt.startedOurs.sessionId]: 'stopped' })
    expect(sim!.runtimes.filter(r => r.status === 'running')).toEqual(expect.arrayContaining([rt.ageless, rt.theirsOld, rt.unprefixedOld, rt.startedTheirs]))
    expect(sim!.runtimes.filter(r => r.status === 'running')).toHaveLength(4)
  })
})

describe('sweepRuntimes, stop failures', () => {
  it('reports a failed stop per runtime and goes on; 404 means already gone; listed stopped runtimes are skipped', async () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    const listed: ListedRuntime[] = [
      { runtimeId: 'r1', sessionId: `${OURS}1`, status: 'running', createdAt: '2026-11-28T08:00:00Z' },
      { runtimeId: 'r2', sessionId: `${OURS}2`, status: 'running', createdAt: Date.parse('2026-11-28T08:00:00Z') / 1000 },
      { runtimeId: 'r3', sessionId: `${OURS}3`, status: 'running', createdAt: '2026-11-28T08:00:00.123456' },
      { runtimeId: 'r4', sessionId: `${OURS}4`, status: 'stopped', createdAt: '2026-11-28T08:00:00Z' }
    ]
    const stopped: string[] = []
    const api = {
      list: async () => listed,
      stop: async (id: string) => {
        stopped.push(id)
        if (id === 'r1') throw new Error('Runtime API POST /stop failed: HTTP 500: boom')
        return id !== 'r2'
      }
    } as unknown as RuntimeApi
    const entries = await sweepRuntimes(api, { prefix: OURS, olderThanMinutes: 60, dryRun: false, now })
    expect(stopped).toEqual(['r1', 'r2', 'r3'])
    expect(entries.map(e => [e.runtimeId, e.action, e.reason, e.ageMinutes])).toEqual([
      ['r1', 'failed', 'Runtime API POST /stop failed: HTTP 500: boom', 240],
      ['r2', 'stopped', 'older than 60 min; already gone (404)', 240],
      ['r3', 'stopped', 'older than 60 min', 240],
      ['r4', 'kept', 'already stopped', 240]
    ])
    expect(renderSweep(entries, false)).toContain('**4 runtime(s):** 2 stopped, 1 failed, 1 kept.')
    expect(renderSweep([], false)).toContain('No runtimes of this repository are listed.')
  })
})

describe('parseTimestamp', () => {
  it('reads ISO (a zoneless one as UTC) and epoch seconds; anything else is no age', () => {
    const at = Date.parse('2026-11-28T08:00:00Z')
    expect(parseTimestamp('2026-11-28T08:00:00Z')).toBe(at)
    expect(parseTimestamp('2026-11-28T09:00:00+01:00')).toBe(at)
    expect(parseTimestamp('2026-11-28T08:00:00')).toBe(at)
    expect(parseTimestamp('2026-11-28 08:00:00.5')).toBe(at + 500)
    expect(parseTimestamp(at / 1000)).toBe(at)
    expect(parseTimestamp(String(at / 1000))).toBe(at)
    expect(parseTimestamp(at)).toBe(at)
    expect(parseTimestamp(undefined)).toBeNull()
    expect(parseTimestamp('yesterday')).toBeNull()
    expect(parseTimestamp(0)).toBeNull()
  })
})
