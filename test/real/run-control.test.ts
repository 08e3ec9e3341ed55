import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readJson, readJsonLines } from '../e2e/helpers.js'
import { when } from '../harness/runner.js'
import { REAL_LLM_KEY, REAL_TIMEOUT_MS, failingCheckout, realJob, realSetup, unavailable } from './helpers.js'
import { step, type LlmStep } from './llm.js'
import { RELEASES } from './releases.js'
import { RealServer } from './server.js'

const version = RELEASES.newest
const skip = unavailable(version)

/** A script that never ends by itself: a slow command, then more of them. */
const slowScript = (step_: number): LlmStep => (step_ === 0 ? step.run('echo started; sleep 30') : step.run('sleep 30'))

describe.skipIf(skip)(`real agent server ${version}`, { timeout: REAL_TIMEOUT_MS }, () => {
  it('runs a follow-up turn in the same conversation, each turn with its own result', async () => {
    const setup = await realSetup(version, [
      step.run('python3 test_calc.py'),
      step.edit('/workspace/project/calc.py', 'return a - b', 'return a + b'),
      step.finish('Fixed add().'),
      step.create('/workspace/project/NOTES.md', 'add() adds.\n'),
      step.finish('Wrote NOTES.md.')
    ])
    const job = realJob(setup, { 'follow-up': 'Write a note about the fix in NOTES.md.', 'on-exit': 'keep' })
    failingCheckout(job.workspace)
    const main = await job.main()
    expect(main.outputs.status, main.stdout).toBe('finished')
    const result = readJson(main.outputs['result-file']) as { turns: Array<{ turn: number; status: string; final_message: string }> }
    expect(result.turns.map(t => [t.turn, t.status, t.final_message])).toEqual([
      [1, 'finished', 'Fixed add().'],
      [2, 'finished', 'Wrote NOTES.md.']
    ])
    expect(main.outputs['changed-files'].split('\n').sort()).toEqual(['NOTES.md', 'calc.py'])
    const events = await new RealServer(setup.api.pods[0]).events(main.outputs['conversation-id'])
    const userMessages = events.filter(e => e.kind === 'MessageEvent' && e.source === 'user')
    expect(userMessages).toHaveLength(2)
    expect(readJsonLines(main.outputs['events-file']).map(e => e.id)).toEqual(events.map(e => e.id))
  })

  it('hands sandbox-secrets to the agent through the secrets API; no output carries the value', async () => {
    const secret = 'deploy-canary-9f8e7d6c5b'
    const setup = await realSetup(version, [step.run('echo "token is $DEPLOY_TOKEN"'), step.finish('Echoed the token.')])
    const job = realJob(setup, { 'sandbox-secrets': `DEPLOY_TOKEN=${secret}`, 'on-exit': 'keep' })
    const main = await job.main()
    expect(main.outputs.status, main.stdout).toBe('finished')
    const [pod] = setup.api.pods
    const events = await new RealServer(pod).events(main.outputs['conversation-id'])
    const observation = events.find(e => e.kind === 'ObservationEvent' && e.tool_name === 'terminal') as { observation: { content: Array<{ text: string }> } }
    // The server gave the command the secret and masked it in the output the agent saw.
    expect(observation.observation.content[0].text).toContain('token is <secret-hidden>')
    const post = await job.post()
    // The ::add-mask:: command is how the runner learns to mask the value: the one line allowed to carry it.
    const unmasked = (text: string): string => text.replace(/^::add-mask::.*$/gm, '')
    const places: Record<string, string> = {
      'main stdout': unmasked(main.stdout),
      'post stdout': unmasked(post.stdout),
      'main stderr': main.stderr,
      summary: job.summary()
    }
    for (const file of filesUnder(job.dir)) places[file] = readFileSync(file, 'utf8')
    for (const [where, text] of Object.entries(places)) {
      expect(text.includes(secret), `the secret reached ${where}`).toBe(false)
      expect(text.includes(REAL_LLM_KEY), `the LLM key reached ${where}`).toBe(false)
    }
  })

  it('survives a dropped events socket mid-run: every event once, in order', async () => {
    const setup = await realSetup(version, [
      step.run('echo one'),
      { ...step.run('echo two'), delayMs: 1_500 },
      { ...step.run('echo three'), delayMs: 1_500 },
      step.finish('Done after the drop.')
    ])
    let cut = 0
    const job = realJob(setup, { 'on-exit': 'keep' })
    const main = await job.main(
      when('echo one', () => {
        cut = [...setup.api.proxies.values()].reduce((n, proxy) => n + proxy.cutSockets(), 0)
      })
    )
    expect(cut).toBeGreaterThan(0)
    expect(main.outputs.status, main.stdout).toBe('finished')
    const proxy = [...setup.api.proxies.values()][0]
    expect(proxy.requests.filter(r => r.method === 'WS').length).toBeGreaterThan(1)
    const events = await new RealServer(setup.api.pods[0]).events(main.outputs['conversation-id'])
    expect(readJsonLines(main.outputs['events-file']).map(e => e.id)).toEqual(events.map(e => e.id))
  })

  it('SIGINT mid-run: the agent is interrupted, the runtime stopped within the runner window, status cancelled', async () => {
    const setup = await realSetup(version, slowScript)
    let signalledAt = 0
    const job = realJob(setup)
    const main = await job.main(
      when('echo started', child => {
        signalledAt = Date.now()
        child.kill('SIGINT')
      })
    )
    expect(main.outputs.status, main.stdout).toBe('cancelled')
    const [pod] = setup.api.pods
    expect(pod.status).toBe('stopped')
    expect(pod.alive).toBe(false)
    expect(pod.stoppedAt! - signalledAt).toBeLessThan(7_500)
    const calls = [...setup.api.proxies.values()][0].requests.map(r => `${r.method} ${r.path}`)
    expect(calls.some(c => /^POST \/api\/conversations\/[^/]+\/interrupt$/.test(c))).toBe(true)
  })

  it('max-cost: a run over budget is paused as budget_exceeded', async () => {
    const setup = await realSetup(version, n => (n < 40 ? step.run(`echo step ${n}`, { prompt: 20_000, completion: 500 }) : null))
    const job = realJob(setup, { 'max-cost': '0.01', 'on-exit': 'keep' })
    const main = await job.main()
    expect(main.outputs.status, main.stdout).toBe('budget_exceeded')
    const cost = Number(main.outputs.cost)
    expect(cost).toBeGreaterThan(0.01)
    // Each step costs $0.0033: the run stopped within a couple of steps of the limit.
    expect(cost).toBeLessThan(0.01 + 3 * 0.0033)
    const info = await new RealServer(setup.api.pods[0]).conversation(main.outputs['conversation-id'])
    expect(info.execution_status).toBe('paused')
  })

  it('timeout-minutes: a long run is interrupted and reported as timeout', async () => {
    const setup = await realSetup(version, slowScript)
    const job = realJob(setup, { 'timeout-minutes': '0.15', 'on-exit': 'keep' })
    const main = await job.main()
    expect(main.outputs.status, main.stdout).toBe('timeout')
    expect(main.stdout).toContain('timeout-minutes (0.15) reached')
    const info = await new RealServer(setup.api.pods[0]).conversation(main.outputs['conversation-id'])
    expect(info.execution_status).toBe('paused')
  })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(name => join(dir, String(name)))
    .filter(path => statSync(path).isFile())
}
