import { existsSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as core from '@actions/core'
import { COMMENT_EVENTS, GATED_EVENTS, issueNumber, readGithubContext, runUrl, type GithubContext } from './github-context.js'
import {
  boolean,
  conversationUuid,
  count,
  httpUrl,
  imageReference,
  isClearTextToRemote,
  list,
  messageList,
  number,
  oneOf,
  optional,
  optionalUrl,
  resourceFactor,
  secretLines,
  token,
  workingDir
} from './input-rules.js'
import { artifactName, canonicalMatrix, cellKey, defaultImage, sessionId } from './naming.js'
import { addSecret } from './secrets.js'
import type { ExitAction, Mode, PullPolicy, Settings } from './settings.js'

/** Input names, as in action.yml. */
export const Input = {
  prompt: 'prompt',
  promptFile: 'prompt-file',
  llmModel: 'llm-model',
  llmApiKey: 'llm-api-key',
  llmBaseUrl: 'llm-base-url',
  runtimeApiUrl: 'runtime-api-url',
  runtimeApiKey: 'runtime-api-key',
  image: 'image',
  imagePullPolicy: 'image-pull-policy',
  resourceFactor: 'resource-factor',
  sessionId: 'session-id',
  startupTimeout: 'startup-timeout',
  timeoutMinutes: 'timeout-minutes',
  maxIterations: 'max-iterations',
  workingDir: 'working-dir',
  onExit: 'on-exit',
  maxCost: 'max-cost',
  idleTimeout: 'idle-timeout',
  startupRetries: 'startup-retries',
  waitForImage: 'wait-for-image',
  githubToken: 'github-token',
  comment: 'comment',
  uploadArtifacts: 'upload-artifacts',
  uploadWorkspace: 'upload-workspace',
  applyChanges: 'apply-changes',
  uploadLimitMb: 'upload-limit-mb',
  allowedUsers: 'allowed-users',
  allowedBots: 'allowed-bots',
  allowForkCode: 'allow-fork-code',
  sandboxSecrets: 'sandbox-secrets',
  agent: 'agent',
  acpCommand: 'acp-command',
  acpModel: 'acp-model',
  condenser: 'condenser',
  conversationId: 'conversation-id',
  resume: 'resume',
  dryRun: 'dry-run',
  followUp: 'follow-up',
  mode: 'mode',
  results: 'results',
  expectedCells: 'expected-cells',
  baseline: 'baseline',
  costChangeThreshold: 'cost-change-threshold',
  failOnRegression: 'fail-on-regression',
  sweepOlderThan: 'sweep-older-than',
  sweepDryRun: 'sweep-dry-run',
  matrix: 'matrix'
} as const

export const DEFAULT_RUNTIME_API_URL = 'https://runtime.eval.all-hands.dev'
const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never']
const EXIT_ACTIONS: readonly ExitAction[] = ['stop', 'pause', 'keep']
const MODES: readonly Mode[] = ['run', 'aggregate', 'sweep']

const DEFAULTS = {
  llmModel: 'anthropic/claude-sonnet-4-5-20250929',
  startupTimeout: '600',
  timeoutMinutes: '60',
  maxIterations: '500',
  workingDir: '/workspace/project'
}

export class InputError extends Error {
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `Invalid inputs:\n- ${problems.join('\n- ')}`)
    this.name = 'InputError'
  }
}

/**
 * Reads and validates every input once. Secrets are masked first, so nothing printed after
 * this (including the errors below) can show them. All problems are reported together.
 */
