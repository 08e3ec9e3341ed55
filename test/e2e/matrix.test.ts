import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Aggregate } from '../../src/modes/aggregate-types.js'
import { sessionPrefix } from '../../src/naming.js'
import { Job } from '../harness/runner.js'
import type { SimRuntime, Simulator } from '../simulator/index.js'
import { jobFor, readJson, runtimeCalls, simulator } from './helpers.js'

const CELLS = 50
const MAX_RUNNING = 20
const INJECTED_429 = 20
const MINUTE = 60_000

/** Sums VmRSS over the live processes every `everyMs`; keeps the peak of the sum and of one process. */
function rssSampler(pids: number[], everyMs = 100) {
  const peak = { totalKb: 0, oneKb: 0 }
  const sample = (): void => {
    let total = 0
    for (const pid of pids) {
      let kb = 0
      try {
        kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      } catch {
        // Exited: counts as nothing.
      }
      total += kb
      peak.oneKb = Math.max(peak.oneKb, kb)
    }
    peak.totalKb = Math.max(peak.totalKb, total)
  }
  const timer = setInterval(sample, everyMs)
  return {
    stop: () => {
      clearInterval(timer)
      return peak
    }
  }
}

/** The most runtimes of the simulator that were running at one moment. */
function peakRunning(runtimes: readonly SimRuntime[]): number {
  const edges = runtimes.flatMap(r => [
    { at: r.startedAt, delta: 1 },
    { at: r.stoppedAt ?? Infinity, delta: -1 }
  ])
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta)
  let running = 0
  let peak = 0
  for (const edge of edges) peak = Math.max(peak, (running += edge.delta))
  return peak
}

/** addRuntime hands out a pre-bound agent server; give the pool a moment to refill. */
async function addRuntime(sim: Simulator, init: Parameters<Simulator['addRuntime']>[0]): Promise<SimRuntime> {
  for (let i = 0; ; i++) {
    try {
      return sim.addRuntime(init)
    } catch (err) {
      if (i > 100) throw err
      await new Promise(resolve => setTimeout(resolve, 10))
    }
  }
}

