import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'

/**
 * Runs the built action the way the GitHub runner does: inputs as INPUT_* variables with
 * action.yml defaults filled in, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files,
 * and the post step fed STATE_* from what main saved.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

interface ActionInput {
  default?: string
}
const actionInputs = (parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, ActionInput> }).inputs

export interface JobOptions {
  inputs: Record<string, string>
  /** GITHUB_* and other variables of the job; sensible defaults for a push event. */
  env?: Record<string, string>
  /** Event payload written to GITHUB_EVENT_PATH. */
  event?: unknown
  /** The matrix cell, as `${{ toJSON(matrix) }}` would give it. */
  matrix?: unknown
  /** What `${{ github.token }}` gives; empty by default, as in a run without a token. */
  githubToken?: string
  /** Echo the step's output to this process's stdout as it comes (for the demo). */
  echo?: boolean
  /** Run the steps with the garbage collector forced every few ms (test/harness/force-gc.js). */
  forceGc?: boolean
}

/** Steers a running step: the child process and its output so far. */
export type StepControl = (child: ReturnType<typeof spawn>, output: { stdout: string }) => void

/** A control that runs `action` once, as soon as the step's stdout holds `text` (and `also()` is true). */
export function when(text: string | RegExp, action: (child: ReturnType<typeof spawn>) => void, also: () => boolean = () => true): StepControl {
  return (child, output) => {
    const timer = setInterval(() => {
      const seen = typeof text === 'string' ? output.stdout.includes(text) : text.test(output.stdout)
      if (!seen || !also()) return
      clearInterval(timer)
      action(child)
    }, 5)
    child.on('close', () => clearInterval(timer))
  }
}

export interface StepResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** Wall time of the step in ms. */
  elapsedMs: number
}

/** Every job folder made in this process, for removeJobDirs. */
const jobDirs: string[] = []

/** Removes the folders of every Job made so far (the tests' setup file calls it after each file). */
export function removeJobDirs(): void {
  for (const dir of jobDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export class Job {
  readonly dir: string
  /** GITHUB_WORKSPACE: apart from the runner's own files, as on a real runner. */
  readonly workspace: string
  readonly files: { output: string; state: string; summary: string; event: string }
  readonly env: Record<string, string>

  constructor(private readonly options: JobOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'ohrr-job-'))
    jobDirs.push(this.dir)
    this.workspace = join(this.dir, 'workspace')
    mkdirSync(this.workspace)
    this.files = {
      output: join(this.dir, 'github_output'),
      state: join(this.dir, 'github_state'),
      summary: join(this.dir, 'step_summary.md'),
      event: join(this.dir, 'event.json')
    }
    for (const file of Object.values(this.files)) writeFileSync(file, '')
    writeFileSync(this.files.event, JSON.stringify(options.event ?? {}))
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? this.dir,
      // The test run's own temp dir (test/harness/temp-dir.ts): what the action leaves in it fails the run.
      TMPDIR: tmpdir(),
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: this.files.event,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_RUN_ID: String(1_000_000 + Math.floor(Math.random() * 1_000_000)),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'agent',
      GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_TEMP: join(this.dir, 'runner_temp'),
      GITHUB_OUTPUT: this.files.output,
      GITHUB_STATE: this.files.state,
      GITHUB_STEP_SUMMARY: this.files.summary,
      ...options.env
    }
  }

  /** INPUT_* as the runner sets them: every input of action.yml, defaults evaluated. */
  inputEnv(): Record<string, string> {
    const env: Record<string, string> = {}
    for (const [name, spec] of Object.entries(actionInputs)) {
      let value = this.options.inputs[name] ?? spec.default ?? ''
      if (value === '${{ toJSON(matrix) }}') value = JSON.stringify(this.options.matrix ?? null, null, 2)
      else if (value === '${{ github.token }}') value = this.options.githubToken ?? ''
      else if (value.includes('${{')) throw new Error(`The harness cannot evaluate the default of '${name}': ${value}`)
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    }
    for (const name of Object.keys(this.options.inputs)) {
      if (!(name in actionInputs)) throw new Error(`Input '${name}' is not in action.yml`)
    }
    return env
  }

  main(control?: StepControl): Promise<StepResult> {
    return this.step('main', this.inputEnv(), control)
  }

  /** The post step, with STATE_* from what main saved and the same inputs. */
  post(): Promise<StepResult> {
    return this.step('post', { ...this.inputEnv(), ...this.stateEnv() })
  }

  /** STATE_* as the runner gives them to the post step: what main saved with core.saveState. */
  stateEnv(): Record<string, string> {
    return Object.fromEntries(Object.entries(parseFileCommand(readFileSync(this.files.state, 'utf8'))).map(([k, v]) => [`STATE_${k}`, v]))
  }

  summary(): string {
    return readFileSync(this.files.summary, 'utf8')
  }

  /** Deletes the job's folder (workspace, runner files, outputs). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  private step(entry: 'main' | 'post', extraEnv: Record<string, string>, control?: StepControl): Promise<StepResult> {
    const started = Date.now()
    const outputStart = readFileSync(this.files.output, 'utf8').length
    const gcArgs = this.options.forceGc ? ['--expose-gc', '--import', pathToFileURL(join(REPO_ROOT, 'test', 'harness', 'force-gc.js')).href] : []
    const child = spawn(process.execPath, [...gcArgs, join(REPO_ROOT, 'dist', entry, 'index.js')], {
      env: { ...this.env, ...extraEnv },
      cwd: this.env.GITHUB_WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const output = { stdout: '', stderr: '' }
    child.stdout.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString()
      if (this.options.echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output.stderr += chunk.toString()
      if (this.options.echo) process.stderr.write(chunk)
    })
    control?.(child, output)
    return new Promise((resolvePromise, reject) => {
      child.on('error', reject)
      child.on('close', (code, signal) => {
        resolvePromise({
          code,
          signal,
          stdout: output.stdout,
          stderr: output.stderr,
          outputs: parseFileCommand(readFileSync(this.files.output, 'utf8').slice(outputStart)),
          elapsedMs: Date.now() - started
        })
      })
    })
  }
}

/** Parses the `name<<DELIMITER` blocks @actions/core writes to GITHUB_OUTPUT and GITHUB_STATE. */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (match) {
      const [, name, delimiter] = match
      const body: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return values
}
