import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, posix, resolve } from 'node:path'
import * as core from '@actions/core'
import { parse as parseYaml } from 'yaml'
import { COMMENT_EVENTS, commitUnderTest, issueNumber, readGithubContext, runUrl, type GithubContext } from './github-context.js'
import { GATED_EVENTS, stripHiddenContent } from './gate.js'
import { addSecret } from './secrets.js'
import { isGitCheckout } from './workspace.js'

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

export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const
export const RESOURCE_FACTORS = [1, 2, 4, 8] as const
export const EXIT_ACTIONS = ['stop', 'pause', 'keep'] as const
export const MODES = ['run', 'aggregate', 'sweep'] as const

export type PullPolicy = (typeof PULL_POLICIES)[number]
export type ResourceFactor = (typeof RESOURCE_FACTORS)[number]
export type ExitAction = (typeof EXIT_ACTIONS)[number]
export type Mode = (typeof MODES)[number]

export interface Settings {
  /** run: one conversation; aggregate: merge matrix results; sweep: stop this repository's stale runtimes. */
  mode: Mode
  aggregate: {
    patterns: string[]
    expectedCells: string[]
    /** Path or glob of a previous aggregate.json to compare with; null for none. */
    baseline: string | null
    /** Percent: a cell's cost moving more than this (either way) is listed. */
    costChangeThreshold: number
    /** Fail the step when a cell regressed against the baseline, or the baseline cannot be read. */
    failOnRegression: boolean
  }
  sweep: { olderThanMinutes: number; dryRun: boolean }
  /** Empty when the run continues a conversation without a new message. */
  prompt: string
  /** Go on with a conversation of the runtime instead of creating one: the one named, or on a re-run (`resume`) the runtime's latest. */
  continuation: { conversationId: string | null; resume: boolean; attempt: number }
  /** Further messages, each sent once the previous run has finished. */
  followUps: string[]
  /** Validate, check the image, run the gate, render: provision nothing. */
  dryRun: boolean
  /** The default OpenHands agent, or an ACP agent (an agent CLI spoken to over the Agent Client Protocol). */
  /** `condenser`: the default agent summarizes old events (as the SDK's default agent does) so a long run fits the model's context. */
  agent: { kind: 'openhands'; condenser: boolean } | { kind: 'acp'; command: string[]; model: string | null }
  llm: { model: string; apiKey: string; baseUrl: string | null }
  runtimeApi: { url: string; apiKey: string }
  image: string
  imagePullPolicy: PullPolicy
  resourceFactor: ResourceFactor
  sessionId: string
  startupTimeoutMs: number
  runTimeoutMs: number
  maxIterations: number
  workingDir: string
  onExit: ExitAction
  /** USD; the agent is paused once the running cost passes it. */
  maxCost: number | null
  /** No event for this long ends the run as a timeout. */
  idleTimeoutMs: number | null
  /** New runtimes to try after a failed start-up. */
  startupRetries: number
  /** How long to wait for the image to appear in its registry. */
  waitForImageSeconds: number
  github: {
    token: string
    repository: string
    /** Issue or pull request that gets the sticky comment; null when no comment is posted. */
    commentOn: number | null
    /** Identifies this workflow + job + matrix cell: one comment and one artifact each. */
    cellKey: string
    runUrl: string | undefined
  }
  uploadArtifacts: boolean
  workspace: {
    /** The runner's checkout to send into the sandbox; null when not uploading (no checkout, or turned off). */
    checkout: string | null
    /** Apply the agent's changes back to the runner's checkout. */
    apply: boolean
    limitMb: number
  }
  security: {
    /** Logins allowed to trigger a run without write permission. */
    allowedUsers: string[]
    /** Bot logins allowed to trigger a run; '*' for any bot. */
    allowedBots: string[]
    allowForkCode: boolean
  }
  /** Handed to the agent through the conversation's secrets API, never as plain environment. */
  sandboxSecrets: Record<string, string>
  /** Name of the workflow artifact; includes the matrix cell. */
  artifactName: string
  /** Warnings about inputs that are valid but will not do what they say. */
  notices: string[]
  /** Where events.jsonl and result.json are written. */
  outputDir: string
}

export const IMAGE_REPOSITORY = 'ghcr.io/openhands/agent-server'
export const DEFAULT_RUNTIME_API_URL = 'https://runtime.eval.all-hands.dev'
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

type Read = (name: string) => string

/**
 * Reads and validates every input once. Secrets are masked first, so nothing printed after
 * this (including the errors below) can show them. All problems are reported together.
 */
