import { describe, expect, it } from 'vitest'
import { jobFor, logIds, loggedCost, readJson, readJsonLines, resultSchemaErrors, runtimeCalls, simulator } from '../e2e/helpers.js'
import { mainInProcess, postInProcess } from '../harness/in-process.js'
import { defaultScript, longScript, type AgentScript, type SimConversation, type Simulator } from '../simulator/index.js'

/**
 * The main and post steps from src/, in this process, against the simulator: behaviour checked
 * straight after an edit, with no `npm run package` in between (the bundle tier is test/e2e).
 */

const conversationOf = (sim: Simulator): SimConversation => [...sim.runtimes[0].conversations.values()][0]
const userMessages = (conversation: SimConversation): string[] =>
  conversation.events
    .filter(e => e.kind === 'MessageEvent' && e.source === 'user')
    .map(e => (e.llm_message as { content: Array<{ text: string }> }).content[0].text)

describe('the main step from the sources (in process)', () => {
  it('finishes with the cost and tokens of the log in its outputs and result.json, and stops the runtime; post has nothing left', async () => {
    const sim = await simulator()
    const job = jobFor(sim)
    const main = await mainInProcess(job)

    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe('finished')
    expect(main.code).toBe(0)
    expect(Number(main.outputs.cost)).toBeCloseTo(loggedCost(sim), 6)
    expect(main.outputs['prompt-tokens']).toBe(String(5200 + 6100 + 2400 + 6900))
    expect(main.outputs['completion-tokens']).toBe(String(180 + 140 + 310 + 95))
    expect(main.outputs['cache-read-tokens']).toBe(String(5100 + 6000))
    expect(main.stdout).toMatch(/^EXAMPLE_COST: 0\.0341$/m)
    expect(readJsonLines(main.outputs['events-file']).map(e => e.id)).toEqual(logIds(sim))
    const result = readJson(main.outputs['result-file'])
    expect(result).toMatchObject({
      status: 'finished',
      cost: 0.0341,
      prompt_tokens: 20600,
      completion_tokens: 725,
      cache_read_tokens: 11100,
      runtime_id: sim.runtimes[0].runtimeId,
      conversation_id: conversationOf(sim).id,
      event_count: logIds(sim).length
    })
    expect(resultSchemaErrors(result)).toEqual([])
    expect(job.summary()).toContain('✅ finished')
    expect(sim.runtimes[0].status).toBe('stopped')
    expect(runtimeCalls(sim, 'POST /stop')).toBe(1)

    const requestsBefore = sim.requests.length
    const post = await postInProcess(job)
    expect(post.code).toBe(0)
    expect(sim.requests).toHaveLength(requestsBefore)
  })

  it('names a bad input before any remote call, and leaves the process as it found it', async () => {
    const sim = await simulator()
    const job = jobFor(sim, { 'image-pull-policy': 'Sometimes' })
    const main = await mainInProcess(job)

    expect(main.code).toBe(1)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toContain("::error::Input 'image-pull-policy' must be one of Always, IfNotPresent, Never; got 'Sometimes'.")
    expect(job.summary()).toContain('Not started: the inputs are invalid.')
    expect(sim.requests).toEqual([])
    expect(process.exitCode).toBeUndefined()
    expect(process.env.INPUT_PROMPT).toBeUndefined()
    expect(process.env.GITHUB_OUTPUT).toBeUndefined()
  })

  it('max-cost: interrupts the agent once the cost passes it, as budget_exceeded, and releases the runtime', async () => {
    const sim = await simulator({ script: longScript })
    const main = await mainInProcess(jobFor(sim, { 'max-cost': '0.005' }))

    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe('budget_exceeded')
    expect(main.code).toBe(1)
    expect(main.stdout).toContain('The cost passed max-cost ($0.005): interrupting the agent.')
    // longScript spends $0.001 per LLM call: the run was stopped after the call that passed the budget, not at its end.
    expect(Number(main.outputs.cost)).toBeGreaterThan(0.005)
    expect(Number(main.outputs.cost)).toBeLessThan(0.01)
    expect(conversationOf(sim).executionStatus).toBe('paused')
    expect(sim.runtimes[0].status).toBe('stopped')
  })

  it('a pod that fails to start: error naming the pod status, the runtime stopped and marked released for post', async () => {
    const sim = await simulator({ faults: { podFailed: true } })
    const job = jobFor(sim)
    const main = await mainInProcess(job)

    expect(main.outputs.status).toBe('error')
    expect(main.code).toBe(1)
    expect(main.stdout).toContain(`::error::Runtime ${sim.runtimes[0].runtimeId} failed to start (pod status: failed).`)
    expect(readJson(main.outputs['result-file'])).toMatchObject({ status: 'error', runtime_id: sim.runtimes[0].runtimeId, conversation_id: null })
    expect(sim.runtimes.map(r => r.status)).toEqual(['stopped'])
    expect(runtimeCalls(sim, 'POST /stop')).toBe(1)
    expect(job.stateEnv()['STATE_runtime-released']).toBe('true')

    const requestsBefore = sim.requests.length
    expect((await postInProcess(job)).code).toBe(0)
    expect(sim.requests).toHaveLength(requestsBefore)
  })

  it('follow-up turns: each message after the previous run, each turn reported with its own final message', async () => {
    const secondTurn: AgentScript = {
      steps: [
        { type: 'llm', cost: 0.002, promptTokens: 800, completionTokens: 20 },
        { type: 'finish', message: 'Test added.' }
      ]
    }
    // The first run replaces the script as it ends: the follow-up turn runs the second one.
    const firstTurn: AgentScript = {
      steps: [...defaultScript.steps.slice(0, -1), { type: 'custom', action: () => void (sim.script = secondTurn) }, defaultScript.steps.at(-1)!]
    }
    const sim = await simulator({ script: firstTurn })
    const main = await mainInProcess(jobFor(sim, { 'follow-up': 'Now add a test for it.' }))

    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe('finished')
    expect(userMessages(conversationOf(sim))).toEqual(['Fix the failing test.', 'Now add a test for it.'])
    expect(conversationOf(sim).runCount).toBe(2)
    const result = readJson(main.outputs['result-file']) as {
      turns: Array<{ turn: number; status: string; cost: number; final_message: string }>
      cost: number
    }
    expect(result.turns.map(t => [t.turn, t.status, t.final_message])).toEqual([
      [1, 'finished', 'I fixed the bug in the parser and the tests pass.'],
      [2, 'finished', 'Test added.']
    ])
    expect(result.turns.map(t => t.cost)).toEqual([0.0341, 0.002])
    expect(main.outputs['final-message']).toBe('Test added.')
  })

  it('SIGINT mid-run: cancelled, the agent interrupted, the runtime stopped, no signal listener left behind', async () => {
    const listeners = process.listenerCount('SIGINT')
    const sim = await simulator({
      script: {
        steps: [
          { type: 'llm', cost: 0.001, promptTokens: 500, completionTokens: 10 },
          { type: 'custom', action: () => void process.emit('SIGINT', 'SIGINT') },
          ...longScript.steps
        ]
      }
    })
    const main = await mainInProcess(jobFor(sim))

    expect(main.outputs.status, main.stdout.slice(-2_000)).toBe('cancelled')
    expect(main.code).toBe(1)
    expect(main.stdout).toContain('Received SIGINT: cancelling the run.')
    expect(sim.requests.some(r => r.method === 'POST' && r.path.endsWith('/interrupt'))).toBe(true)
    expect(sim.runtimes.map(r => r.status)).toEqual(['stopped'])
    expect(process.listenerCount('SIGINT')).toBe(listeners)
  })
})
