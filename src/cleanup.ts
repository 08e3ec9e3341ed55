import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { totalsOf, type AgentEvent, type ConversationStats, type Totals } from './agent-server/types.js'
import { Input, readSecretInput } from './inputs.js'
import { errorMessage, info, warning } from './log.js'
import { Reporter, readResultFile } from './report/reporter.js'
import { buildResult } from './report/result.js'
import { RuntimeApi } from './runtime/client.js'
import { findSessionRuntime, releaseRuntime } from './runtime/release.js'
import { withDeadline } from './timing.js'
import { loadReport, loadRuntime, markRuntimeReleased, type SavedReport, type SavedRuntime } from './state.js'

/** The whole post step: releasing (about 35 s at worst), the artifact and the comment (30 s). */
const POST_BUDGET_MS = 90_000

/**
 * The post step: finishes what main could not (killed, crashed or cancelled): releases the
 * runtime, uploads the artifact, brings the comment to a final state. Idempotent; failures here
 * are warnings, never the run's result.
 */
export async function runPost(): Promise<void> {
  const done = await withDeadline(
    finishLeftovers().then(() => true),
    POST_BUDGET_MS
  )
  if (!done) warning(`The post step gave up after ${POST_BUDGET_MS / 1000}s; what is left is named above.`)
}

async function finishLeftovers(): Promise<void> {
  const runtime = loadRuntime()
  const report = loadReport()
  const runtimeLeft = runtime !== undefined && !runtime.released
  const reportLeft = report !== undefined && (!report.artifactDone || (report.commentId !== undefined && !report.commentFinal))
  if (!runtimeLeft && !reportLeft) return info('Nothing left to clean up.')
  if (runtimeLeft) await releaseLeftRuntime(runtime)
  if (reportLeft) await finishReport(report, runtime?.runtimeId)
}

async function releaseLeftRuntime(saved: SavedRuntime): Promise<void> {
  if (saved.onExit === 'keep') return info(`Runtime of session ${saved.sessionId} kept running (on-exit: keep).`)
  try {
    const api = new RuntimeApi(saved.runtimeApiUrl, readSecretInput(Input.runtimeApiKey))
    const runtimeId = saved.runtimeId ?? (await findSessionRuntime(api, saved.sessionId))
    if (!runtimeId) return info(`No runtime to release for session ${saved.sessionId}.`)
    await releaseRuntime(api, runtimeId, saved.onExit)
    markRuntimeReleased()
  } catch (err) {
    warning(`Could not release the runtime of session ${saved.sessionId}: ${errorMessage(err)}`)
  }
}

/** What events.jsonl says of a run main could not finish: how many events, and the totals of the last stats update. */
function readEventsFile(file: string): { count: number; totals: Totals } {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
  let stats: ConversationStats | undefined
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as AgentEvent
      if (event.kind === 'ConversationStateUpdateEvent' && event.key === 'stats') stats = event.value as ConversationStats
    } catch {
      // A line cut short by the kill: the lines before it still count.
    }
  }
  return { count: lines.length, totals: totalsOf(stats) }
}

/** Main ended before its report was complete: use its result.json, or say that it ended without one. */
async function finishReport(report: SavedReport, runtimeId: string | undefined): Promise<void> {
  try {
    const { target, context } = report
    const reporter = new Reporter(target, readSecretInput(Input.githubToken), report.commentId)
    const resultFile = join(target.outputDir, 'result.json')
    let result = readResultFile(resultFile)
    if (!result) {
      const eventsFile = join(target.outputDir, 'events.jsonl')
      const events = readEventsFile(eventsFile)
      result = buildResult(
        context,
        {
          status: 'cancelled',
          error: 'The main step ended without a result: the job was cancelled or the step was killed.',
          totals: events.totals,
          conversationId: report.conversationId
        },
        { runtimeId, startedAt: new Date(), eventCount: events.count, eventsFile }
      )
      result.duration_seconds = 0
      await reporter.record(result, false)
    }
    await reporter.publish(result, { upload: !report.artifactDone && existsSync(target.outputDir), budgetMs: 30_000 })
  } catch (err) {
    warning(`Could not finish the run's report: ${errorMessage(err)}`)
  }
}

/** The name @github/local-action calls for the post step (`npm run local`). */
export const run = runPost
