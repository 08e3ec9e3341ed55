import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readJson } from '../e2e/helpers.js'
import { REAL_TIMEOUT_MS, realJob, realSetup, unavailable } from './helpers.js'
import { step, type LlmScript } from './llm.js'
import { RELEASES } from './releases.js'
import { RealServer } from './server.js'

const version = RELEASES.newest
const skip = unavailable(version)

/** 60 commands, each printing about 1.5 kB, then finish: far more than a 40 kB context holds. */
const longScript: LlmScript = n => (n < 60 ? step.run(`seq ${n * 1000} ${n * 1000 + 270}`) : n === 60 ? step.finish('Ran all 60 steps.') : null)
const CONTEXT_CHARS = 40_000

describe.skipIf(skip)(`real agent server ${version}`, { timeout: REAL_TIMEOUT_MS }, () => {
  it(
    'the default agent condenses a history that overflows the context window; without the condenser the run fails',
    async () => {
      const withCondenser = await realSetup(version, longScript, { contextChars: CONTEXT_CHARS })
      const job = realJob(withCondenser, { 'on-exit': 'keep', 'max-iterations': '100' })
      const main = await job.main()
      expect(main.outputs.status, main.stdout.slice(-3_000)).toBe('finished')
      expect(withCondenser.llm.summaryCalls).toBeGreaterThan(0)
      // The condenser's LLM calls are counted: the action's cost is the server's over both usage ids.
      const totals = await new RealServer(withCondenser.api.pods[0]).totals(main.outputs['conversation-id'])
      expect(totals.usageIds.sort()).toEqual(['agent', 'condenser'])
      expect(Number(main.outputs.cost)).toBeCloseTo(totals.cost, 6)
      const result = readJson(main.outputs['result-file']) as { cost: number }
      expect(result.cost).toBeCloseTo(totals.cost, 6)

      const without = await realSetup(version, longScript, { contextChars: CONTEXT_CHARS })
      const bare = await realJob(without, { condenser: 'false', 'max-iterations': '100' }).main()
      expect(bare.outputs.status).toBe('error')
      expect(without.llm.overflows).toBeGreaterThan(0)
      expect(without.llm.summaryCalls).toBe(0)
      expect(bare.outputs['final-message'] + bare.stdout).toMatch(/context/i)
    },
    2 * REAL_TIMEOUT_MS
  )

  it('brings back a change set whose file list is larger than the 1 MiB a command may print', async () => {
    // 12 000 new files with 90-character names: about 1.1 MB of names.
    const make = `python3 -c "import os; os.makedirs('gen', exist_ok=True); [open(os.path.join('gen', 'f%05d_' % i + 'x' * 80), 'w').write(str(i)) for i in range(12000)]"`
    const setup = await realSetup(version, [step.run(make), step.finish('Generated 12 000 files.')])
    const job = realJob(setup, { 'apply-changes': 'false' })
    const main = await job.main()
    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe('finished')
    const result = readJson(main.outputs['result-file']) as { changed_files: string[] }
    expect(result.changed_files).toHaveLength(12_000)
    expect(result.changed_files.at(-1)).toBe(`gen/f11999_${'x'.repeat(80)}`)
    expect(readFileSync(main.outputs['patch-file'], 'utf8').match(/^diff --git /gm)).toHaveLength(12_000)
  })

  it("refuses a working-dir that would put the server's own data into the patch, before any remote call", async () => {
    const setup = await realSetup(version, [])
    const main = await realJob(setup, { 'working-dir': '/workspace' }).main()
    expect(main.code).toBe(1)
    expect(main.stdout).toContain("Input 'working-dir' must not hold the agent server's own data")
    expect(setup.api.requests.filter(r => r.server === 'runtime')).toEqual([])
    expect(setup.api.pods).toEqual([])
  })
})
