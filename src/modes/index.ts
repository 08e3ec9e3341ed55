import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { formatCost } from '../agent-server/describe.js'
import { StickyComment } from '../github/sticky-comment.js'
import { commentMarker, sessionPrefix } from '../naming.js'
import { fail, info, warning } from '../log.js'
import { uploadRunArtifact } from '../report/artifacts.js'
import { COMMENT_LIMIT } from '../report/comment.js'
import { Output } from '../report/outputs.js'
import type { ReportTarget } from '../report/plan.js'
import { write as writeSummary } from '../report/summary.js'
import { RuntimeApi } from '../runtime/client.js'
import { withDeadline } from '../timing.js'
import { aggregateResults, renderAggregate, writeAggregate } from './aggregate.js'
import type { Aggregate } from './aggregate-types.js'
import { compareAggregates, readBaseline, renderComparison } from './baseline.js'
import { renderSweep, sweepRuntimes } from './sweep.js'

/**
 * `mode: aggregate`: one table of the matrix's result.json files, compared with a baseline when
 * one is given, in the summary, aggregate.json (also uploaded as the job's artifact, tomorrow's
 * baseline) and (on PR events) the comment.
 */
export interface AggregateOptions {
  patterns: string[]
  expectedCells: string[]
  /** Path or glob of a previous aggregate.json; null for none. */
  baseline: string | null
  costChangeThreshold: number
  failOnRegression: boolean
  /** Where the patterns are looked up. */
  workspace: string
  report: ReportTarget
  githubToken: string
}

export async function aggregateMode(options: AggregateOptions): Promise<void> {
  const { report, workspace } = options
  const aggregate = await aggregateResults({ patterns: options.patterns, expectedCells: options.expectedCells, cwd: workspace })
  const baseline = options.baseline ? await compareWithBaseline(aggregate, { ...options, baseline: options.baseline }) : {}
  mkdirSync(report.outputDir, { recursive: true })
  const file = join(report.outputDir, 'aggregate.json')
  writeAggregate(aggregate, file)
  core.setOutput(Output.aggregateFile, file)
  const markdown = (aggregate.comparison ? renderComparison(aggregate.comparison) : '') + renderAggregate(aggregate)
  await writeSummary(markdown)
  const { totals } = aggregate
  info(
    `${totals.cells} cells: ${totals.finished} finished, ${totals.failed} failed (${totals.missing} missing); total cost ${formatCost(totals.cost)}. Written to ${file}.`
  )
  if (report.uploadArtifacts) await uploadRunArtifact({ name: report.artifactName, files: [file], rootDirectory: report.outputDir, runUrl: report.runUrl })
  const { commentOn, repository, cellKey } = report
  if (commentOn !== null) {
    const comment = new StickyComment({ token: options.githubToken, repository, issueNumber: commentOn, marker: commentMarker(`aggregate-${cellKey}`) })
    await withDeadline(comment.finish(fitComment(`${commentMarker(`aggregate-${cellKey}`)}\n${markdown}`)), 30_000)
    if (comment.url) core.setOutput(Output.commentUrl, comment.url)
  }
  if (baseline.failure) fail(baseline.failure)
}

/** Sets `aggregate.comparison`; returns the step's failure under fail-on-regression. A baseline that cannot be used only warns otherwise. */
async function compareWithBaseline(aggregate: Aggregate, options: AggregateOptions & { baseline: string }): Promise<{ failure?: string }> {
  const { costChangeThreshold, failOnRegression } = options
  const read = await readBaseline(options.baseline, options.workspace)
  if ('problem' in read) {
    // No baseline at all (the first night, an expired artifact) is no reason to fail; a broken one is, when asked.
    warning(`Not compared with a baseline: ${read.problem}. The aggregate below is this run's alone.`)
    return read.found && failOnRegression ? { failure: `fail-on-regression: the baseline cannot be used (${read.problem}).` } : {}
  }
  const comparison = compareAggregates(aggregate, read.aggregate, { baselineFile: read.file, thresholdPercent: costChangeThreshold })
  aggregate.comparison = comparison
  const { then, now } = comparison.totals
  info(
    `Compared with ${read.file}: ${comparison.regressed.length} regressed, ${comparison.fixed.length} fixed, ${comparison.new_cells.length} new, ` +
      `${comparison.vanished.length} vanished, ${comparison.cost_changes.length} cost changes over ${costChangeThreshold}%; ` +
      `success ${then.finished}/${then.cells} → ${now.finished}/${now.cells}, cost ${formatCost(then.cost)} → ${formatCost(now.cost)}.`
  )
  if (failOnRegression && comparison.regressed.length) return { failure: `Regressed against the baseline: ${comparison.regressed.join(', ')}.` }
  return {}
}

/** GitHub refuses comments over 65 536 characters: the pictures go first, then the table is cut. */
export function fitComment(body: string): string {
  if (body.length <= COMMENT_LIMIT) return body
  const plain = body.replace(/```mermaid\n[\s\S]*?\n```\n\n?/g, '')
  if (plain.length <= COMMENT_LIMIT) return plain
  const note = '\n\n… (cut to fit a comment; the whole table is in the step summary and aggregate.json)\n'
  return plain.slice(0, COMMENT_LIMIT - note.length) + note
}

/** `mode: sweep`: stops this repository's runtimes older than sweep-older-than (a dry run by default). */
export interface SweepOptions {
  runtimeApi: { url: string; apiKey: string }
  repository: string
  olderThanMinutes: number
  dryRun: boolean
}

export async function sweepMode(options: SweepOptions): Promise<void> {
  const api = new RuntimeApi(options.runtimeApi.url, options.runtimeApi.apiKey)
  const entries = await sweepRuntimes(api, { prefix: sessionPrefix(options.repository), olderThanMinutes: options.olderThanMinutes, dryRun: options.dryRun })
  await writeSummary(renderSweep(entries, options.dryRun))
  const failed = entries.filter(entry => entry.action === 'failed').length
  if (failed) fail(`Sweep: ${failed} runtime(s) could not be stopped.`)
}
