import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { aggregateResults, renderAggregate } from '../../src/modes/aggregate.js'
import { COMMENT_LIMIT, renderFinalComment } from '../../src/report/comment.js'
import { commentMarker } from '../../src/naming.js'
import { barChart, gantt, MAX_DIAGRAM_CHARS, MAX_DIAGRAM_ITEMS, pie } from '../../src/report/mermaid.js'
import type { RunResult } from '../../src/report/result.js'
import { renderUsage } from '../../src/report/run-details.js'
import { renderSummary } from '../../src/report/summary.js'
import { sampleResult } from '../harness/fixtures.js'
import { markdownDiagramProblems, mermaidBlocks, mermaidProblem } from '../harness/mermaid.js'
import { REPO_ROOT } from '../harness/runner.js'

/** Names that break a diagram unless they are cleaned: quotes, separators, comments, keywords, line breaks. */
const NASTY = ['say "hi"', 'a: b; c # d', 'section x', 'title y', '%% comment', 'line\nbreak', 'back\\slash [x] {y}', '@octocat 日本語 ✅', '']

function multiTurn(over: Partial<RunResult> = {}): RunResult {
  const turns = [1, 2, 3].map(turn => ({
    turn,
    status: turn === 3 ? ('error' as const) : ('finished' as const),
    cost: 0.01 * turn,
    prompt_tokens: 1000 * turn,
    completion_tokens: 100 * turn,
    started_at: new Date(Date.parse('2026-11-28T10:00:21.000Z') + (turn - 1) * 20_000).toISOString(),
    duration_seconds: 19.5,
    final_message: `turn ${turn}`
  }))
  const usage = NASTY.map((id, i) => ({
    usage_id: id || 'agent',
    model: null,
    cost: 0.001 * (i + 1),
    prompt_tokens: 10,
    completion_tokens: 1,
    cache_read_tokens: 0
  }))
  return sampleResult({ turns, usage, ...over })
}

describe('the mermaid check', () => {
  it('fails on invalid diagrams (negative controls)', async () => {
    expect(await mermaidProblem('xychart-beta\n  x-axis [a, b\n  bar [1, 2]')).toMatch(/Parse error/)
    expect(await mermaidProblem('not-a-diagram\n  a --> b')).toMatch(/No diagram type detected/)
    // Parses, but a task ends before it starts: the gantt's own date computation tells.
    expect(await mermaidProblem('gantt\n  dateFormat x\n  section A\n  task a: b : 0, 100')).toMatch(/no valid time span/)
    // A quote left in a label breaks the chart: what the builders' cleaning prevents.
    expect(await mermaidProblem('xychart-beta\n  x-axis ["say "hi""]\n  bar [1]')).toBeDefined()
    expect(await markdownDiagramProblems('text\n\n```mermaid\npie title x\n  "a" : -1\n```\n')).toHaveLength(1)
    expect(await mermaidProblem('pie title fine\n  "a" : 1\n  "b" : 2')).toBeUndefined()
  })
})