export function readSettings(read: Read = name => core.getInput(name), ctx: GithubContext = readGithubContext()): Settings {
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
  const running = mode === 'run'
  // Each mode needs only its own inputs: aggregate touches no remote API, sweep only the Runtime API.
  if (running && !llmApiKey) problems.push(`Input '${Input.llmApiKey}' is required: the API key of the LLM provider.`)
  if (mode !== 'aggregate' && !runtimeApiKey) problems.push(`Input '${Input.runtimeApiKey}' is required: the OpenHands Runtime API key.`)

  const settings: Settings = {
    mode,
    aggregate: {
      patterns: (read(Input.results) || '**/result.json')
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(Boolean),
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
      conversationId: check(() => optional(read(Input.conversationId), conversationUuid)),
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
    followUps: running ? check(() => followUps(read(Input.followUp))) : [],
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
    image: check(() => imageReference(read(Input.image) || defaultImage(ctx))),
    imagePullPolicy: check(() => oneOf(Input.imagePullPolicy, read(Input.imagePullPolicy) || 'IfNotPresent', PULL_POLICIES)),
    resourceFactor: check(() => resourceFactor(read(Input.resourceFactor) || '1')),
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
    sandboxSecrets: check(() => secretLines(read(Input.sandboxSecrets))),
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
  settings.github.cellKey = shortHash(`${ctx.workflow}\n${ctx.job}\n${cell}`)
  settings.artifactName = artifactName(ctx.job, cell)
  settings.outputDir = join(ctx.runnerTemp || tmpdir(), 'openhands-remote-run', settings.sessionId)
  return settings
}

/** What the post step needs to release a runtime: just the Runtime API key. */
export function readRuntimeApiKey(read: Read = name => core.getInput(name)): string {
  const key = read(Input.runtimeApiKey)
  addSecret(key)
  return key
}

function agentSpec(read: Read): Settings['agent'] {
  const kind = oneOf(Input.agent, read(Input.agent) || 'openhands', ['openhands', 'acp'] as const)
  const command = read(Input.acpCommand).trim()
  if (kind === 'openhands') {
    if (command) throw new Error(`Input '${Input.acpCommand}' is only for agent: acp.`)
    return { kind, condenser: boolean(Input.condenser, read(Input.condenser) || 'true') }
  }
  if (!command) throw new Error(`Input '${Input.acpCommand}' is required with agent: acp (e.g. claude-agent-acp).`)
  return { kind, command: command.split(/\s+/), model: read(Input.acpModel).trim() || null }
}

/**
 * Follow-up messages: a YAML list (`- first` lines, a flow list `[a, b]`, `- |` for an item of
 * several lines), or else one message per line.
 */
export function followUps(value: string): string[] {
  const content = value.split(/\r?\n/).filter(line => line.trim())
  if (!content.length) return []
  if (!/^\s*(- |-$|\[)/.test(content[0])) return content.map(line => line.trim())
  let parsed: unknown
  try {
    parsed = parseYaml(value)
  } catch (err) {
    throw new Error(`Input '${Input.followUp}' is not a valid YAML list: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (!Array.isArray(parsed)) throw new Error(`Input '${Input.followUp}' must be a YAML list of messages.`)
  return parsed
    .map((item: unknown, index) => {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item).trim()
      if (item === null) return ''
      throw new Error(`Input '${Input.followUp}', item ${index + 1}: a message must be text, not a ${Array.isArray(item) ? 'list' : 'mapping'}.`)
    })
    .filter(Boolean)
}

/** Logins, separated by commas, spaces or new lines. */
function list(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map(item => item.trim().replace(/^@/, ''))
    .filter(Boolean)
}

/** `NAME=value` lines; the value is everything after the first `=` up to the end of the line, spaces kept. Every value is masked at once. */
function secretLines(value: string): Record<string, string> {
  const secrets: Record<string, string> = {}
  value.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim() || line.trim().startsWith('#')) return
    const at = line.indexOf('=')
    const name = at > 0 ? line.slice(0, at).trim() : ''
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`Input '${Input.sandboxSecrets}', line ${index + 1}: expected NAME=value with a name of letters, digits and '_'.`)
    }
    if (name in secrets) throw new Error(`Input '${Input.sandboxSecrets}', line ${index + 1}: ${name} is given twice.`)
    const secret = line.slice(at + 1)
    addSecret(secret)
    secrets[name] = secret
  })
  return secrets
}

function boolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (v === 'true') return true
  if (v === 'false') return false
  throw new Error(`Input '${name}' must be true or false; got '${value}'.`)
}

/** `openhands-<job>[-<matrix values>]`, in the characters artifact names allow. */
function artifactName(job: string, cell: string): string {
  const values = cell === 'null' ? [] : Object.values(JSON.parse(cell) as Record<string, unknown>).map(v => (typeof v === 'string' ? v : JSON.stringify(v)))
  let key = values
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (key.length > 60) key = `${key.slice(0, 50)}-${shortHash(cell)}`
  return ['openhands', job || 'run', key].filter(Boolean).join('-')
}

/** `optional`: a run that continues a conversation may send no new message. */
function readPrompt(read: Read, workspace: string, optional = false): string {
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

function token(name: string, value: string): string {
  if (/\s/.test(value)) throw new Error(`Input '${name}' must not contain spaces; got '${value}'.`)
  return value
}

function httpUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`Input '${name}' must be an http(s) URL; got '${value}'.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Input '${name}' must be an http(s) URL; got '${value}'.`)
  }
  if (url.username || url.password) throw new Error(`Input '${name}' must not carry credentials in the URL.`)
  return value.replace(/\/+$/, '')
}

function optionalUrl(name: string, value: string): string | null {
  return value ? httpUrl(name, value) : null
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
  if (!match) throw new Error(`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
  return match
}

function resourceFactor(value: string): ResourceFactor {
  const factor = Number(value)
  if (!(RESOURCE_FACTORS as readonly number[]).includes(factor)) {
    throw new Error(`Input '${Input.resourceFactor}' must be one of ${RESOURCE_FACTORS.join(', ')}; got '${value}'.`)
  }
  return factor as ResourceFactor
}

function number(name: string, value: string, rule: { integer?: boolean; max: number }): number {
  const n = Number(value)
  const kind = rule.integer ? 'a whole number' : 'a number'
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || n <= 0 || n > rule.max || (rule.integer && !Number.isInteger(n))) {
    throw new Error(`Input '${name}' must be ${kind} greater than 0 and at most ${rule.max}; got '${value}'.`)
  }
  return n
}

/** A whole number from 0 to max. */
function count(name: string, value: string, max: number): number {
  const n = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || n > max) throw new Error(`Input '${name}' must be a whole number from 0 to ${max}; got '${value}'.`)
  return n
}

function optional<T>(value: string, parse: (value: string) => T): T | null {
  return value.trim() ? parse(value) : null
}

/** Directories of the sandbox's system: as working-dir, the upload would unpack over them and `git add -A` would stage them. */
const SYSTEM_DIRS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var'
]

/**
 * The agent server keeps its own data in /workspace (conversations, bash events) when it runs from
 * `/`, as in the Runtime API's pods: a working directory that holds it would put the server's
 * files, secrets masked or not, into `git add -A` and the patch.
 */
const SERVER_DATA = ['/workspace/conversations', '/workspace/bash_events']

function workingDir(name: string, value: string): string {
  if (!posix.isAbsolute(value) || !isAbsolute(value)) throw new Error(`Input '${name}' must be an absolute path in the sandbox; got '${value}'.`)
  const dir = posix.normalize(value).replace(/(.)\/+$/, '$1')
  if (SYSTEM_DIRS.includes(dir) || /^\/(proc|sys|dev|usr|etc|bin|sbin|lib)\//.test(dir)) {
    throw new Error(`Input '${name}' must be a project directory, not '${dir}', a directory of the sandbox's system (e.g. ${DEFAULTS.workingDir}).`)
  }
  const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`)
  if (SERVER_DATA.some(data => within(data, dir) || within(dir, data))) {
    throw new Error(
      `Input '${name}' must not hold the agent server's own data (${SERVER_DATA.join(', ')}); got '${value}'. Use a folder below /workspace, e.g. /workspace/project.`
    )
  }
  return dir
}

