import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { runPost } from '../../src/cleanup.js'
import { runMain } from '../../src/run.js'
import { parseFileCommand, type Job, type StepResult } from './runner.js'

/**
 * Runs a step from the sources, in this process, with the runner contract of `Job` (the same
 * INPUT_*, GITHUB_* and STATE_* variables, the job's own runner files): an edit of src/ is
 * checked at once, without `npm run package`. The bundle tier (test/e2e) stays the proof of
 * the built action; this one is for fast feedback on behaviour.
 *
 * What a step leaves in the process is put back after it: the environment, process.exitCode,
 * SIGINT/SIGTERM listeners, and the step summary file that @actions/core remembers.
 */
export type InProcessResult = Pick<StepResult, 'code' | 'stdout' | 'outputs'>

/** The main step (src/run.ts runMain). */
export function mainInProcess(job: Job): Promise<InProcessResult> {
  return runStep(job, runMain, job.inputEnv())
}

/** The post step (src/cleanup.ts runPost), with STATE_* from what main saved. */
export function postInProcess(job: Job): Promise<InProcessResult> {
  return runStep(job, runPost, { ...job.inputEnv(), ...job.stateEnv() })
}

/** What the runner sets, and what a developer's shell or a CI job may have set that the step would read. */
const RUNNER_VARIABLE = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|OPENHANDS_)/
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

async function runStep(job: Job, step: () => Promise<void>, stepEnv: Record<string, string>): Promise<InProcessResult> {
  const savedEnv = { ...process.env }
  const savedExitCode = process.exitCode
  const listeners = SIGNALS.map(signal => new Set(process.listeners(signal)))
  const write = process.stdout.write
  const outputStart = readFileSync(job.files.output, 'utf8').length
  let stdout = ''

  for (const name of Object.keys(process.env)) if (RUNNER_VARIABLE.test(name)) delete process.env[name]
  Object.assign(process.env, job.env, stepEnv)
  forgetSummaryFile()
  process.exitCode = undefined
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  }) as typeof process.stdout.write
  try {
    await step()
  } finally {
    process.stdout.write = write
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
    Object.assign(process.env, savedEnv)
    SIGNALS.forEach((signal, i) => {
      for (const listener of process.listeners(signal)) if (!listeners[i].has(listener)) process.off(signal, listener)
    })
  }
  // core.setFailed sets process.exitCode; the bundle's entry then exits with it.
  const code = Number(process.exitCode ?? 0)
  process.exitCode = savedExitCode
  forgetSummaryFile()
  return { code, stdout, outputs: parseFileCommand(readFileSync(job.files.output, 'utf8').slice(outputStart)) }
}

/**
 * @actions/core's `summary` keeps the GITHUB_STEP_SUMMARY path of its first write for the life
 * of the process (node_modules/@actions/core/lib/summary.js, filePath()): without this, every
 * later step in this process would write its summary into the first job's file.
 */
function forgetSummaryFile(): void {
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  core.summary.emptyBuffer()
}
