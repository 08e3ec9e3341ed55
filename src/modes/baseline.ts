import { readFile, stat } from 'node:fs/promises'
import { formatCost } from '../agent-server/describe.js'
import { formatDuration } from '../log.js'
import { barChart, fence, gantt } from '../report/mermaid.js'
import { safeToPost } from '../report/sanitize.js'
import { findFiles } from './aggregate.js'
import type { Aggregate, CellChange, CellComparison, CellResult, CellSide, Comparison, NightTotals } from './aggregate-types.js'
import { code } from '../report/markdown.js'

/**
 * A night's aggregate against a baseline (typically last night's aggregate.json): which cells
 * regressed, got fixed, appeared or vanished, and whose cost moved past a threshold.
 */

/** aggregate.json versions a baseline may have: 2 only added `comparison` to 1. */
const READABLE_VERSIONS = new Set([1, 2])

/** The baseline that `pattern` (a path or glob, relative to `cwd`) names; the newest file when several match. */
export async function readBaseline(pattern: string, cwd: string): Promise<{ aggregate: Aggregate; file: string } | { problem: string; found: boolean }> {
  const files = await findFiles([pattern], cwd)
  if (!files.length) return { problem: `no file matches baseline '${pattern}'`, found: false }
  const dated = await Promise.all(files.map(async file => ({ file, mtime: (await stat(file)).mtimeMs })))
  const { file } = dated.sort((a, b) => b.mtime - a.mtime)[0]
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    return { problem: `${file} cannot be read as JSON (${(err as Error).message})`, found: true }
  }
  const problem = baselineProblem(data)
  return problem ? { problem: `${file} ${problem}`, found: true } : { aggregate: data as Aggregate, file }
}

function baselineProblem(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'is not a JSON object'
  const d = data as Record<string, unknown>
  if (!READABLE_VERSIONS.has(d.schema_version as number)) {
    return `has schema_version ${JSON.stringify(d.schema_version) ?? '(none)'}; this action reads aggregate.json versions ${[...READABLE_VERSIONS].join(' and ')}`
  }
  if (!Array.isArray(d.cells)) return 'has no cells'
  for (const cell of d.cells as Array<Record<string, unknown>>) {
    const numbers = ['cost', 'promptTokens', 'completionTokens', 'durationSeconds'].every(k => typeof cell?.[k] === 'number')
    if (typeof cell?.cell !== 'string' || typeof cell.status !== 'string' || !numbers)
      return `has a cell that is not one of aggregate.json (${JSON.stringify(cell).slice(0, 80)})`
  }
  return undefined
}

/** Compares `now` with `then`, cell by cell (by name), in `now`'s order with vanished cells last. */
export function compareAggregates(now: Aggregate, then: Aggregate, options: { baselineFile: string; thresholdPercent: number }): Comparison {
  const before = new Map(then.cells.map(c => [c.cell, c]))
  const tonight = new Set(now.cells.map(c => c.cell))
  const cells = [
    ...now.cells.map(c => compareCell(c.cell, before.get(c.cell), c, options.thresholdPercent)),
    ...then.cells.filter(c => !tonight.has(c.cell)).map(c => compareCell(c.cell, c, undefined, options.thresholdPercent))
  ]
  const named = (test: (c: CellComparison) => boolean): string[] => cells.filter(test).map(c => c.cell)
  return {
    baseline_file: options.baselineFile,
    cost_change_threshold_percent: options.thresholdPercent,
    regressed: named(c => c.change === 'regressed'),
    fixed: named(c => c.change === 'fixed'),
    new_cells: named(c => c.change === 'new'),
    vanished: named(c => c.change === 'vanished'),
    cost_changes: named(c => c.cost_flagged),
    totals: { then: nightTotals(then), now: nightTotals(now) },
    cells
  }
}

function compareCell(cell: string, then: CellResult | undefined, now: CellResult | undefined, thresholdPercent: number): CellComparison {
  const side = (c: CellResult | undefined): CellSide | null =>
    c ? { status: c.status, cost: c.cost, tokens: c.promptTokens + c.completionTokens, duration_seconds: c.durationSeconds } : null
  const change: CellChange = !then
    ? 'new'
    : !now
      ? 'vanished'
      : then.status === 'finished' && now.status !== 'finished'
        ? 'regressed'
        : then.status !== 'finished' && now.status === 'finished'
          ? 'fixed'
          : 'same'
  const costChange = then && now ? round(now.cost - then.cost, 6) : null
  const percent = then && now && then.cost > 0 ? round(((now.cost - then.cost) / then.cost) * 100, 1) : null
  return {
    cell,
    change,
    then: side(then),
    now: side(now),
    cost_change: costChange,
    cost_change_percent: percent,
    cost_flagged: percent !== null && Math.abs(percent) > thresholdPercent
  }
}

function nightTotals(aggregate: Aggregate): NightTotals {
  const { cells, finished, cost } = aggregate.totals
  return { cells, finished, success_rate: aggregate.success_rate, cost }
}