describe('a matrix of the built action against one simulator', () => {
  it(`runs ${CELLS} cells at once under a concurrency limit and 429s, then aggregates their results`, { timeout: 240_000 }, async () => {
    const sim = await simulator({ provisioningMs: 100, faults: { maxRunning: MAX_RUNNING, runtimeApi429: INJECTED_429 } })
    const runId = String(7_000_000 + Math.floor(Math.random() * 1_000_000))
    const tasks = Array.from({ length: CELLS }, (_, i) => `task-${String(i + 1).padStart(2, '0')}`)
    // One workflow run, one job, one matrix cell per instance.
    const jobs = tasks.map(task => jobFor(sim, {}, { matrix: { task }, env: { GITHUB_RUN_ID: runId, GITHUB_JOB: 'agent' } }))

    const pids: number[] = []
    const sampler = rssSampler(pids)
    const started = Date.now()
    const mains = await Promise.all(jobs.map(job => job.main(child => child.pid && pids.push(child.pid))))
    const wallMs = Date.now() - started
    const peak = sampler.stop()
    const startAttempts = runtimeCalls(sim, 'POST /start')
    console.log(
      `${CELLS} instances at once: wall time ${(wallMs / 1000).toFixed(1)} s, peak RSS ${(peak.totalKb / 1024).toFixed(0)} MB summed over the instances ` +
        `(largest one ${(peak.oneKb / 1024).toFixed(0)} MB), ${peakRunning(sim.runtimes)} runtimes running at most (limit ${MAX_RUNNING}), ` +
        `${startAttempts - CELLS} POST /start retried after a 429 (running limit, or one of the ${INJECTED_429} injected)`
    )

    // Every cell finished, on a runtime and session of its own, and released it.
    for (const main of mains) {
      if (main.outputs.status !== 'finished') console.log(main.stdout.slice(-3000))
      expect(main.outputs.status).toBe('finished')
      expect(main.code).toBe(0)
    }
    const sessions = mains.map(m => m.outputs['session-id'])
    expect(new Set(sessions).size).toBe(CELLS)
    expect(sessions.every(s => s.startsWith(sessionPrefix('octo-org/octo-repo')))).toBe(true)
    expect(new Set(mains.map(m => m.outputs['runtime-id'])).size).toBe(CELLS)
    expect(sim.runtimes).toHaveLength(CELLS)
    expect(new Set(sim.runtimes.map(r => r.sessionId)).size).toBe(CELLS)
    expect(sim.runtimes.filter(r => r.status !== 'stopped')).toEqual([])
    expect(sim.faults.runtimeApi429).toBe(0)
    expect(peakRunning(sim.runtimes)).toBeLessThanOrEqual(MAX_RUNNING)
    expect(startAttempts).toBeGreaterThan(CELLS) // the limit was reached and waited out
    expect(sim.validationErrors).toEqual([])

    // The aggregate job: artifacts downloaded one folder each, named as the action names them.
    const aggregateJob = new Job({
      inputs: { mode: 'aggregate', results: 'artifacts/*/result.json', 'expected-cells': tasks.map(t => `openhands-agent-${t}`).join('\n') },
      env: { GITHUB_RUN_ID: runId }
    })
    const results = mains.map((main, i) => {
      const folder = join(aggregateJob.workspace, 'artifacts', `openhands-agent-${tasks[i]}`)
      mkdirSync(folder, { recursive: true })
      copyFileSync(main.outputs['result-file'], join(folder, 'result.json'))
      return readJson(main.outputs['result-file'])
    })
    const requestsBefore = sim.requests.length
    const aggregated = await aggregateJob.main()
    expect(aggregated.code).toBe(0)
    expect(sim.requests.length).toBe(requestsBefore)

    const aggregate = readJson(aggregated.outputs['aggregate-file']) as unknown as Aggregate
    expect(aggregate.cells.map(c => c.cell)).toEqual(tasks.map(t => `openhands-agent-${t}`))
    expect(aggregate.cells.every(c => c.status === 'finished' && c.error === null)).toBe(true)
    const sum = (pick: (c: Aggregate['cells'][number]) => number) => aggregate.cells.reduce((total, c) => total + pick(c), 0)
    expect(aggregate.totals).toEqual({
      cells: CELLS,
      finished: CELLS,
      failed: 0,
      missing: 0,
      cost: expect.closeTo(
        sum(c => c.cost),
        6
      ),
      prompt_tokens: sum(c => c.promptTokens),
      completion_tokens: sum(c => c.completionTokens),
      duration_seconds: expect.closeTo(
        sum(c => c.durationSeconds),
        6
      )
    })
    // ... and the cells are the instances' own figures.
    expect(aggregate.totals.cost).toBeCloseTo(
      mains.reduce((total, m) => total + Number(m.outputs.cost), 0),
      6
    )
    expect(aggregate.totals.prompt_tokens).toBe(results.reduce((total, r) => total + (r.prompt_tokens as number), 0))
    expect(aggregate.success_rate).toBe(1)
    expect(aggregate.cost_per_success).toBeCloseTo(aggregate.totals.cost / CELLS, 6)
    expect(aggregateJob.summary()).toContain('## OpenHands matrix results')
    expect(aggregateJob.summary()).toContain(`**${CELLS} cells:** ${CELLS} finished, 0 failed`)
  })

  it('sweeps only this repository’s stale runtimes, and only once the dry run is turned off', async () => {
    const sim = await simulator()
    const ours = sessionPrefix('octo-org/octo-repo')
    const theirs = sessionPrefix('octo-org/other-repo')
    const now = Date.now()
    const rt = {
      ours5h: await addRuntime(sim, { sessionId: `${ours}11-agent-00000001`, status: 'running', createdAt: now - 300 * MINUTE }),
      ours3hPaused: await addRuntime(sim, { sessionId: `${ours}12-agent-00000002`, status: 'paused', createdAt: now - 180 * MINUTE }),
      ours30m: await addRuntime(sim, { sessionId: `${ours}13-agent-00000003`, status: 'running', createdAt: now - 30 * MINUTE }),
      oursAgeless: await addRuntime(sim, { sessionId: `${ours}14-agent-00000004`, status: 'running', createdAt: null }),
      theirs5h: await addRuntime(sim, { sessionId: `${theirs}21-agent-00000001`, status: 'running', createdAt: now - 300 * MINUTE }),
      theirs30m: await addRuntime(sim, { sessionId: `${theirs}22-agent-00000002`, status: 'running', createdAt: now - 30 * MINUTE })
    }
    const sweep = (inputs: Record<string, string>) => jobFor(sim, { mode: 'sweep', 'sweep-older-than': '120', ...inputs })

    const dry = sweep({})
    const dryRun = await dry.main()
    expect(dryRun.code).toBe(0)
    expect(runtimeCalls(sim, 'POST /stop')).toBe(0)
    expect(Object.values(rt).every(r => r.status !== 'stopped')).toBe(true)
    expect(dry.summary()).toContain('## OpenHands runtime sweep (dry run)')
    expect(dry.summary()).toContain('**4 runtime(s):** 2 would be stopped, 2 kept.')
    expect(dry.summary()).not.toContain(theirs)

    const real = sweep({ 'sweep-dry-run': 'false' })
    const realRun = await real.main()
    expect(realRun.code).toBe(0)
    expect(runtimeCalls(sim, 'POST /stop')).toBe(2)
    expect([rt.ours5h.status, rt.ours3hPaused.status]).toEqual(['stopped', 'stopped'])
    expect([rt.ours30m, rt.oursAgeless, rt.theirs5h, rt.theirs30m].map(r => r.status)).toEqual(['running', 'running', 'running', 'running'])
    expect(real.summary()).toContain('**4 runtime(s):** 2 stopped, 0 failed, 2 kept.')
    expect(real.summary()).toMatch(new RegExp(`\`${rt.oursAgeless.runtimeId}\` .*\\| age unknown \\| kept \\|`))
    expect(realRun.stdout).toContain(`${rt.ours5h.runtimeId} (session ${rt.ours5h.sessionId}, running, 5.0 h): stopped, older than 120 min`)
  })
})
