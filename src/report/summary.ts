import * as core from '@actions/core'
import { formatCost } from '../agent-server/describe.js'
import { formatDuration, warning } from '../log.js'
import { redact } from '../secrets.js'
import type { RunResult } from './result.js'
import { changesLine, continuedLine, renderChanges, renderTimeline, renderUsage } from './run-details.js'
import { code, count, escapeHtml, tableCell } from './markdown.js'

/** How each status reads in tables, summaries and comments. */
export const STATUS_LABEL: Record<RunResult['status'], string> = {
  finished: '✅ finished',
  error: '❌ error',
  stuck: '⚠️ stuck',
  timeout: '⏱️ timeout',
  budget_exceeded: '💸 budget exceeded',
  cancelled: '🚫 cancelled',
  skipped: '⏭️ skipped'
}

/** The run as a markdown table, with the error and the final message below it. */
export function renderSummary(result: RunResult): string {
  const rows: Array<[string, string]> = [
    ['Status', STATUS_LABEL[result.status]],
    ['Cost', formatCost(result.cost)],
    ['Tokens', `${count(result.prompt_tokens)} prompt, ${count(result.completion_tokens)} completion, ${count(result.cache_read_tokens)} cache read`],
    ['Duration', formatDuration(result.duration_seconds * 1000)],
    ['Changes', result.status === 'skipped' ? '—' : changesLine(result)],
    ['Events', String(result.event_count)],
    ['Image', code(redact(result.image))],
    ['Model', code(redact(result.llm_model))],
    ['Runtime', result.runtime_id ? `${code(redact(result.runtime_id))} (session ${code(redact(result.session_id))})` : '—'],
    ['Conversation', result.conversation_id ? code(redact(result.conversation_id)) : '—']
  ]
  // Text is redacted field by field: the numbers stay what they are even when a short secret matches them.
  const lines = ['## OpenHands agent run', '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${tableCell(v)} |`), '']
  if (result.continued) lines.push(`**${continuedLine(result)}**`, '')
  if (result.error) lines.push(`**Error:** ${escapeHtml(redact(result.error))}`, '')
  // The changes, timeline and charts are built from the action's own values and escaped file names, not from the agent's prose.
  if (result.status !== 'skipped')
    lines.push(renderChanges(result, { collapsed: false, line: false, clean: redact }), renderTimeline(result), renderUsage(result))
  if (result.final_message) {
    lines.push('<details><summary>Final message</summary>', '', escapeHtml(redact(result.final_message)), '', '</details>', '')
  }
  return lines.join('\n')
}

/** Writes the summary to the job's step summary; skipped quietly outside a runner. */
export async function writeStepSummary(result: RunResult): Promise<void> {
  await write(renderSummary(result))
}

/** The summary of a run that never started: invalid inputs, or a fork pull request. */
export async function writeInputErrorSummary(message: string): Promise<void> {
  const headline = message.startsWith('Not running:') ? '⏭️ Not started.' : '❌ Not started: the inputs are invalid.'
  await write(redact(`## OpenHands agent run\n\n${headline}\n\n\`\`\`\n${message}\n\`\`\`\n`))
}

/** Appends markdown (already redacted) to the job's step summary; skipped quietly outside a runner. */
export async function write(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (err) {
    warning(`Could not write the step summary: ${(err as Error).message}`)
  } finally {
    core.summary.emptyBuffer()
  }
}
