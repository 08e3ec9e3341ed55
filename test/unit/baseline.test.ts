import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aggregateResults, writeAggregate } from '../../src/modes/aggregate.js'
import type { Aggregate } from '../../src/modes/aggregate-types.js'
import { compareAggregates, readBaseline, renderComparison } from '../../src/modes/baseline.js'
import { fitComment } from '../../src/modes/index.js'
import { COMMENT_LIMIT } from '../../src/report/comment.js'
import { LAST_NIGHT, sampleResult, TONIGHT, type Night } from '../harness/fixtures.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ohrr-baseline-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function night(name: string, cells: Night): Promise<Aggregate> {
  for (const [cell, over] of Object.entries(cells)) {
    mkdirSync(join(dir, name, cell), { recursive: true })
    writeFileSync(join(dir, name, cell, 'result.json'), JSON.stringify(sampleResult(over)))
  }
  return aggregateResults({ patterns: [`${name}/*/result.json`], expectedCells: [], cwd: dir })
}

describe('compareAggregates', () => {
  it('finds the regression, the fix, the new and vanished cells and the doubled cost', async () => {
    const then = await night('then', LAST_NIGHT)
    const now = await night('now', TONIGHT)
    const comparison = compareAggregates(now, then, { baselineFile: 'baseline/aggregate.json', thresholdPercent: 25 })
    expect(comparison).toMatchObject({
      regressed: ['eval-b'],
      fixed: ['eval-c'],
      new_cells: ['eval-f'],
      vanished: ['eval-d'],
      cost_changes: ['eval-e'],
      totals: { then: { cells: 5, finished: 4, success_rate: 0.8, cost: 0.5 }, now: { cells: 5, finished: 4, success_rate: 0.8, cost: 0.56 } }
    })
    const cell = (name: string) => comparison.cells.find(c => c.cell === name)!
    expect(cell('eval-e')).toEqual({
      cell: 'eval-e',
      change: 'same',
      then: { status: 'finished', cost: 0.1, tokens: 21325, duration_seconds: 60 },
      now: { status: 'finished', cost: 0.2, tokens: 21325, duration_seconds: 60 },
      cost_change: 0.1,
      cost_change_percent: 100,
      cost_flagged: true
    })
    expect(cell('eval-a')).toMatchObject({ change: 'same', cost_change_percent: 10, cost_flagged: false })
    expect(cell('eval-f')).toMatchObject({ change: 'new', then: null, cost_change: null, cost_flagged: false })
    expect(cell('eval-d')).toMatchObject({ change: 'vanished', now: null })
    // A lower threshold lists the 10% move too; the cells keep tonight's order, vanished ones last.
    expect(compareAggregates(now, then, { baselineFile: 'x', thresholdPercent: 5 }).cost_changes).toEqual(['eval-a', 'eval-e'])
    expect(comparison.cells.map(c => c.cell)).toEqual(['eval-a', 'eval-b', 'eval-c', 'eval-e', 'eval-f', 'eval-d'])
  })

  it('renders what changed first, each in its place, then the totals, the charts and every cell', async () => {
    const comparison = compareAggregates(await night('now', TONIGHT), await night('then', LAST_NIGHT), {
      baselineFile: 'baseline/aggregate.json',
      thresholdPercent: 25
    })
    const md = renderComparison(comparison)
    const at = (text: string): number => {
      expect(md).toContain(text)
      return md.indexOf(text)
    }
    const order = [
      at('**❌ Regressed (1)**\n\n- `eval-b`: finished → error'),
      at('**✅ Fixed (1)**\n\n- `eval-c`: error → finished'),
      at('**🆕 New (1)**\n\n- `eval-f`: finished, $0.0500'),
      at('**👻 Vanished (1)**\n\n- `eval-d`: was finished, $0.1000'),
      at('**💸 Cost changed by more than 25% (1)**\n\n- `eval-e`: $0.1000 → $0.2000 (+100%)'),
      at('**Success rate** 80.0% → 80.0% (4 of 5 → 4 of 5) · **total cost** $0.5000 → $0.5600 (+12%)'),
      at('```mermaid\nxychart-beta horizontal'),
      at('| Cell | Change | Status then → now |'),
      at('| `eval-e` |  | finished → finished | $0.1000 | $0.2000 | +$0.1000 (+100%) 💸 | 21,325 → 21,325 | 1m 0s → 1m 0s |')
    ]
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(md).toContain('| `eval-d` | 👻 vanished | finished → — | $0.1000 | — | — | 21,325 → — | 1m 0s → — |')
    expect(md).toContain('| `eval-b` | ❌ regressed | finished → error |')
    expect(md.endsWith(' |\n\n')).toBe(true)
  })

  it('says so when nothing changed', async () => {
    const same = await night('then', LAST_NIGHT)
    const md = renderComparison(compareAggregates(same, same, { baselineFile: 'b.json', thresholdPercent: 25 }))
    expect(md).toContain('No cell regressed, got fixed, appeared, vanished or changed its cost beyond the threshold.')
    expect(md).not.toContain('Regressed (')
  })
})