/** http:// to anything but this machine: keys sent to it can be read on the way. */
function isClearTextToRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  return protocol === 'http:' && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(hostname)
}

/** A conversation id as the agent server gives it (dashed) or stores it (32 hex digits). */
function conversationUuid(value: string): string {
  const id = value.trim().toLowerCase()
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(id)) {
    throw new Error(`Input '${Input.conversationId}' must be a conversation id (a UUID, as the output conversation-id gives it); got '${value}'.`)
  }
  return id
}

// name[:tag][@digest], lower-case repository path as OCI requires.
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/

function imageReference(value: string): string {
  if (!IMAGE_REF.test(value)) throw new Error(`Input '${Input.image}' is not a valid image reference: '${value}'.`)
  return value
}

export function defaultImage(ctx: GithubContext): string {
  const sha = commitUnderTest(ctx)
  const tag = sha && /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : 'main'
  return `${IMAGE_REPOSITORY}:${tag}-python-amd64`
}

/**
 * Session ids are deterministic per repository, run, job and matrix cell, so a re-run of a
 * cell re-attaches to its own runtime and two cells never share one. The prefix depends on
 * the repository alone: `ohrr-<hash of owner/repo>-`.
 */
export function sessionId(value: string, ctx: GithubContext, cell: string): string {
  if (value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)) {
      throw new Error(`Input '${Input.sessionId}' may hold letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit); got '${value}'.`)
    }
    return value
  }
  if (!ctx.repository || !ctx.runId) return `ohrr-local-${randomBytes(6).toString('hex')}`
  const job =
    ctx.job
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'job'
  return `${sessionPrefix(ctx.repository)}${ctx.runId}-${job}-${shortHash(`${ctx.job}\n${cell}`)}`
}

export function sessionPrefix(repository: string): string {
  return `ohrr-${shortHash(repository.toLowerCase())}-`
}

export function canonicalMatrix(value: string): string {
  if (!value.trim()) return 'null'
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new Error(`Input '${Input.matrix}' must be JSON, as \${{ toJSON(matrix) }} gives; got '${value.slice(0, 80)}'.`)
  }
  return stableStringify(parsed)
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}
