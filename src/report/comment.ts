import { formatCost } from '../agent-server/describe.js'
import { formatDuration } from '../log.js'
import type { RunResult } from './result.js'
import { continuedLine, renderChanges, renderTimeline, renderUsage } from './run-details.js'
import { safeToPost } from './sanitize.js'
import { clip, count } from './markdown.js'

/** GitHub rejects comment bodies over 65 536 characters; keep a margin for the frame around the text. */
export const COMMENT_LIMIT = 65_536
const MESSAGE_PREVIEW_LINES = 15
/** Room kept for the final message before the pictures are left out. */
const MIN_MESSAGE_ROOM = 8_000
const MAX_ERROR = 5_000
const TRUNCATED = '\n\n… (truncated; the whole message is in result.json)'

export interface Progress {
  phase: 'provisioning' | 'running'
  steps: number
  lastAction?: string
  cost: number
  elapsedMs: number
}

export interface CommentLinks {
  runUrl?: string
  artifactUrl?: string
}

const TITLE: Record<RunResult['status'], string> = {
  finished: '✅ OpenHands agent finished',
  error: '❌ OpenHands agent run failed',
  stuck: '⚠️ OpenHands agent got stuck',
  timeout: '⏱️ OpenHands agent run timed out',
  budget_exceeded: '💸 OpenHands agent run stopped: budget exceeded',
  cancelled: '🚫 OpenHands agent run cancelled',
  skipped: '⏭️ OpenHands agent run skipped'
}

export function renderProgressComment(marker: string, progress: Progress, links: CommentLinks): string {
  const lines = [marker]
  if (progress.phase === 'provisioning') {
    lines.push('### ⏳ OpenHands agent starting', '', `Provisioning the sandbox… (${formatDuration(progress.elapsedMs)})`)
  } else {
    lines.push('### ⏳ OpenHands agent running', '')
    const facts = [`**Steps:** ${progress.steps}`, `**Cost so far:** ${formatCost(progress.cost)}`, `**Elapsed:** ${formatDuration(progress.elapsedMs)}`]
    lines.push(facts.join(' · '))
    if (progress.lastAction) lines.push('', `**Last action:** ${inlineCode(safeToPost(progress.lastAction))}`)
  }
  lines.push('', safeToPost(footer(links)))
  // Text is made safe field by field: the numbers stay what they are even when a short secret matches them.
  return lines.join('\n')
}

export function renderFinalComment(marker: string, result: RunResult, links: CommentLinks): string {
  const head = [
    marker,
    `### ${TITLE[result.status]}`,
    '',
    '| Status | Cost | Tokens | Duration |',
    '|---|---|---|---|',
    `| \`${result.status}\` | ${formatCost(result.cost)} | ${count(result.prompt_tokens)} prompt · ${count(result.completion_tokens)} completion · ${count(result.cache_read_tokens)} cache read | ${formatDuration(result.duration_seconds * 1000)} |`,
    ''
  ]
  if (result.continued) head.push(`**${continuedLine(result)}**`, '')
  if (result.error) head.push(`**Error:** ${fenceIfMultiline(clip(safeToPost(result.error), MAX_ERROR))}`, '')
  if (result.status !== 'skipped') head.push(renderChanges(result, { collapsed: true, line: true, clean: safeToPost }))
  const pictures = [renderTimeline(result), renderUsage(result)].join('')
  // Text is made safe field by field: the numbers stay what they are even when a short secret matches them.
  const bottom = safeToPost(footer(links, result))
  let top = `${head.join('\n')}\n${pictures}\n`
  // The pictures go first when room runs short: the tables and the message say the same in words.
  if (top.length + bottom.length > COMMENT_LIMIT - MIN_MESSAGE_ROOM) top = `${head.join('\n')}\n`
  const message = result.final_message ? renderMessage(safeToPost(result.final_message), COMMENT_LIMIT - top.length - bottom.length) : ''
  return top + message + bottom
}

/** The final message: short ones inline, long ones as a preview plus the whole text collapsed, cut to fit `room`. */
function renderMessage(text: string, room: number): string {
  const lines = text.split('\n')
  if (lines.length <= MESSAGE_PREVIEW_LINES && text.length <= 1_500) return `**Final message**\n\n${quote(text)}\n\n`
  const preview = quote(lines.slice(0, MESSAGE_PREVIEW_LINES).join('\n').slice(0, 1_500))
  const frame = `**Final message**\n\n${preview}\n\n<details><summary>Whole final message</summary>\n\n\n\n</details>\n\n`
  return frame.replace('\n\n\n\n</details>', `\n\n${fit(text, room - frame.length)}\n\n</details>`)
}

function fit(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(room - TRUNCATED.length, 0))}${TRUNCATED}`
}

function footer(links: CommentLinks, result?: RunResult): string {
  const parts = [links.runUrl && `[Run log](${links.runUrl})`, links.artifactUrl && `[Artifacts](${links.artifactUrl})`]
  if (result) parts.push(`model \`${result.llm_model}\``, `image \`${result.image}\``)
  return `<sub>${parts.filter(Boolean).join(' · ')}</sub>\n`
}

function quote(text: string): string {
  return text
    .split('\n')
    .map(line => `> ${line}`)
    .join('\n')
}

function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\n/g, ' ')}\``
}

function fenceIfMultiline(text: string): string {
  return text.includes('\n') ? `\n\n\`\`\`\n${text.replace(/```/g, "'''")}\n\`\`\`` : text
}