export async function readSettings(ctx: GithubContext = readGithubContext()): Promise<Settings> {
  const read = (name: string): string => core.getInput(name)
  const llmApiKey = read(Input.llmApiKey)
  const runtimeApiKey = read(Input.runtimeApiKey)
  const githubToken = read(Input.githubToken)
  addSecret(llmApiKey)
  addSecret(runtimeApiKey)
  addSecret(githubToken)

  const problems: string[] = []
  const check = <T>(parse: () => T): T => {
    try {
      return parse()
    } catch (err) {
      problems.push((err as Error).message)
      return undefined as T
    }
  }
  const mode = check(() => oneOf(Input.mode, read(Input.mode) || 'run', MODES))
  const resultPatterns = core.getMultilineInput(Input.results)
  const followUps = mode === 'run' ? await messageList(Input.followUp, read(Input.followUp)).catch((err: Error) => (problems.push(err.message), [])) : []
  const running = mode === 'run'
  // Each mode needs only its own inputs: aggregate touches no remote API, sweep only the Runtime API.
  if (running && !llmApiKey) problems.push(`Input '${Input.llmApiKey}' is required: the API key of the LLM provider.`)
  if (mode !== 'aggregate' && !runtimeApiKey) problems.push(`Input '${Input.runtimeApiKey}' is required: the OpenHands Runtime API key.`)

  const settings: Settings = {
    mode,
    aggregate: {
      patterns: resultPatterns.length ? resultPatterns : ['**/result.json'],
      expectedCells: list(read(Input.expectedCells)),
      baseline: read(Input.baseline).trim() || null,
      costChangeThreshold: check(() => number(Input.costChangeThreshold, read(Input.costChangeThreshold) || '25', { max: 100_000 })),
      failOnRegression: check(() => boolean(Input.failOnRegression, read(Input.failOnRegression) || 'false'))
    },
    sweep: {
      olderThanMinutes: check(() => count(Input.sweepOlderThan, read(Input.sweepOlderThan) || '120', 7 * 24 * 60)),
      dryRun: check(() => boolean(Input.sweepDryRun, read(Input.sweepDryRun) || 'true'))
    },
    // Text a stranger may have written reaches the model: drop what a reviewer cannot see.
    continuation: {
      conversationId: check(() => optional(read(Input.conversationId), v => conversationUuid(Input.conversationId, v))),
      resume: check(() => boolean(Input.resume, read(Input.resume) || 'false')),
      attempt: ctx.runAttempt
    },
    prompt: running
      ? check(() => {
          const continuing = Boolean(read(Input.conversationId).trim()) || read(Input.resume).trim() === 'true'
          const prompt = readPrompt(read, ctx.workspace, continuing)
          return GATED_EVENTS.has(ctx.eventName) ? stripHiddenContent(prompt) : prompt
        })
      : '',
    followUps,
    dryRun: check(() => boolean(Input.dryRun, read(Input.dryRun) || 'false')),
    agent: check(() => agentSpec(read)),
    llm: {
      model: check(() => token(Input.llmModel, read(Input.llmModel) || DEFAULTS.llmModel)),
      apiKey: llmApiKey,
      baseUrl: check(() => optionalUrl(Input.llmBaseUrl, read(Input.llmBaseUrl)))
    },
    runtimeApi: {
      url: check(() => httpUrl(Input.runtimeApiUrl, read(Input.runtimeApiUrl) || DEFAULT_RUNTIME_API_URL)),
      apiKey: runtimeApiKey
    },
    image: check(() => imageReference(Input.image, read(Input.image) || defaultImage(ctx))),
    imagePullPolicy: check(() => oneOf(Input.imagePullPolicy, read(Input.imagePullPolicy) || 'IfNotPresent', PULL_POLICIES)),
    resourceFactor: check(() => resourceFactor(Input.resourceFactor, read(Input.resourceFactor) || '1')),
    sessionId: '',
    startupTimeoutMs: check(() => number(Input.startupTimeout, read(Input.startupTimeout) || DEFAULTS.startupTimeout, { integer: true, max: 86_400 }) * 1000),
    runTimeoutMs: check(() => number(Input.timeoutMinutes, read(Input.timeoutMinutes) || DEFAULTS.timeoutMinutes, { max: 7 * 24 * 60 }) * 60_000),
    maxIterations: check(() => number(Input.maxIterations, read(Input.maxIterations) || DEFAULTS.maxIterations, { integer: true, max: 100_000 })),
    workingDir: check(() => workingDir(Input.workingDir, read(Input.workingDir) || DEFAULTS.workingDir)),
    onExit: check(() => oneOf(Input.onExit, read(Input.onExit) || 'stop', EXIT_ACTIONS)),
    maxCost: check(() => optional(read(Input.maxCost), v => number(Input.maxCost, v, { max: 1_000_000 }))),
    idleTimeoutMs: check(() => optional(read(Input.idleTimeout), v => number(Input.idleTimeout, v, { max: 24 * 60 }) * 60_000)),
    startupRetries: check(() => count(Input.startupRetries, read(Input.startupRetries) || '0', 5)),
    waitForImageSeconds: check(() => count(Input.waitForImage, read(Input.waitForImage) || '0', 6 * 3600)),
    github: {
      token: githubToken,
      repository: ctx.repository,
      commentOn: null,
      cellKey: '',
      runUrl: runUrl(ctx)
    },
    uploadArtifacts: check(() => boolean(Input.uploadArtifacts, read(Input.uploadArtifacts) || 'true')),
    workspace: {
      checkout: check(() => (boolean(Input.uploadWorkspace, read(Input.uploadWorkspace) || 'true') ? ctx.workspace : null)),
      apply: check(() => boolean(Input.applyChanges, read(Input.applyChanges) || 'true')),
      limitMb: check(() => number(Input.uploadLimitMb, read(Input.uploadLimitMb) || '500', { max: 10_000 }))
    },
    security: {
      allowedUsers: list(read(Input.allowedUsers)),
      allowedBots: list(read(Input.allowedBots)),
      allowForkCode: check(() => boolean(Input.allowForkCode, read(Input.allowForkCode) || 'false'))
    },
    // Untrimmed: a value keeps the spaces it was written with, even on the last line.
    sandboxSecrets: check(() => secretLines(Input.sandboxSecrets, core.getInput(Input.sandboxSecrets, { trimWhitespace: false }))),
    artifactName: '',
    notices: [],
    outputDir: ''
  }
  const comment = check(() => oneOf(Input.comment, read(Input.comment) || 'auto', ['auto', 'true', 'false'] as const))
  const cell = check(() => canonicalMatrix(read(Input.matrix)))
  if (cell !== undefined) settings.sessionId = check(() => sessionId(read(Input.sessionId), ctx, cell))
  if (problems.length) throw new InputError(problems)

  const target = issueNumber(ctx)
  if (comment === 'true' || (comment === 'auto' && COMMENT_EVENTS.has(ctx.eventName))) {
    if (!target)
      settings.notices.push(`Input '${Input.comment}' is ${comment}, but the ${ctx.eventName || 'local'} event names no issue or pull request: no comment.`)
    else if (!githubToken) settings.notices.push(`No '${Input.githubToken}': no comment.`)
    else settings.github.commentOn = target
  }
  for (const [name, url] of [
    [Input.runtimeApiUrl, settings.runtimeApi.url],
    [Input.llmBaseUrl, settings.llm.baseUrl]
  ] as const) {
    if (url && isClearTextToRemote(url))
      settings.notices.push(`Input '${name}' is plain http:// to ${new URL(url).host}: the API key travels in clear text. Use https://.`)
  }
  if (settings.workspace.checkout && !isGitCheckout(settings.workspace.checkout)) settings.workspace.checkout = null
  settings.github.cellKey = cellKey(ctx, cell)
  settings.artifactName = artifactName(ctx.job, cell)
  settings.outputDir = join(ctx.runnerTemp || tmpdir(), 'openhands-remote-run', settings.sessionId)
  return settings
}

