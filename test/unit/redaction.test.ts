import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventLog } from '../../src/event-log.js'
import { renderFinalComment } from '../../src/report/comment.js'
import { commentMarker } from '../../src/naming.js'
import { setRunOutputs } from '../../src/report/outputs.js'
import { writeResultFile } from '../../src/report/result.js'
import { renderSummary } from '../../src/report/summary.js'
import { addSecret, redactValue } from '../../src/secrets.js'
import { parseFileCommand } from '../harness/runner.js'
import { sampleResult } from '../harness/fixtures.js'

/** `sandbox-secrets: MODE=null` and `PIN=2060`: short secrets that match JSON literals and numbers. */
let dir = ''
beforeAll(() => {
  addSecret('null')
  addSecret('2060')
  dir = mkdtempSync(join(tmpdir(), 'ohrr-redaction-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const result = () =>
  sampleResult({ prompt_tokens: 20600, completion_tokens: 2060, result_file: join(dir, 'result.json'), final_message: 'The PIN is 2060.', patch_file: null })

describe('redaction keeps structure, numbers and keys', () => {
  it('redacts string values only', () => {
    expect(redactValue({ null: null, n: 2060, s: 'pin 2060', list: ['null', 1] })).toEqual({ null: null, n: 2060, s: 'pin ***', list: ['***', 1] })
  })

  it('result.json stays valid JSON with its numbers', () => {
    writeResultFile(result())
    const written = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record<string, unknown>
    expect(written).toMatchObject({ prompt_tokens: 20600, completion_tokens: 2060, patch_file: null, final_message: 'The PIN is ***.' })
  })

  it('events.jsonl stays valid JSON lines', () => {
    const log = new EventLog(join(dir, 'events.jsonl'))
    const event = {
      id: 'e1',
      kind: 'ConversationStateUpdateEvent',
      key: 'stats',
      value: { usage_to_metrics: { agent: { accumulated_cost: 0.206, accumulated_token_usage: { prompt_tokens: 2060 } } } },
      extra: null
    }
    const message = { id: 'e2', kind: 'MessageEvent', source: 'agent', llm_message: { content: [{ type: 'text', text: 'PIN 2060' }] }, tool: null }
    log.record(event, JSON.stringify(event))
    log.record(message, JSON.stringify(message))
    log.close()
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line) as Record<string, unknown>)
    expect(lines[0]).toEqual(event)
    expect(JSON.stringify(lines[1])).toContain('"text":"PIN ***"')
    expect(lines[1].tool).toBeNull()
  })

  it('number outputs stay numbers; text outputs are redacted', () => {
    const file = join(dir, 'github_output')
    writeFileSync(file, '')
    const before = process.env.GITHUB_OUTPUT
    process.env.GITHUB_OUTPUT = file
    try {
      setRunOutputs(result())
    } finally {
      process.env.GITHUB_OUTPUT = before
    }
    const outputs = parseFileCommand(readFileSync(file, 'utf8'))
    expect(outputs).toMatchObject({ 'prompt-tokens': '20600', 'completion-tokens': '2060', 'final-message': 'The PIN is ***.' })
  })

  it('the summary and the comment keep their numbers', () => {
    expect(renderSummary(result())).toContain('20,600 prompt, 2,060 completion')
    expect(renderSummary(result())).toContain('The PIN is ***.')
    const comment = renderFinalComment(commentMarker('k'), result(), {})
    expect(comment).toContain('20,600 prompt · 2,060 completion')
    expect(comment).toContain('The PIN is ***.')
  })
})
