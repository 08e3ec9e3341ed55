import { errorMessage, info, warning } from '../log.js'
import type { ListedRuntime, RuntimeApi } from '../runtime/client.js'
import { code, escapeHtml, tableCell } from '../report/markdown.js'

/**
 * `mode: sweep`: stops this repository's runtimes that outlived their runs (a killed runner,
 * `on-exit: keep`). Only runtimes whose session id carries the repository's prefix are
 * touched, and only when the list says how old they are.
 */
export interface SweepEntry {
  runtimeId: string
  sessionId: string
  status: string
  /** Null when the list entry carries no creation time. */
  ageMinutes: number | null
  action: 'stopped' | 'would stop' | 'kept' | 'failed'
  reason: string
}

export async function sweepRuntimes(
  api: RuntimeApi,
  options: { prefix: string; olderThanMinutes: number; dryRun: boolean; now?: number }
): Promise<SweepEntry[]> {
  const now = options.now ?? Date.now()
  const ours = (await api.list()).filter(runtime => runtime.sessionId.startsWith(options.prefix))
  info(
    `${ours.length} runtime(s) with session prefix ${options.prefix}; stopping those older than ${options.olderThanMinutes} min${options.dryRun ? ' (dry run: nothing is stopped)' : ''}.`
  )
  const entries: SweepEntry[] = []
  // One at a time: the Runtime API is shared, and a sweep is never in a hurry.
  for (const runtime of ours) {
    const entry = await sweepOne(api, runtime, { ...options, now })
    info(`${entry.runtimeId} (session ${entry.sessionId}, ${entry.status}, ${formatAge(entry.ageMinutes)}): ${entry.action}, ${entry.reason}`)
    if (entry.action === 'failed') warning(`Could not stop runtime ${entry.runtimeId}: ${entry.reason}`)
    entries.push(entry)
  }
  return entries
}

async function sweepOne(api: RuntimeApi, runtime: ListedRuntime, options: { olderThanMinutes: number; dryRun: boolean; now: number }): Promise<SweepEntry> {
  const startedAt = parseTimestamp(runtime.createdAt)
  const ageMinutes = startedAt === null ? null : Math.max(0, Math.round((options.now - startedAt) / 6_000) / 10)
  const entry = { runtimeId: runtime.runtimeId, sessionId: runtime.sessionId, status: runtime.status, ageMinutes }
  if (runtime.status === 'stopped') return { ...entry, action: 'kept', reason: 'already stopped' }
  if (ageMinutes === null) return { ...entry, action: 'kept', reason: 'the list gives no creation time, so its age is unknown: never stopped' }
  if (ageMinutes <= options.olderThanMinutes) return { ...entry, action: 'kept', reason: `not older than ${options.olderThanMinutes} min` }
  const reason = `older than ${options.olderThanMinutes} min`
  if (options.dryRun) return { ...entry, action: 'would stop', reason }
  try {
    const existed = await api.stop(runtime.runtimeId)
    return { ...entry, action: 'stopped', reason: existed ? reason : `${reason}; already gone (404)` }
  } catch (err) {
    return { ...entry, action: 'failed', reason: errorMessage(err) }
  }
}

/**
 * Epoch ms of a list entry's timestamp: an ISO date-time (one without a zone is UTC, as
 * Python's naive utcnow() gives), or epoch seconds as a number or a numeric string.
 */
export function parseTimestamp(value: string | number | undefined): number | null {
  if (value === undefined) return null
  if (typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    const n = Number(value)
    // Seconds, as the protocol's Python side gives; a value this large can only be milliseconds.
    return Number.isFinite(n) && n > 0 ? (n > 1e11 ? n : n * 1000) : null
  }
  const naive = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())
  const ms = Date.parse(naive ? `${value.trim()}Z` : value)
  return Number.isFinite(ms) ? ms : null
}

/** The sweep as a markdown table for the step summary. */
export function renderSweep(entries: SweepEntry[], dryRun: boolean): string {
  const lines = [`## OpenHands runtime sweep${dryRun ? ' (dry run)' : ''}`, '']
  if (!entries.length) return [...lines, 'No runtimes of this repository are listed.', ''].join('\n')
  lines.push('| Runtime | Session | Status | Age | Action | Reason |', '|---|---|---|---:|---|---|')
  for (const e of entries) {
    const row = [code(e.runtimeId), code(e.sessionId), e.status, formatAge(e.ageMinutes), ACTION_LABEL[e.action], escapeHtml(e.reason)]
    lines.push(`| ${row.map(tableCell).join(' | ')} |`)
  }
  const tally = (action: SweepEntry['action']): number => entries.filter(e => e.action === action).length
  const done = dryRun ? `${tally('would stop')} would be stopped` : `${tally('stopped')} stopped, ${tally('failed')} failed`
  lines.push('', `**${entries.length} runtime(s):** ${done}, ${tally('kept')} kept.`)
  if (dryRun && tally('would stop')) lines.push('', 'Set `sweep-dry-run: false` to stop them.')
  lines.push('')
  return lines.join('\n')
}

const ACTION_LABEL: Record<SweepEntry['action'], string> = {
  stopped: '🛑 stopped',
  'would stop': '🔎 would stop',
  kept: 'kept',
  failed: '❌ failed'
}

function formatAge(minutes: number | null): string {
  if (minutes === null) return 'age unknown'
  if (minutes < 120) return `${minutes.toFixed(1)} min`
  return `${(minutes / 60).toFixed(1)} h`
}
