import { describe, expect, it } from 'vitest'
import { capabilitiesOf } from '../../src/agent-server/capabilities.js'
import { describeEvent, finishMessage } from '../../src/agent-server/describe.js'
import { totalsOf } from '../../src/agent-server/types.js'

describe('capabilitiesOf', () => {
  it('follows the version table of protocol.md B.14', () => {
    expect(capabilitiesOf('1.11.4')).toMatchObject({ firstMessageAuth: false, finalResponse: false, interrupt: false })
    expect(capabilitiesOf('1.17.0')).toMatchObject({ firstMessageAuth: false, finalResponse: true, interrupt: false })
    expect(capabilitiesOf('1.18.0')).toMatchObject({ firstMessageAuth: false })
    expect(capabilitiesOf('1.18.1')).toMatchObject({ firstMessageAuth: true, interrupt: false })
    expect(capabilitiesOf('v1.23.0')).toMatchObject({ firstMessageAuth: true, finalResponse: true, interrupt: true })
    expect(capabilitiesOf('2.0.0')).toMatchObject({ firstMessageAuth: true, finalResponse: true, interrupt: true })
  })
  it('takes an unknown version as current', () => {
    expect(capabilitiesOf(undefined)).toMatchObject({ version: 'unknown', firstMessageAuth: true, interrupt: true })
    expect(capabilitiesOf('dev')).toMatchObject({ firstMessageAuth: true })
  })
})

describe('totalsOf', () => {
  it('sums cost and tokens over every usage id', () => {
    const totals = totalsOf({
      usage_to_metrics: {
        agent: { accumulated_cost: 0.0123, accumulated_token_usage: { prompt_tokens: 1200, completion_tokens: 80, cache_read_tokens: 300 } },
        condenser: { accumulated_cost: 0.002, accumulated_token_usage: { prompt_tokens: 500, completion_tokens: 20 } }
      }
    })
    expect(totals.cost).toBeCloseTo(0.0143, 10)
    expect(totals).toMatchObject({ promptTokens: 1700, completionTokens: 100, cacheReadTokens: 300 })
    expect(totalsOf(undefined).cost).toBe(0)
  })
})

describe('describeEvent', () => {
  it("keeps the model's own summary of an action, not the one v1.58.2 makes of the tool's arguments", () => {
    const edit = { command: 'str_replace', path: '/w/calc.py', kind: 'FileEditorAction' }
    const made = `file_editor: ${JSON.stringify({ command: 'str_replace', path: '/w/calc.py' })}`
    expect(describeEvent({ id: '1', kind: 'ActionEvent', tool_name: 'file_editor', action: edit, summary: made })).toBe(
      '[action] file_editor: str_replace /w/calc.py'
    )
    expect(describeEvent({ id: '2', kind: 'ActionEvent', tool_name: 'file_editor', action: edit, summary: 'fix add()' })).toBe(
      '[action] file_editor: str_replace /w/calc.py (fix add())'
    )
  })

  it('gives one readable line for actions, observations and errors', () => {
    expect(describeEvent({ id: '1', kind: 'ActionEvent', tool_name: 'terminal', action: { kind: 'TerminalAction', command: 'ls -la' } })).toBe(
      '[action] terminal: $ ls -la'
    )
    expect(
      describeEvent({
        id: '2',
        kind: 'ObservationEvent',
        tool_name: 'terminal',
        observation: { kind: 'TerminalObservation', exit_code: 2, content: [{ type: 'text', text: 'oops' }] }
      })
    ).toBe('[observation] terminal: exit 2, 4 chars')
    expect(describeEvent({ id: '3', kind: 'ConversationErrorEvent', code: 'MaxIterationsReached', detail: 'limit 5' })).toBe(
      '[error] MaxIterationsReached: limit 5'
    )
    expect(describeEvent({ id: '4', kind: 'SystemPromptEvent' })).toBeUndefined()
    expect(describeEvent({ id: '5', kind: 'SomethingNew' })).toBe('[SomethingNew]')
  })
  it('finds the FinishAction message', () => {
    const finish = { id: '6', kind: 'ActionEvent', tool_name: 'finish', action: { kind: 'FinishAction', message: 'Done.' } }
    expect(finishMessage(finish)).toBe('Done.')
    expect(describeEvent(finish)).toBe('[finish] Done.')
    expect(finishMessage({ id: '7', kind: 'ActionEvent', action: null })).toBeUndefined()
  })
})
