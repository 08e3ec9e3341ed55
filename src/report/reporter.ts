import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { formatCost } from '../agent-server/describe.js'
import { StickyComment } from '../github/sticky-comment.js'
import { formatDuration, info } from '../log.js'
import { markArtifactDone, markCommentFinal, saveCommentId } from '../state.js'
import { withDeadline } from '../timing.js'
import type { ReportTarget } from './plan.js'
import { uploadRunArtifact } from './artifacts.js'
import { commentMarker } from '../naming.js'
import { renderFinalComment, renderProgressComment, type Progress } from './comment.js'
import { Output, setRunOutputs } from './outputs.js'
import { formatUsd, writeResultFile, type RunResult } from './result.js'
import { count } from './markdown.js'
import { writeStepSummary } from './summary.js'

const PROGRESS_CHECK_MS = 2_000
const HEARTBEAT_MS = 60_000

/**
 * Everything the run shows people: the sticky comment (live, then final), result.json, the
 * outputs, the step summary and the artifact. Used by main, and by post for what main left.
 */
export class Reporter {
  private readonly comment: StickyComment | undefined
  private ticker: NodeJS.Timeout | undefined

  constructor(
    private readonly target: ReportTarget,
    token: string,
    commentId?: number
  ) {
    const { commentOn, repository, cellKey } = target
    if (commentOn !== null) {
      this.comment = new StickyComment({
        token,
        repository,
        issueNumber: commentOn,
        marker: commentMarker(cellKey),
        commentId,
        onCreated: id => saveCommentId(id)
      })
    }
  }

  /** Keeps the comment current while the run goes: edited when something changed, or once a minute. */
  followProgress(progress: () => Progress): void {
    if (!this.comment) return
    let last = ''
    let lastShown = 0
    const check = (): void => {
      const now = progress()
      const key = `${now.phase}|${now.steps}|${now.cost}|${now.lastAction}`
      if (key === last && Date.now() - lastShown < HEARTBEAT_MS) return
      last = key
      lastShown = Date.now()
      this.comment!.show(renderProgressComment(commentMarker(this.target.cellKey), now, { runUrl: this.target.runUrl }))
    }
    check()
    this.ticker = setInterval(check, PROGRESS_CHECK_MS)
    this.ticker.unref()
  }

  /** result.json, the outputs, the step summary and (in main) the log's closing lines. */
  async record(result: RunResult, closingLines = true): Promise<void> {
    clearInterval(this.ticker)
    writeResultFile(result)
    setRunOutputs(result)
    await writeStepSummary(result)
    if (!closingLines) return
    // The OpenHands SDK's CI reads this exact line.
    info(`EXAMPLE_COST: ${formatUsd(result.cost)}`)
    info(
      `Run ${result.status}: ${formatCost(result.cost)}, ${count(result.prompt_tokens)} prompt + ${count(result.completion_tokens)} completion tokens, ` +
        `${formatDuration(result.duration_seconds * 1000)}, ${result.event_count} events.`
    )
  }

  /** Uploads the artifact (unless turned off) and brings the comment to its final state, within `budgetMs`. */
  async publish(result: RunResult, options: { upload: boolean; budgetMs: number }): Promise<void> {
    let artifactUrl: string | undefined
    if (options.upload && this.target.uploadArtifacts) {
      const artifact = await uploadRunArtifact({
        name: this.target.artifactName,
        files: [result.events_file, result.result_file, ...(result.patch_file ? [result.patch_file] : [])],
        rootDirectory: this.target.outputDir,
        runUrl: this.target.runUrl
      })
      artifactUrl = artifact.url
      markArtifactDone(artifact.uploaded)
    } else if (options.upload) {
      markArtifactDone(false)
    }
    if (!this.comment) return
    const body = renderFinalComment(commentMarker(this.target.cellKey), result, { runUrl: this.target.runUrl, artifactUrl })
    if (await withDeadline(this.comment.finish(body), options.budgetMs)) markCommentFinal()
    if (this.comment.url) core.setOutput(Output.commentUrl, this.comment.url)
  }
}

export function readResultFile(path: string): RunResult | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunResult
  } catch {
    return undefined
  }
}
