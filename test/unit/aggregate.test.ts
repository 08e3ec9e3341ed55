import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aggregateResults, renderAggregate, writeAggregate } from '../../src/modes/aggregate.js'
import type { Aggregate } from '../../src/modes/aggregate-types.js'
import type { RunResult } from '../../src/report/result.js'
import { sampleResult } from '../harness/fixtures.js'

const result = (over: Partial<RunResult> = {}): RunResult => sampleResult({ final_message: 'Done.', ...over })

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ohrr-aggregate-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Writes `<dir>/<path>/result.json` as download-artifact lays artifacts out. */
function put(path: string, content: RunResult | string): string {
  mkdirSync(join(dir, path), { recursive: true })
  const file = join(dir, path, 'result.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  writeFileSync(join(dir, path, 'events.jsonl'), '{}\n')
  return file
}

const cellsOf = (a: Aggregate): Record<string, string> => Object.fromEntries(a.cells.map(c => [c.cell, c.status]))

describe('aggregateResults', () => {
  it('makes one row per artifact folder, names failures, and sums the cells', async () => {
    const finished1 = put('results/openhands-agent-task-01', result({ cost: 0.0341, prompt_tokens: 20600, completion_tokens: 725, duration_seconds: 83.2 }))
    put('results/openhands-agent-task-02', result({ cost: 0.0123, prompt_tokens: 5200, completion_tokens: 180, duration_seconds: 40.5 }))
    put(
      'results/openhands-agent-task-03',
      result({
        status: 'error',
        error: 'Agent reached the maximum number of iterations (2).',
        cost: 0.004,
        prompt_tokens: 3000,
        completion_tokens: 90,
        duration_seconds: 12.1
      })
    )
    put(
      'results/openhands-agent-task-04',
      result({ status: 'timeout', error: null, cost: 0.2, prompt_tokens: 90000, completion_tokens: 4000, duration_seconds: 3600 })
    )
    put('results/openhands-agent-task-05', '{"schema_version": 1, "status": "finis')
    put('results/openhands-agent-task-06', JSON.stringify({ ...result(), schema_version: 3 }))
    put('results/openhands-agent-task-07', JSON.stringify({ ...result(), cost: 'a lot' }))
    put(
      'results/openhands-agent-task-10',
      result({
        status: 'budget_exceeded',
        error: 'Cost $1.02 passed max-cost $1.',
        cost: 1.02,
        prompt_tokens: 400000,
        completion_tokens: 9000,
        duration_seconds: 900
      })
    )

    const aggregate = await aggregateResults({
      patterns: ['results/**/result.json'],
      expectedCells: ['openhands-agent-task-01', 'openhands-agent-task-02', 'openhands-agent-task-08', 'openhands-agent-task-09'],
      cwd: dir
    })

    // Natural order (task-10 after task-09), expected cells that never reported are rows too.
    expect(aggregate.cells.map(c => c.cell)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(n => `openhands-agent-task-${String(n).padStart(2, '0')}`))
    expect(cellsOf(aggregate)).toMatchObject({
      'openhands-agent-task-01': 'finished',
      'openhands-agent-task-03': 'error',
      'openhands-agent-task-04': 'timeout',
      'openhands-agent-task-05': 'invalid',
      'openhands-agent-task-06': 'invalid',
      'openhands-agent-task-07': 'invalid',
      'openhands-agent-task-08': 'missing',
      'openhands-agent-task-10': 'budget_exceeded'
    })
    const cell = (name: string) => aggregate.cells.find(c => c.cell === `openhands-agent-task-${name}`)!
    expect(cell('01')).toEqual({
      cell: 'openhands-agent-task-01',
      file: finished1,
      status: 'finished',
      cost: 0.0341,
      promptTokens: 20600,
      completionTokens: 725,
      durationSeconds: 83.2,
      error: null
    })
    expect(cell('03').error).toBe('Agent reached the maximum number of iterations (2).')
    expect(cell('04').error).toBe('status timeout')
    expect(cell('05').error).toMatch(/^result\.json not JSON/)
    expect(cell('06').error).toBe('result.json has schema_version 3, expected 1 or 2')
    expect(cell('07').error).toBe('result.json has no valid cost ("a lot")')
    expect(cell('08')).toMatchObject({ file: null, cost: 0, error: 'no result.json: the cell never reported' })

    const sum = (pick: (c: (typeof aggregate.cells)[number]) => number) => aggregate.cells.reduce((t, c) => t + pick(c), 0)
    expect(aggregate.totals).toEqual({
      cells: 10,
      finished: 2,
      failed: 8,
      missing: 2,
      cost: expect.closeTo(
        sum(c => c.cost),
        9
      ),
      prompt_tokens: sum(c => c.promptTokens),
      completion_tokens: sum(c => c.completionTokens),
      duration_seconds: expect.closeTo(
        sum(c => c.durationSeconds),
        6
      )
    })
    expect(aggregate.totals.cost).toBe(1.2704)
    expect(aggregate.totals.prompt_tokens).toBe(20600 + 5200 + 3000 + 90000 + 400000)
    expect(aggregate.success_rate).toBe(0.2)
    expect(aggregate.cost_per_success).toBe(0.6352)
  })

  it('takes the latest attempt of a re-run cell, and names same-named folders by their path', async () => {
    put('openhands-agent-a', result({ status: 'error', error: 'first try' }))
    put('openhands-agent-a-attempt-3', result({ cost: 0.03 }))
    put('openhands-agent-a-attempt-2', result({ status: 'error', error: 'second try' }))
    put('x/openhands-agent-b', result())
    put('y/openhands-agent-b', result({ status: 'stuck' }))

    const aggregate = await aggregateResults({ patterns: ['**/result.json'], expectedCells: ['openhands-agent-a'], cwd: dir })

    expect(cellsOf(aggregate)).toEqual({ 'openhands-agent-a': 'finished', 'x/openhands-agent-b': 'finished', 'y/openhands-agent-b': 'stuck' })
    expect(aggregate.cells[0]).toMatchObject({ cost: 0.03, file: join(dir, 'openhands-agent-a-attempt-3', 'result.json') })
    expect(aggregate.totals.missing).toBe(0)
  })

  it('takes several globs, with negation, relative to cwd; expected cells may be comma-split by the caller', async () => {
    put('one/openhands-j-x', result())
    put('two/openhands-j-y', result())
    put('three/openhands-j-z', result())
    const aggregate = await aggregateResults({
      patterns: ['one/*/result.json', 'two/**/result.json', '!two/openhands-j-y/result.json', ''],
      expectedCells: [' openhands-j-x ', ''],
      cwd: dir
    })
    expect(cellsOf(aggregate)).toEqual({ 'openhands-j-x': 'finished' })
  })

  it('with no success, reports no cost per success; with nothing found, an empty aggregate', async () => {
    put('openhands-agent-1', result({ status: 'cancelled', error: 'The job was cancelled.', cost: 0.01 }))
    const failedOnly = await aggregateResults({ patterns: ['**/result.json'], expectedCells: [], cwd: dir })
    expect(failedOnly.success_rate).toBe(0)
    expect(failedOnly.cost_per_success).toBeNull()
    expect(failedOnly.totals).toMatchObject({ cells: 1, finished: 0, failed: 1, missing: 0, cost: 0.01 })

    const none = await aggregateResults({ patterns: ['nowhere/**/result.json'], expectedCells: [], cwd: dir })
    expect(none).toEqual({
      schema_version: 2,
      cells: [],
      totals: { cells: 0, finished: 0, failed: 0, missing: 0, cost: 0, prompt_tokens: 0, completion_tokens: 0, duration_seconds: 0 },
      success_rate: 0,
      cost_per_success: null,
      comparison: null
    })
    expect(renderAggregate(none)).toContain('_no result.json found_')
  })
})

describe('renderAggregate and writeAggregate', () => {
  it('renders one table with every cell and a totals line, and writes aggregate.json', async () => {
    put('openhands-agent-ok', result())
    put('openhands-agent-bad', result({ status: 'error', error: 'pipe | in <here>\nand @someone mentioned' }))
    const aggregate = await aggregateResults({ patterns: ['**/result.json'], expectedCells: ['openhands-agent-gone'], cwd: dir })
    const md = renderAggregate(aggregate)

    expect(md.startsWith('## OpenHands matrix results\n')).toBe(true)
    expect(md.match(/^\|---/gm)).toHaveLength(1)
    expect(md).toContain('| `openhands-agent-ok` | ✅ finished | $0.0341 | 20,600 | 725 | 1m 23s |  |')
    expect(md).toContain('| `openhands-agent-bad` | ❌ error | $0.0341 | 20,600 | 725 | 1m 23s | pipe \\| in &lt;here&gt; and @\u200Dsomeone mentioned |')
    expect(md).toContain('| `openhands-agent-gone` | ❓ missing | — | — | — | — | no result.json: the cell never reported |')
    expect(md).toContain('**3 cells:** 1 finished, 2 failed (1 missing) · **success rate** 33.3% · **cost** $0.0682 ($0.0682 per success)')

    const file = join(dir, 'aggregate.json')
    writeAggregate(aggregate, file)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(aggregate)
  })
})
