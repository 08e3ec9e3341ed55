import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { readJson, readJsonLines } from '../e2e/helpers.js'
import { REAL_TIMEOUT_MS, failingCheckout, realJob, realSetup, unavailable } from './helpers.js'
import { step, type LlmScript } from './llm.js'
import { RELEASES } from './releases.js'
import { RealServer } from './server.js'

const version = RELEASES.newest
const skip = unavailable(version)

/** Runs the test, then a command long enough for timeout-minutes to interrupt, then (on the next attempt) fixes and finishes. */
const interruptedFix: LlmScript = n =>
  [
    step.run('python3 test_calc.py', { prompt: 2_000, completion: 50 }),
    step.run('echo thinking; sleep 25', { prompt: 2_400, completion: 40 }),
    step.edit('/workspace/project/calc.py', 'return a - b', 'return a + b', { prompt: 2_800, completion: 70 }),
    step.finish('Fixed add() after the re-run.', { prompt: 3_000, completion: 30 })
  ][n] ?? null

interface ContinuedResult {
  conversation_id: string
  cost: number
  continued: { from_attempt: number | null; conversation_cost: number; conversation_prompt_tokens: number } | null
}

describe.skipIf(skip)(`real agent server ${version}`, { timeout: 2 * REAL_TIMEOUT_MS }, () => {
  it('a re-run with resume goes on with the paused conversation of attempt 1 and finishes it', async () => {
    const setup = await realSetup(version, interruptedFix)
    const env = { GITHUB_RUN_ID: '5550001' }
    const first = realJob(setup, { 'timeout-minutes': '0.2', 'on-exit': 'pause' }, { env: { ...env, GITHUB_RUN_ATTEMPT: '1' } })
    failingCheckout(first.workspace)
    const attempt1 = await first.main()
    expect(attempt1.outputs.status, attempt1.stdout.slice(-2_000)).toBe('timeout')
    const [pod] = setup.api.pods
    expect(pod.status).toBe('paused')

    const second = realJob(setup, { resume: 'true', prompt: '' }, { env: { ...env, GITHUB_RUN_ATTEMPT: '2' } })
    failingCheckout(second.workspace)
    const attempt2 = await second.main()
    expect(attempt2.outputs.status, attempt2.stdout.slice(-3_000)).toBe('finished')
    expect(attempt2.outputs['runtime-id']).toBe(pod.runtimeId)
    expect(attempt2.outputs['conversation-id']).toBe(attempt1.outputs['conversation-id'])
    expect(attempt2.stdout).toContain(`Continuing conversation ${attempt1.outputs['conversation-id']}`)
    // Nothing was uploaded over the working directory, and the fix came back to the new checkout.
    expect(attempt2.stdout).not.toContain('Uploading the checkout')
    expect(execFileSync('python3', ['test_calc.py'], { cwd: second.workspace, encoding: 'utf8' })).toBe('ok\n')

    // The stopped runtime cannot be asked any more: read the server's record while it runs, on a third look.
    const result = readJson(attempt2.outputs['result-file']) as unknown as ContinuedResult
    expect(result.continued?.from_attempt).toBe(1)
    const total = Number(attempt1.outputs.cost) + Number(attempt2.outputs.cost)
    expect(result.continued?.conversation_cost).toBeCloseTo(total, 6)
    expect(Number(attempt2.outputs.cost)).toBeGreaterThan(0)
    expect(second.summary()).toContain('Continued from attempt 1')
    // events.jsonl of attempt 2 holds the whole conversation, every event once, attempt 1's first.
    const first1 = readJsonLines(attempt1.outputs['events-file']).map(e => e.id)
    const all = readJsonLines(attempt2.outputs['events-file']).map(e => e.id)
    expect(new Set(all).size).toBe(all.length)
    expect(all.slice(0, first1.length)).toEqual(first1)
    expect(all.length).toBeGreaterThan(first1.length)
    expect(setup.llm.problems).toEqual([])
  })

  it('conversation-id continues that conversation with the prompt as its next message; an unknown id is refused', async () => {
    const setup = await realSetup(version, [
      step.finish('Looked at it.'),
      step.create('/workspace/project/NOTES.md', 'notes\n'),
      step.finish('Wrote the notes.')
    ])
    const session = { 'session-id': 'ohrr-continue-by-id', 'on-exit': 'keep' }
    const made = await realJob(setup, { ...session, prompt: 'Look at the code.' }).main()
    expect(made.outputs.status).toBe('finished')
    const id = made.outputs['conversation-id']

    const unknown = await realJob(setup, { ...session, 'conversation-id': '11111111-2222-4333-8444-555555555555' }).main()
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain("Input 'conversation-id': the runtime has no conversation 11111111-2222-4333-8444-555555555555")

    const next = await realJob(setup, { ...session, 'conversation-id': id, prompt: 'Now write NOTES.md.' }).main()
    expect(next.outputs.status, next.stdout.slice(-2_000)).toBe('finished')
    expect(next.outputs['conversation-id']).toBe(id)
    expect(next.outputs['final-message']).toBe('Wrote the notes.')
    expect(next.outputs['changed-files']).toBe('NOTES.md')
    const server = new RealServer(setup.api.pods[0])
    const totals = await server.totals(id)
    expect(Number(made.outputs.cost) + Number(next.outputs.cost)).toBeCloseTo(totals.cost, 6)
    const logged = (await server.events(id)).map(e => e.id)
    expect(readJsonLines(next.outputs['events-file']).map(e => e.id)).toEqual(logged)
    const userMessages = (await server.events(id)).filter(e => e.kind === 'MessageEvent' && e.source === 'user')
    expect(userMessages).toHaveLength(2)
  })
})
