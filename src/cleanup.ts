import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readRuntimeApiKey, readSettings } from './inputs.js'
import { errorMessage, info, warning } from './log.js'
import { Reporter, readResultFile } from './report/reporter.js'
import { buildResult } from './report/result.js'
import { RuntimeApi } from './runtime/client.js'
import { releaseRuntime } from './runtime/release.js'
import { loadReport, loadRuntime, markRuntimeReleased, type SavedReport, type SavedRuntime } from './state.js'

/**
 * The post step: finishes what main could not (killed, crashed or cancelled): releases the
 * runtime, uploads the artifact, brings the comment to a final state. Idempotent; failures here
 * are warnings, never the run's result.
 */
export async function runPost(): Promise<void> {
  const runtime = loadRuntime()
  const report = loadReport()
  const runtimeLeft = runtime !== undefined && !runtime.released
  const reportLeft = report !== undefined && (!report.artifactDone || (report.commentId !== undefined && !report.commentFinal))
  if (!runtimeLeft && !reportLeft) return info('Nothing left to clean up.')
  if (runtimeLeft) await releaseLeftRuntime(runtime)
  if (reportLeft) await finishReport(report)
}

async function releaseLeftRuntime(saved: SavedRuntime): Promise<void> {
  if (saved.onExit === 'keep') return info(`Runtime of session ${saved.sessionId} kept running (on-exit: keep).`)
  try {
    const api = new RuntimeApi(saved.runtimeApiUrl, readRuntimeApiKey())
    const runtimeId = saved.runtimeId ?? (await findRuntime(api, saved.sessionId))
    if (!runtimeId) return info(`No runtime to release for session ${saved.sessionId}.`)
    await releaseRuntime(api, runtimeId, saved.onExit)
    markRuntimeReleased()
  } catch (err) {
    warning(`Could not release the runtime of session ${saved.sessionId}: ${errorMessage(err)}`)
  }
}

function countLines(file: string): number {
  if (!existsSync(file)) return 0
  const text = readFileSync(file, 'utf8')
  return text ? text.split('\n').length - 1 : 0
}

async function findRuntime(api: RuntimeApi, sessionId: string): Promise<string | undefined> {
  const runtime = await api.getSession(sessionId)
  return runtime && runtime.status !== 'stopped' ? runtime.runtimeId : undefined
}

/** Main ended before its report was complete: use its result.json, or say that it ended without one. */
async function finishReport(report: SavedReport): Promise<void> {
  try {
    const settings = { ...readSettings(), outputDir: report.outputDir }
    const reporter = new Reporter(settings, report.commentId)
    const resultFile = join(report.outputDir, 'result.json')
    let result = readResultFile(resultFile)
    if (!result) {
      const eventsFile = join(report.outputDir, 'events.jsonl')
      result = buildResult(
        settings,
        { status: 'cancelled', error: 'The main step ended without a result: the job was cancelled or the step was killed.' },
        { startedAt: new Date(), eventCount: countLines(eventsFile), eventsFile }
      )
      result.duration_seconds = 0
      await reporter.record(result, false)
    }
    await reporter.publish(result, { upload: !report.artifactDone && existsSync(report.outputDir), budgetMs: 30_000 })
  } catch (err) {
    warning(`Could not finish the run's report: ${errorMessage(err)}`)
  }
}

/** The name @github/local-action calls for the post step (`npm run local`). */
export const run = runPost