describe('readBaseline', () => {
  it('reads a baseline aggregate.json, the newest of several matches', async () => {
    const aggregate = await night('then', LAST_NIGHT)
    mkdirSync(join(dir, 'baseline', 'old'), { recursive: true })
    writeAggregate({ ...aggregate, cells: [] }, join(dir, 'baseline', 'old', 'aggregate.json'))
    await new Promise(resolve => setTimeout(resolve, 20))
    writeAggregate(aggregate, join(dir, 'baseline', 'aggregate.json'))
    const read = await readBaseline('baseline/**/aggregate.json', dir)
    expect(read).toEqual({ aggregate, file: join(dir, 'baseline', 'aggregate.json') })
  })

  it.each([
    ['not JSON', '{"schema_version": 2, "cel', /cannot be read as JSON/],
    ['another schema version', JSON.stringify({ schema_version: 3, cells: [] }), /has schema_version 3; this action reads aggregate\.json versions 1 and 2/],
    ['no cells', JSON.stringify({ schema_version: 2 }), /has no cells/],
    ['a result.json instead', JSON.stringify(sampleResult()), /has no cells/],
    [
      'a broken cell',
      JSON.stringify({ schema_version: 1, cells: [{ cell: 'a', status: 'finished', cost: 'lots' }] }),
      /has a cell that is not one of aggregate\.json/
    ]
  ])('names the problem of a baseline with %s', async (_name, content, problem) => {
    writeFileSync(join(dir, 'aggregate.json'), content)
    const read = await readBaseline('aggregate.json', dir)
    expect(read).toMatchObject({ found: true, problem: expect.stringMatching(problem) as unknown })
  })

  it('says when nothing matches', async () => {
    expect(await readBaseline('baseline/**/aggregate.json', dir)).toEqual({ found: false, problem: "no file matches baseline 'baseline/**/aggregate.json'" })
  })
})

describe('the aggregate comment', () => {
  it('drops the pictures, then cuts the table, to stay under GitHub’s limit', () => {
    const picture = `\`\`\`mermaid\npie title x\n${'  "a" : 1\n'.repeat(1_000)}\`\`\`\n\n`
    const table = '| `cell` | ✅ finished |\n'
    expect(fitComment(picture + table)).toBe(picture + table)
    const big = picture + table.repeat(1_500) + picture + table.repeat(1_000)
    expect(big.length).toBeGreaterThan(COMMENT_LIMIT)
    expect(fitComment(big)).toBe(table.repeat(2_500))
    const huge = fitComment(picture + table.repeat(5_000))
    expect(huge.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(huge).not.toContain('```mermaid')
    expect(huge.endsWith('(cut to fit a comment; the whole table is in the step summary and aggregate.json)\n')).toBe(true)
  })
})
