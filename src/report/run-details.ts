import { formatCost } from '../agent-server/describe.js'
import { formatDuration } from '../log.js'
import { barChart, fence, gantt, pie, type GanttTask } from './mermaid.js'
import type { RunResult } from './result.js'
import { clip, code, count, tableCell } from './markdown.js'

/**
 * The parts of a run's report that both the step summary and the final comment show: the
 * changes, the timeline, and cost and tokens per turn and per LLM. Markdown, not yet sanitized.
 */

const MAX_LISTED_FILES = 100

/** Words with which a final message says it changed something ("I fixed the parser"). */
const CLAIMS_A_CHANGE =
  /\b(fixed|changed|updated|modified|edited|added|created|wrote|written|implemented|removed|deleted|renamed|refactored|patched|applied|committed)\b/i
/** ... unless the same sentence denies it ("No files were changed", "I did not modify anything"). */
const DENIES = /\b(no|not|nothing|never|none|without|didn't|haven't|wasn't|weren't)\b/i

/** True when the final message reads as if files were changed, while the run brought back none. */
export function claimsMissingChanges(result: RunResult): boolean {
  if (result.changes === null || result.changes.files.length) return false
  return result.final_message.split(/[.!?\n]+/).some(sentence => CLAIMS_A_CHANGE.test(sentence) && !DENIES.test(sentence))
}

/** One line: `2 files, +12 −3`, `none`, or why they are not known. */
export function changesLine(result: RunResult): string {
  const { changes } = result
  if (!changes) return 'not collected (the run ended before they were brought back)'
  if (!changes.files.length) return 'none: the agent changed no files'
  const files = changes.files.length === 1 ? '1 file' : `${count(changes.files.length)} files`
  return `${files}, +${count(changes.additions)} −${count(changes.deletions)}`
}

/** The changes: a line (unless the caller shows it), a warning when the final message claims changes that are not there, and the files. */
export function renderChanges(result: RunResult, options: { collapsed: boolean; line: boolean; clean: (text: string) => string }): string {
  const lines = options.line ? [`**Changes:** ${changesLine(result)}`, ''] : []
  if (claimsMissingChanges(result)) {
    lines.push("> [!WARNING]\n> The agent's final message describes changes, but the run brought back no changed files.", '')
  }
  const files = result.changes?.files ?? []
  if (!files.length) return lines.join('\n')
  const rows = files
    .slice(0, MAX_LISTED_FILES)
    .map(
      f =>
        `| ${tableCell(code(clip(options.clean(f.path), 300)))} | ${f.additions === null ? 'binary' : `+${count(f.additions)}`} | ${f.deletions === null ? '' : `−${count(f.deletions)}`} |`
    )
  if (files.length > MAX_LISTED_FILES) rows.push(`| … and ${files.length - MAX_LISTED_FILES} more | | |`)
  const table = ['| File | Added | Removed |', '|---|---:|---:|', ...rows, '']
  if (options.collapsed) lines.push(`<details><summary>Changed files (${files.length})</summary>`, '', ...table, '</details>', '')
  else lines.push(...table)
  return lines.join('\n')
}

/** A gantt of the run's phases and, below them, the agent's turns; nothing when no phase was timed. */
export function renderTimeline(result: RunResult): string {
  if (!result.phases.length) return ''
  const origin = Date.parse(result.started_at)
  const at = (iso: string): number => Date.parse(iso) - origin
  const phases: GanttTask[] = result.phases.map(p => ({
    label: `${p.name} (${formatDuration(p.duration_seconds * 1000)})`,
    startMs: at(p.started_at),
    endMs: at(p.started_at) + p.duration_seconds * 1000
  }))
  const turns: GanttTask[] = result.turns.map(t => ({
    label: `Turn ${t.turn} (${formatDuration(t.duration_seconds * 1000)}, ${formatCost(t.cost)})`,
    startMs: at(t.started_at),
    endMs: at(t.started_at) + t.duration_seconds * 1000,
    failed: t.status !== 'finished'
  }))
  const diagram = gantt(`Run timeline, ${formatDuration(result.duration_seconds * 1000)} in all`, [
    { name: 'Run', tasks: phases },
    { name: 'Agent turns', tasks: turns }
  ])
  return diagram ? `**Timeline**\n\n${fence(diagram)}` : ''
}

/** Cost and tokens per turn (with more than one turn) and per LLM usage id (with more than one), each a table and a chart. */
export function renderUsage(result: RunResult): string {
  const parts: string[] = []
  if (result.turns.length > 1) {
    parts.push(
      '**Per turn**',
      '',
      '| Turn | Status | Cost | Prompt tokens | Completion tokens | Duration |',
      '|---:|---|---:|---:|---:|---:|',
      ...result.turns.map(
        t =>
          `| ${t.turn} | \`${t.status}\` | ${formatCost(t.cost)} | ${count(t.prompt_tokens)} | ${count(t.completion_tokens)} | ${formatDuration(t.duration_seconds * 1000)} |`
      ),
      '',
      fence(
        barChart(
          'Cost per turn (USD)',
          result.turns.map(t => `Turn ${t.turn}`),
          'USD',
          [{ kind: 'bar', values: result.turns.map(t => t.cost) }]
        )
      )
    )
  }
  if (result.usage.length > 1) {
    parts.push(
      '**Per LLM**',
      '',
      '| LLM | Model | Cost | Prompt tokens | Completion tokens | Cache read |',
      '|---|---|---:|---:|---:|---:|',
      ...result.usage.map(
        u =>
          `| ${tableCell(code(u.usage_id))} | ${u.model ? tableCell(code(u.model)) : '—'} | ${formatCost(u.cost)} | ${count(u.prompt_tokens)} | ${count(u.completion_tokens)} | ${count(u.cache_read_tokens)} |`
      ),
      '',
      fence(
        pie(
          'Cost per LLM',
          result.usage.map(u => ({ label: u.usage_id, value: u.cost }))
        )
      )
    )
  }
  return parts.join('\n')
}

/** `Continued from attempt 1 · conversation $0.0123, 20,600 prompt + 410 completion tokens in all`, or '' for a new conversation. */
export function continuedLine(result: RunResult): string {
  const c = result.continued
  if (!c) return ''
  const from = c.from_attempt === null ? 'Continued conversation' : `Continued from attempt ${c.from_attempt}`
  return `${from} · conversation ${formatCost(c.conversation_cost)}, ${count(c.conversation_prompt_tokens)} prompt + ${count(c.conversation_completion_tokens)} completion tokens in all (this run: ${formatCost(result.cost)})`
}