/** A secret input the post step needs (the Runtime API key, the GitHub token), masked at once; the rest it reads from the saved state. */
export function readSecretInput(name: (typeof Input)['runtimeApiKey' | 'githubToken']): string {
  const value = core.getInput(name)
  addSecret(value)
  return value
}

function agentSpec(read: (name: string) => string): Settings['agent'] {
  const kind = oneOf(Input.agent, read(Input.agent) || 'openhands', ['openhands', 'acp'] as const)
  const command = read(Input.acpCommand).trim()
  if (kind === 'openhands') {
    if (command) throw new Error(`Input '${Input.acpCommand}' is only for agent: acp.`)
    return { kind, condenser: boolean(Input.condenser, read(Input.condenser) || 'true') }
  }
  if (!command) throw new Error(`Input '${Input.acpCommand}' is required with agent: acp (e.g. claude-agent-acp).`)
  return { kind, command: command.split(/\s+/), model: read(Input.acpModel).trim() || null }
}

/** `optional`: a run that continues a conversation may send no new message. */
function readPrompt(read: (name: string) => string, workspace: string, optional = false): string {
  const inline = read(Input.prompt)
  const file = read(Input.promptFile)
  if (inline && file) throw new Error(`Inputs '${Input.prompt}' and '${Input.promptFile}' are exclusive: give one of them.`)
  if (!inline && !file && optional) return ''
  if (!inline && !file) throw new Error(`Input '${Input.prompt}' or '${Input.promptFile}' is required: the task for the agent.`)
  if (inline) return inline
  const path = resolve(workspace, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`Input '${Input.promptFile}': cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err })
  }
  if (!text.trim()) throw new Error(`Input '${Input.promptFile}': '${file}' is empty.`)
  return text
}

/** True when `dir` is the top of a git checkout with its own .git directory (not a worktree's or submodule's pointer file). */
function isGitCheckout(dir: string): boolean {
  return existsSync(join(dir, '.git')) && statSync(join(dir, '.git')).isDirectory()
}

/** HTML comments, zero-width and bidirectional-control characters: invisible to a reviewer, visible to the model. */
export function stripHiddenContent(text: string): string {
  return text.replace(/<!--[\s\S]*?(-->|$)/g, '').replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g, '')
}
