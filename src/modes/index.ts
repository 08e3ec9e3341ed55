import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { formatCost } from '../agent-server/describe.js'
import { StickyComment } from '../github/sticky-comment.js'
import { sessionPrefix, type Settings } from '../inputs.js'
import { fail, info, warning } from '../log.js'
import { uploadRunArtifact } from '../report/artifacts.js'
import { COMMENT_LIMIT, commentMarker } from '../report/comment.js'
import { Output } from '../report/outputs.js'
import { write as writeSummary } from '../report/summary.js'
import { RuntimeApi } from '../runtime/client.js'
import { withDeadline } from '../timing.js'
import { aggregateResults, renderAggregate, writeAggregate, type Aggregate } from './aggregate.js'
import { compareAggregates, readBaseline, renderComparison } from './baseline.js'
import { renderSweep, sweepRuntimes } from './sweep.js'

/**
 * `mode: aggregate`: one table of the matrix's result.json files, compared with a baseline when
 * one is given, in the summary, aggregate.json (also uploaded as the job's artifact, tomorrow's
 * baseline) and (on PR events) the comment.
 */
export async function aggregateMode(settings: Settings, workspace: string): Promise<void> {
  const aggregate = await aggregateResults({ patterns: settings.aggregate.patterns, expectedCells: settings.aggregate.expectedCells, cwd: workspace })
  const { baseline: pattern } = settings.aggregate
  const baseline = pattern ? await compareWithBaseline(aggregate, pattern, settings, workspace) : {}
  mkdirSync(settings.outputDir, { recursive: true })
  const file = join(settings.outputDir, 'aggregate.json')
  writeAggregate(aggregate, file)
  core.setOutput(Output.aggregateFile, file)
  const markdown = (aggregate.comparison ? renderComparison(aggregate.comparison) : '') + renderAggregate(aggregate)
  await writeSummary(markdown)
  const { totals } = aggregate
  info(
    `${totals.cells} cells: ${totals.finished} finished, ${totals.failed} failed (${totals.missing} missing); total cost ${formatCost(totals.cost)}. Written to ${file}.`
  )
  if (settings.uploadArtifacts)
    await uploadRunArtifact({ name: settings.artifactName, files: [file], rootDirectory: settings.outputDir, runUrl: settings.github.runUrl })
  const { commentOn, token, repository, cellKey } = settings.github
  if (commentOn !== null) {
    const comment = new StickyComment({ token, repository, issueNumber: commentOn, marker: commentMarker(`aggregate-${cellKey}`) })
    await withDeadline(comment.finish(fitComment(`${commentMarker(`aggregate-${cellKey}`)}\n${markdown}`)), 30_000)
    if (comment.url) core.setOutput(Output.commentUrl, comment.url)
  }
  if (baseline.failure) fail(baseline.failure)
}

/** Sets `aggregate.comparison`; returns the step's failure under fail-on-regression. A baseline that cannot be used only warns otherwise. */
async function compareWithBaseline(aggregate: Aggregate, pattern: string, settings: Settings, workspace: string): Promise<{ failure?: string }> {
  const { costChangeThreshold, failOnRegression } = settings.aggregate
  const read = await readBaseline(pattern, workspace)
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
export async function sweepMode(settings: Settings): Promise<void> {
  const api = new RuntimeApi(settings.runtimeApi.url, settings.runtimeApi.apiKey)
  const entries = await sweepRuntimes(api, {
    prefix: sessionPrefix(settings.github.repository),
    olderThanMinutes: settings.sweep.olderThanMinutes,
    dryRun: settings.sweep.dryRun
  })
  await writeSummary(renderSweep(entries, settings.sweep.dryRun))
  const failed = entries.filter(entry => entry.action === 'failed').length
  if (failed) fail(`Sweep: ${failed} runtime(s) could not be stopped.`)
}