/** Markdown: what changed first (regressions, fixes, new, vanished, cost changes), the totals, a chart, then every cell. */
export function renderComparison(comparison: Comparison): string {
  const { totals } = comparison
  const byName = new Map(comparison.cells.map(c => [c.cell, c]))
  const lines = ['## OpenHands matrix: what changed since the baseline', '', `Baseline: ${code(comparison.baseline_file)}`, '']
  const list = (title: string, names: string[], describe: (c: CellComparison) => string): void => {
    if (!names.length) return
    lines.push(`**${title} (${names.length})**`, '', ...names.map(name => `- ${code(name)}: ${describe(byName.get(name)!)}`), '')
  }
  list('❌ Regressed', comparison.regressed, c => `${c.then!.status} → ${c.now!.status}`)
  list('✅ Fixed', comparison.fixed, c => `${c.then!.status} → ${c.now!.status}`)
  list('🆕 New', comparison.new_cells, c => `${c.now!.status}, ${formatCost(c.now!.cost)}`)
  list('👻 Vanished', comparison.vanished, c => `was ${c.then!.status}, ${formatCost(c.then!.cost)}`)
  list(`💸 Cost changed by more than ${comparison.cost_change_threshold_percent}%`, comparison.cost_changes, c => `${costThenNow(c)}`)
  if (![comparison.regressed, comparison.fixed, comparison.new_cells, comparison.vanished, comparison.cost_changes].some(l => l.length)) {
    lines.push('No cell regressed, got fixed, appeared, vanished or changed its cost beyond the threshold.', '')
  }
  lines.push(
    `**Success rate** ${percent(totals.then.success_rate)} → ${percent(totals.now.success_rate)} ` +
      `(${totals.then.finished} of ${totals.then.cells} → ${totals.now.finished} of ${totals.now.cells}) · ` +
      `**total cost** ${formatCost(totals.then.cost)} → ${formatCost(totals.now.cost)}${signedPercent(totals.then.cost, totals.now.cost)}`,
    '',
    renderComparisonCharts(comparison),
    '| Cell | Change | Status then → now | Cost then | Cost now | Cost change | Tokens then → now | Duration then → now |',
    '|---|---|---|---:|---:|---:|---:|---:|'
  )
  for (const c of comparison.cells) {
    const row = [
      code(c.cell),
      CHANGE_LABEL[c.change],
      `${c.then?.status ?? '—'} → ${c.now?.status ?? '—'}`,
      c.then ? formatCost(c.then.cost) : '—',
      c.now ? formatCost(c.now.cost) : '—',
      c.cost_change === null
        ? '—'
        : `${c.cost_change >= 0 ? '+' : '−'}${formatCost(Math.abs(c.cost_change))}${c.cost_change_percent === null ? '' : ` (${signed(c.cost_change_percent)}%)`}${c.cost_flagged ? ' 💸' : ''}`,
      `${c.then ? count(c.then.tokens) : '—'} → ${c.now ? count(c.now.tokens) : '—'}`,
      `${c.then ? formatDuration(c.then.duration_seconds * 1000) : '—'} → ${c.now ? formatDuration(c.now.duration_seconds * 1000) : '—'}`
    ]
    lines.push(`| ${row.map(cell => cell.replace(/\|/g, '\\|')).join(' | ')} |`)
  }
  // A blank line ends the table before whatever follows (the night's own table).
  lines.push('', '')
  return safeToPost(lines.join('\n'))
}

/** Cost per cell then (line) and now (bars), and each night's cells as bars, red when not finished. */
function renderComparisonCharts(comparison: Comparison): string {
  const cells = comparison.cells
  const cost = barChart(
    'Cost per cell, bars tonight, line the baseline (USD)',
    cells.map(c => c.cell),
    'USD',
    [
      { kind: 'bar', values: cells.map(c => c.now?.cost ?? 0) },
      { kind: 'line', values: cells.map(c => c.then?.cost ?? 0) }
    ]
  )
  const night = (pick: (c: CellComparison) => CellSide | null) =>
    cells.flatMap(c => {
      const side = pick(c)
      return side ? [{ label: `${c.cell} (${side.status})`, startMs: 0, endMs: side.duration_seconds * 1000, failed: side.status !== 'finished' }] : []
    })
  const success = gantt('Cells then and now: run time, red when not finished', [
    { name: 'Baseline', tasks: night(c => c.then) },
    { name: 'Tonight', tasks: night(c => c.now) }
  ])
  return fence(cost) + fence(success)
}

const CHANGE_LABEL: Record<CellChange, string> = {
  regressed: '❌ regressed',
  fixed: '✅ fixed',
  new: '🆕 new',
  vanished: '👻 vanished',
  same: ''
}

function costThenNow(c: CellComparison): string {
  return `${formatCost(c.then!.cost)} → ${formatCost(c.now!.cost)} (${signed(c.cost_change_percent!)}%)`
}

function signedPercent(then: number, now: number): string {
  return then > 0 ? ` (${signed(round(((now - then) / then) * 100, 1))}%)` : ''
}

const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '±0')
const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`
const round = (n: number, digits: number): number => Number(n.toFixed(digits))
const count = (n: number): string => n.toLocaleString('en-US')