describe('diagram builders', () => {
  it('clean every label so the diagram stays valid', async () => {
    const chart = barChart('Cost "per" cell', NASTY, 'US"D', [
      { kind: 'bar', values: NASTY.map((_, i) => i / 3) },
      { kind: 'line', values: NASTY.map(() => 0) }
    ])
    const timeline = gantt('Run # 1; "x"', [
      { name: 'section: a # b', tasks: NASTY.map((label, i) => ({ label, startMs: i * 1000, endMs: i * 1000 + 500, failed: i % 2 === 0 })) },
      { name: 'empty', tasks: [] }
    ])
    const slices = pie(
      'Share: "all"',
      NASTY.map((label, i) => ({ label, value: i + 1 }))
    )
    for (const diagram of [chart, timeline, slices]) {
      expect(diagram).toBeDefined()
      expect(await mermaidProblem(diagram!)).toBeUndefined()
    }
  })

  it('draw all-zero charts and zero-length phases', async () => {
    const zero = barChart('Cost', ['a', 'b'], 'USD', [{ kind: 'bar', values: [0, 0] }])
    const instant = gantt('t', [{ name: 's', tasks: [{ label: 'instant', startMs: 5, endMs: 5 }] }])
    expect(await mermaidProblem(zero!)).toBeUndefined()
    expect(await mermaidProblem(instant!)).toBeUndefined()
  })

  it('leave a picture out when it would be too large, and the table stays', () => {
    const many = Array.from({ length: MAX_DIAGRAM_ITEMS + 1 }, (_, i) => `cell-${i}`)
    expect(barChart('c', many, 'USD', [{ kind: 'bar', values: many.map(() => 1) }])).toBeUndefined()
    expect(gantt('t', [{ name: 's', tasks: many.map(label => ({ label, startMs: 0, endMs: 1 })) }])).toBeUndefined()
    expect(pie('p', [{ label: 'only', value: 1 }])).toBeUndefined()
    const long = Array.from({ length: MAX_DIAGRAM_ITEMS }, (_, i) => `${'x'.repeat(400)}${i}`)
    expect(gantt('t', [{ name: 's', tasks: long.map(label => ({ label, startMs: 0, endMs: 1 })) }])).toBeDefined() // labels are cut to a readable length
    const turns = Array.from({ length: 60 }, (_, i) => ({ ...multiTurn().turns[0], turn: i + 1 }))
    const usage = renderUsage(multiTurn({ turns }))
    expect(usage).toContain('| 60 | `finished` |')
    expect(usage).not.toContain('xychart-beta')
  })
})

describe('the reports’ diagrams', () => {
  it('summary and comment of runs of every shape hold only valid diagrams, each within the limit', async () => {
    const shapes: RunResult[] = [
      sampleResult(),
      multiTurn(),
      sampleResult({ status: 'error', error: 'boom', phases: [], turns: [], usage: [], changes: null }),
      sampleResult({ status: 'skipped', phases: [], turns: [], usage: [], changes: null }),
      multiTurn({ duration_seconds: 4000, phases: [{ name: 'Running the agent', started_at: '2026-11-28T10:00:00.000Z', duration_seconds: 3999 }] })
    ]
    let diagrams = 0
    for (const result of shapes) {
      for (const markdown of [renderSummary(result), renderFinalComment(commentMarker('k'), result, {})]) {
        const blocks = mermaidBlocks(markdown)
        diagrams += blocks.length
        expect(blocks.every(b => b.length <= MAX_DIAGRAM_CHARS)).toBe(true)
        expect(await markdownDiagramProblems(markdown)).toEqual([])
      }
    }
    expect(diagrams).toBe(2 * (1 + 3 + 0 + 0 + 3))
    expect(mermaidBlocks(renderSummary(shapes[4]))[0]).toContain('axisFormat %H:%M:%S')
  })

  it('a comment with a hundred long paths and a huge message keeps its pictures and stays under the limit', async () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ path: `${'dir/'.repeat(120)}f${i}`, additions: 1, deletions: 1 }))
    const body = renderFinalComment(
      commentMarker('k'),
      multiTurn({ final_message: 'x'.repeat(100_000), changes: { files, additions: 100, deletions: 100 } }),
      {}
    )
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(mermaidBlocks(body)).toHaveLength(3)
    expect(await markdownDiagramProblems(body)).toEqual([])
    expect(body).toContain('Whole final message')
  })

  it('the aggregate summary: cost per cell and a bar per cell, red when it failed', async () => {
    const aggregate = await aggregateResults({ patterns: [], expectedCells: NASTY.filter(Boolean), cwd: '/nonexistent' })
    const markdown = renderAggregate(aggregate)
    expect(mermaidBlocks(markdown).map(d => d.split('\n')[0])).toEqual(['xychart-beta horizontal', 'gantt'])
    expect(mermaidBlocks(markdown)[1]).toContain(':crit, ')
    expect(await markdownDiagramProblems(markdown)).toEqual([])
  })
})

describe('the README', () => {
  it('shows only valid diagrams', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    expect(mermaidBlocks(readme).length).toBeGreaterThan(0)
    expect(await markdownDiagramProblems(readme)).toEqual([])
  })
})
