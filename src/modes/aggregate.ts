import { readFile } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path'
import * as glob from '@actions/glob'
import { formatCost } from '../agent-server/describe.js'
import { RUN_STATUSES } from '../conversation/outcome.js'
import { formatDuration } from '../log.js'
import { RESULT_SCHEMA_VERSION } from '../report/result.js'
import { safeToPost } from '../report/sanitize.js'
import { STATUS_LABEL } from '../report/summary.js'
import { renderAggregateCharts } from './aggregate-charts.js'
import { AGGREGATE_SCHEMA_VERSION, type Aggregate, type CellResult } from './aggregate-types.js'
import { clip, code, escapeHtml, tableCell } from '../report/markdown.js'

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES)
const ATTEMPT_SUFFIX = /-attempt-(\d+)$/

/** Reads every result.json that `patterns` (globs, relative to `cwd`) match; never throws on a bad file. */
export async function aggregateResults(options: { patterns: string[]; expectedCells: string[]; cwd: string }): Promise<Aggregate> {
  const files = await findFiles(options.patterns, options.cwd)
  const found = await Promise.all(nameCells(files, options.cwd).map(({ cell, file }) => readCell(cell, file)))
  const latest = new Map<string, { attempt: number; result: CellResult }>()
  for (const result of found) {
    const attempt = Number(ATTEMPT_SUFFIX.exec(result.cell)?.[1] ?? 1)
    const cell = result.cell.replace(ATTEMPT_SUFFIX, '')
    const seen = latest.get(cell)
    if (!seen || attempt > seen.attempt) latest.set(cell, { attempt, result: { ...result, cell } })
  }
  const cells = [...latest.values()].map(({ result }) => result)
  for (const name of new Set(options.expectedCells.map(c => c.trim()).filter(Boolean))) {
    if (!latest.has(name)) cells.push(missingCell(name))
  }
  cells.sort((a, b) => a.cell.localeCompare(b.cell, 'en', { numeric: true }))
  return summarise(cells)
}

/** Markdown for the step summary or a comment: a heading, one table, a totals line. */
export function renderAggregate(aggregate: Aggregate): string {
  const { totals } = aggregate
  const lines = [
    '## OpenHands matrix results',
    '',
    '| Cell | Status | Cost | Prompt tokens | Completion tokens | Duration | Error |',
    '|---|---|---:|---:|---:|---:|---|'
  ]
  for (const c of aggregate.cells) {
    const missing = c.status === 'missing'
    const row = [
      code(c.cell),
      label(c.status),
      missing ? '—' : formatCost(c.cost),
      missing ? '—' : count(c.promptTokens),
      missing ? '—' : count(c.completionTokens),
      missing ? '—' : formatDuration(c.durationSeconds * 1000),
      c.error ? escapeHtml(clip(c.error, 200)) : ''
    ]
    lines.push(`| ${row.map(tableCell).join(' | ')} |`)
  }
  if (!aggregate.cells.length) lines.push('| _no result.json found_ | | | | | | |')
  const failed = totals.missing ? `${totals.failed} failed (${totals.missing} missing)` : `${totals.failed} failed`
  const perSuccess = aggregate.cost_per_success === null ? '—' : formatCost(aggregate.cost_per_success)
  lines.push(
    '',
    `**${totals.cells} cells:** ${totals.finished} finished, ${failed} · **success rate** ${(aggregate.success_rate * 100).toFixed(1)}% · ` +
      `**cost** ${formatCost(totals.cost)} (${perSuccess} per success) · **tokens** ${count(totals.prompt_tokens)} prompt, ${count(totals.completion_tokens)} completion · ` +
      `**run time** ${formatDuration(totals.duration_seconds * 1000)} summed over cells`,
    '',
    renderAggregateCharts(aggregate)
  )
  return safeToPost(lines.join('\n'))
}

export function writeAggregate(aggregate: Aggregate, file: string): void {
  writeFileSync(file, `${JSON.stringify(aggregate, null, 2)}\n`)
}

