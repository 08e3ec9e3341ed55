import { describe, expect, it } from 'vitest'
import { describeFailure, settleLastTurn, statusOf, totalsSince, usageOf, type TurnResult } from '../../src/conversation/outcome.js'

const limits = { runTimeoutMs: 30 * 60_000, idleTimeoutMs: 5 * 60_000, maxCost: 1.5 }

describe('the status a run ends with', () => {
  it('takes the server execution status when the run ended by itself', () => {
    expect(statusOf('ended', 'finished')).toBe('finished')
    expect(statusOf('ended', 'stuck')).toBe('stuck')
    // A run that stopped as paused, errored or unknown did not finish its task.
    for (const status of ['error', 'paused', 'waiting_for_confirmation', undefined]) expect(statusOf('ended', status)).toBe('error')
  })

  it('takes the limit or the cancel that ended it, whatever the server said last', () => {
    expect(statusOf('timeout', 'running')).toBe('timeout')
    expect(statusOf('idle', 'running')).toBe('timeout')
    expect(statusOf('budget_exceeded', 'finished')).toBe('budget_exceeded')
    expect(statusOf('cancelled', 'running')).toBe('cancelled')
    expect(statusOf('failed', 'finished')).toBe('error')
  })

  it('names the limit and its value as the error', () => {
    expect(describeFailure('timeout', 'timeout', 'running', undefined, limits)).toBe('timeout-minutes (30) reached.')
    expect(describeFailure('timeout', 'idle', 'running', undefined, limits)).toBe('No event for 5 minutes (idle-timeout).')
    expect(describeFailure('budget_exceeded', 'budget_exceeded', 'paused', undefined, limits)).toBe('The cost passed max-cost ($1.5).')
    expect(describeFailure('stuck', 'ended', 'stuck', undefined, limits)).toMatch(/stuck detector/)
    expect(describeFailure('error', 'ended', 'error', 'LLMError: rate limited', limits)).toBe('LLMError: rate limited')
    expect(describeFailure('error', 'ended', 'paused', undefined, limits)).toBe('The conversation ended with status paused.')
    expect(describeFailure('finished', 'ended', 'finished', 'an old error', limits)).toBeUndefined()
  })
})

describe('what each turn and each LLM cost', () => {
  const turn = (n: number, cost: number, prompt: number): TurnResult => ({
    turn: n,
    status: 'finished',
    cost,
    prompt_tokens: prompt,
    completion_tokens: 0,
    started_at: '',
    duration_seconds: 1,
    final_message: ''
  })

  it('gives the last turn what the earlier turns did not use of the settled totals', () => {
    const totals = { cost: 0.5, promptTokens: 900, completionTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 }
    const settled = settleLastTurn([turn(1, 0.2, 400), turn(2, 0.1, 100)], totals, 'timeout', 'last words')
    expect(settled.map(t => [t.cost, t.prompt_tokens, t.completion_tokens])).toEqual([
      [0.2, 400, 0],
      [0.3, 500, 40]
    ])
    expect(settled[1]).toMatchObject({ status: 'timeout', final_message: 'last words' })
    expect(settleLastTurn([], totals, 'finished', '')).toEqual([])
  })

  it('counts only what a continued conversation added since the attempt began', () => {
    const metrics = (cost: number, prompt: number) => ({
      accumulated_cost: cost,
      model_name: 'm',
      accumulated_token_usage: { prompt_tokens: prompt, completion_tokens: 1 }
    })
    const prior = { usage_to_metrics: { agent: metrics(0.25, 1000) } }
    const now = { usage_to_metrics: { agent: metrics(0.75, 3000), condenser: metrics(0.1, 200) } }
    expect(totalsSince(now, prior)).toMatchObject({ cost: 0.6, promptTokens: 2200, completionTokens: 1 })
    expect(usageOf(now, prior)).toEqual([
      { usage_id: 'agent', model: 'm', cost: 0.5, prompt_tokens: 2000, completion_tokens: 0, cache_read_tokens: 0 },
      { usage_id: 'condenser', model: 'm', cost: 0.1, prompt_tokens: 200, completion_tokens: 1, cache_read_tokens: 0 }
    ])
  })
})
