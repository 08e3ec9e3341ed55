import { describe, expect, it } from 'vitest'
import { RunWatcher } from '../../src/agent-server/run-watcher.js'

const field = (key: string, value: unknown) => ({ id: Math.random().toString(), kind: 'ConversationStateUpdateEvent', key, value })

describe('RunWatcher (protocol.md B.9 completion rules)', () => {
  it('ignores the initial idle snapshot and any snapshot before /run', () => {
    const w = new RunWatcher(() => undefined)
    w.observeSnapshot({ execution_status: 'idle' })
    w.observeSnapshot({ execution_status: 'finished' })
    expect(w.ended).toBeUndefined()
    w.runRequested()
    w.observeSnapshot({ execution_status: 'idle' })
    w.observeSnapshot({ execution_status: 'running' })
    expect(w.ended).toBeUndefined()
  })

  it('after /run has answered, an idle snapshot ends the run, as the SDK client decides', () => {
    const w = new RunWatcher(() => undefined)
    w.runRequested()
    w.runStarted()
    w.observeSnapshot({ execution_status: 'running' })
    expect(w.ended).toBeUndefined()
    w.observeSnapshot({ execution_status: 'idle' })
    expect(w.ended).toBe('idle')
  })

  it('ends on a post-run snapshot with a stopped status', () => {
    let calls = 0
    const w = new RunWatcher(() => calls++)
    w.runRequested()
    w.observeSnapshot({ execution_status: 'finished', stats: { usage_to_metrics: { agent: { accumulated_cost: 1 } } } })
    expect(w.ended).toBe('finished')
    expect(w.stats?.usage_to_metrics?.agent.accumulated_cost).toBe(1)
    w.observeSnapshot({ execution_status: 'finished' })
    expect(calls).toBe(1)
  })

  it('treats a per-field finished as a hint only, but per-field error or stuck as the end', () => {
    const w = new RunWatcher(() => undefined)
    w.runRequested()
    w.observeEvent(field('execution_status', 'finished'))
    expect(w.ended).toBeUndefined()
    w.observeEvent(field('execution_status', 'running'))
    w.observeEvent(field('execution_status', 'stuck'))
    expect(w.ended).toBe('stuck')
  })

  it('accepts a stopped status seen only over REST once it has held for the grace period', () => {
    const w = new RunWatcher(() => undefined, 30_000)
    w.runRequested()
    w.observePoll({ execution_status: 'finished' }, 1_000)
    w.observePoll({ execution_status: 'finished' }, 20_000)
    expect(w.ended).toBeUndefined()
    w.observePoll({ execution_status: 'running' }, 25_000) // a stop hook resumed it: the clock restarts
    w.observePoll({ execution_status: 'finished' }, 40_000)
    w.observePoll({ execution_status: 'finished' }, 69_000)
    expect(w.ended).toBeUndefined()
    w.observePoll({ execution_status: 'finished' }, 70_000)
    expect(w.ended).toBe('finished')
  })

  it('ends at once on an error seen over REST', () => {
    const w = new RunWatcher(() => undefined)
    w.runRequested()
    w.observePoll({ execution_status: 'error' }, 0)
    expect(w.ended).toBe('error')
  })

  it('keeps the latest stats from per-field updates', () => {
    const w = new RunWatcher(() => undefined)
    w.observeEvent(field('stats', { usage_to_metrics: { agent: { accumulated_cost: 0.5 } } }))
    w.observeEvent(field('stats', { usage_to_metrics: { agent: { accumulated_cost: 0.7 }, condenser: { accumulated_cost: 0.1 } } }))
    expect(Object.keys(w.stats?.usage_to_metrics ?? {})).toEqual(['agent', 'condenser'])
  })
})
