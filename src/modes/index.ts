import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { formatCost } from '../agent-server/describe.js'
import { StickyComment } from '../github/sticky-comment.js'
import { sessionPrefix, type Settings } from '../inputs.js'
import { fail, info } from '../log.js'
import { commentMarker } from '../report/comment.js'
import { Output } from '../report/outputs.js'
import { write as writeSummary } from '../report/summary.js'
import { RuntimeApi } from '../runtime/client.js'
import { withDeadline } from '../timing.js'
import { aggregateResults, renderAggregate, writeAggregate } from './aggregate.js'
import { renderSweep, sweepRuntimes } from './sweep.js'

/** `mode: aggregate`: one table of the matrix's result.json files, in the summary, aggregate.json and (on PR events) the comment. */
export async function aggregateMode(settings: Settings, workspace: string): Promise<void> {
  const aggregate = await aggregateResults({ patterns: settings.aggregate.patterns, expectedCells: settings.aggregate.expectedCells, cwd: workspace })
  mkdirSync(settings.outputDir, { recursive: true })
  const file = join(settings.outputDir, 'aggregate.json')
  writeAggregate(aggregate, file)
  core.setOutput(Output.aggregateFile, file)
  const markdown = renderAggregate(aggregate)
  await writeSummary(markdown)
  const { totals } = aggregate
  info(
    `${totals.cells} cells: ${totals.finished} finished, ${totals.failed} failed (${totals.missing} missing); total cost ${formatCost(totals.cost)}. Written to ${file}.`
  )
  const { commentOn, token, repository, cellKey } = settings.github
  if (commentOn !== null) {
    const comment = new StickyComment({ token, repository, issueNumber: commentOn, marker: commentMarker(`aggregate-${cellKey}`) })
    await withDeadline(comment.finish(`${commentMarker(`aggregate-${cellKey}`)}\n${markdown}`), 30_000)
    if (comment.url) core.setOutput(Output.commentUrl, comment.url)
  }
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
