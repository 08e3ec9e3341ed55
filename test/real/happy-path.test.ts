import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readJson, readJsonLines } from '../e2e/helpers.js'
import { REAL_TIMEOUT_MS, failingCheckout, realJob, realSetup, unavailable } from './helpers.js'
import { fixScript } from './fixtures.js'
import { costOf } from './llm.js'
import { RELEASES } from './releases.js'
import { RealServer } from './server.js'

const script = fixScript()

for (const version of [...new Set(Object.values(RELEASES))]) {
  const skip = unavailable(version)
  describe.skipIf(skip)(`real agent server ${version}`, { timeout: REAL_TIMEOUT_MS }, () => {
    it('fixes a failing test: the patch comes back, applies, and the test passes on the runner', async () => {
      const setup = await realSetup(version, script)
      const job = realJob(setup, { 'on-exit': 'keep' })
      failingCheckout(job.workspace)
      const main = await job.main()
      expect(main.outputs.status, main.stdout).toBe('finished')
      expect(main.code).toBe(0)

      // The runner's checkout has the fix, and its test passes there.
      expect(readFileSync(`${job.workspace}/calc.py`, 'utf8')).toContain('return a + b')
      expect(execFileSync('python3', ['test_calc.py'], { cwd: job.workspace, encoding: 'utf8' })).toBe('ok\n')
      expect(main.outputs['changed-files'].split('\n')).toEqual(['calc.py'])
      expect(readFileSync(main.outputs['patch-file'], 'utf8')).toMatch(/^- {4}return a - b$[\s\S]*^\+ {4}return a \+ b$/m)

      // Every event the server logged, once, in order; cost and tokens are the server's own stats.
      const [pod] = setup.api.pods
      const server = new RealServer(pod)
      const id = main.outputs['conversation-id']
      const logged = await server.events(id)
      const written = readJsonLines(main.outputs['events-file'])
      expect(written.map(e => e.id)).toEqual(logged.map(e => e.id))
      const totals = await server.totals(id)
      expect(Number(main.outputs.cost)).toBeCloseTo(totals.cost, 6)
      expect(Number(main.outputs['prompt-tokens'])).toBe(totals.prompt)
      expect(Number(main.outputs['completion-tokens'])).toBe(totals.completion)
      expect(totals.cost).toBeCloseTo(
        script.reduce((sum, s) => sum + costOf(s.usage), 0),
        9
      )
      const result = readJson(main.outputs['result-file'])
      expect(result).toMatchObject({ status: 'finished', conversation_id: id, runtime_id: pod.runtimeId })

      // The agent really ran the test twice: a failing and a passing observation.
      const exits = logged
        .filter(e => e.kind === 'ObservationEvent' && e.tool_name === 'terminal')
        .map(e => (e.observation as { exit_code?: number }).exit_code)
      expect(exits).toEqual([1, 0])
      expect(setup.llm.problems).toEqual([])
      // No title call on the agent's LLM: it would cost users money and count toward max-cost.
      expect(setup.llm.titleCalls).toBe(0)
      expect(main.outputs['final-message']).toBe('add() subtracted; it adds now and test_calc.py passes.')
      if (version !== RELEASES.oldest) expect(await server.finalResponse(id)).toBe(main.outputs['final-message'])
      expect(setup.api.validationErrors).toEqual([])
    })
  })
}
