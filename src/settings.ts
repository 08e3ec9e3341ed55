import type { AgentSpec, LlmSpec } from './agent-server/requests.js'
import type { PullPolicy, ResourceFactor } from './runtime/client.js'
import type { ExitAction } from './runtime/release.js'

export type { AgentSpec, LlmSpec } from './agent-server/requests.js'
export type { PullPolicy, ResourceFactor } from './runtime/client.js'
export type { ExitAction } from './runtime/release.js'
export type Mode = 'run' | 'aggregate' | 'sweep'

/** Every input, parsed and validated once (inputs.ts); run.ts hands each phase only the part it needs. */
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
  agent: AgentSpec
  llm: LlmSpec
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