export async function findFiles(patterns: string[], cwd: string): Promise<string[]> {
  // @actions/glob resolves relative patterns against process.cwd(); anchor them at cwd instead.
  const anchored = patterns
    .map(p => p.trim())
    .filter(Boolean)
    .map(p => {
      const negated = /^!+/.exec(p)?.[0] ?? ''
      const rest = p.slice(negated.length)
      return isAbsolute(rest) ? p : `${negated}${globEscape(resolve(cwd))}/${rest}`
    })
  if (!anchored.length) return []
  const globber = await glob.create(anchored.join('\n'), { matchDirectories: false, implicitDescendants: false })
  return (await globber.glob()).sort()
}

function globEscape(path: string): string {
  return path.replace(/\[/g, '[[]').replace(/\?/g, '[?]').replace(/\*/g, '[*]')
}

function nameCells(files: string[], cwd: string): Array<{ cell: string; file: string }> {
  const named = files.map(file => ({ cell: basename(dirname(file)), file }))
  const taken = new Map<string, number>()
  for (const { cell } of named) taken.set(cell, (taken.get(cell) ?? 0) + 1)
  return named.map(({ cell, file }) => {
    if (taken.get(cell) === 1) return { cell, file }
    const path = relative(cwd, file).split('\\').join('/')
    return { cell: path.replace(/\/result\.json$/, '') || path, file }
  })
}

async function readCell(cell: string, file: string): Promise<CellResult> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    const reason =
      err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
    return invalidCell(cell, file, `result.json ${reason}`)
  }
  const problem = resultProblem(data)
  if (problem) return invalidCell(cell, file, `result.json ${problem}`)
  const result = data as Record<string, number | string | null>
  return {
    cell,
    file,
    status: result.status as string,
    cost: result.cost as number,
    promptTokens: result.prompt_tokens as number,
    completionTokens: result.completion_tokens as number,
    durationSeconds: result.duration_seconds as number,
    error: result.status === 'finished' ? null : typeof result.error === 'string' && result.error ? result.error : `status ${result.status}`
  }
}

/** What makes a document unusable as a result.json; the fields the table needs, not the whole schema. */
function resultProblem(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'is not a JSON object'
  const r = data as Record<string, unknown>
  // Version 2 only added fields: cells of an older action version still count.
  if (r.schema_version !== 1 && r.schema_version !== RESULT_SCHEMA_VERSION)
    return `has schema_version ${JSON.stringify(r.schema_version) ?? 'missing'}, expected 1 or ${RESULT_SCHEMA_VERSION}`
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) return `has an unknown status ${JSON.stringify(r.status) ?? '(none)'}`
  for (const field of ['cost', 'prompt_tokens', 'completion_tokens', 'duration_seconds']) {
    const value = r[field]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `has no valid ${field} (${JSON.stringify(value) ?? 'missing'})`
  }
  return undefined
}

function invalidCell(cell: string, file: string, error: string): CellResult {
  return { cell, file, status: 'invalid', cost: 0, promptTokens: 0, completionTokens: 0, durationSeconds: 0, error }
}

function missingCell(cell: string): CellResult {
  return {
    cell,
    file: null,
    status: 'missing',
    cost: 0,
    promptTokens: 0,
    completionTokens: 0,
    durationSeconds: 0,
    error: 'no result.json: the cell never reported'
  }
}

function summarise(cells: CellResult[]): Aggregate {
  const sum = (pick: (c: CellResult) => number): number => cells.reduce((total, c) => total + pick(c), 0)
  const finished = cells.filter(c => c.status === 'finished').length
  const cost = round(
    sum(c => c.cost),
    6
  )
  return {
    schema_version: AGGREGATE_SCHEMA_VERSION,
    cells,
    totals: {
      cells: cells.length,
      finished,
      failed: cells.length - finished,
      missing: cells.filter(c => c.status === 'missing').length,
      cost,
      prompt_tokens: sum(c => c.promptTokens),
      completion_tokens: sum(c => c.completionTokens),
      duration_seconds: round(
        sum(c => c.durationSeconds),
        1
      )
    },
    success_rate: cells.length ? round(finished / cells.length, 4) : 0,
    cost_per_success: finished ? round(cost / finished, 6) : null,
    comparison: null
  }
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits))

const LABEL: Record<string, string> = {
  ...STATUS_LABEL,
  missing: '❓ missing',
  invalid: '❌ invalid result'
}
const label = (status: string): string => LABEL[status] ?? status
const count = (n: number): string => n.toLocaleString('en-US')
