import { acpEnvironment } from './agent-server/requests.js'
import type { ExistingConversation } from './conversation/continuation.js'
import type { ConversationOptions } from './conversation/run.js'
import type { GithubContext } from './github-context.js'
import type { AggregateOptions, SweepOptions } from './modes/index.js'
import type { ReportTarget, ResultContext } from './report/plan.js'
import type { RuntimeSpec } from './runtime/client.js'
import type { ProvisionOptions } from './runtime/provision.js'
import type { Settings } from './settings.js'
import type { SandboxRepo } from './workspace.js'

/** What run.ts hands each phase: only the part of the settings it needs. */

export function runtimeSpec(settings: Settings): RuntimeSpec {
  return {
    image: settings.image,
    sessionId: settings.sessionId,
    imagePullPolicy: settings.imagePullPolicy,
    resourceFactor: settings.resourceFactor,
    environment: acpEnvironment(settings.agent, settings.llm)
  }
}

export function provisionOptions(settings: Settings): ProvisionOptions {
  return { runtime: runtimeSpec(settings), startupTimeoutMs: settings.startupTimeoutMs, startupRetries: settings.startupRetries }
}

export function conversationSpec(settings: Settings): ConversationOptions['spec'] {
  return { agent: settings.agent, llm: settings.llm, workingDir: settings.workingDir, maxIterations: settings.maxIterations }
}

export function conversationOptions(
  settings: Settings,
  existing: ExistingConversation | undefined,
  repo: SandboxRepo,
  runtimeGone: ConversationOptions['runtimeGone']
): ConversationOptions {
  return {
    spec: conversationSpec(settings),
    prompt: settings.prompt,
    followUps: settings.followUps,
    limits: { runTimeoutMs: settings.runTimeoutMs, idleTimeoutMs: settings.idleTimeoutMs, maxCost: settings.maxCost },
    sandboxSecrets: settings.sandboxSecrets,
    existing,
    base: { tree: repo.baseTree, commit: repo.baseCommit },
    runtimeGone
  }
}

export function reportTarget(settings: Settings): ReportTarget {
  const { repository, commentOn, cellKey, runUrl } = settings.github
  return {
    repository,
    commentOn,
    cellKey,
    runUrl,
    uploadArtifacts: settings.uploadArtifacts,
    artifactName: settings.artifactName,
    outputDir: settings.outputDir
  }
}

export function resultContext(settings: Settings): ResultContext {
  const { conversationId, resume, attempt } = settings.continuation
  return {
    sessionId: settings.sessionId,
    image: settings.image,
    llmModel: settings.llm.model,
    outputDir: settings.outputDir,
    continuedFromAttempt: conversationId || !resume ? null : attempt - 1
  }
}

export function aggregateOptions(settings: Settings, ctx: GithubContext): AggregateOptions {
  return { ...settings.aggregate, workspace: ctx.workspace, report: reportTarget(settings), githubToken: settings.github.token }
}

export function sweepOptions(settings: Settings): SweepOptions {
  return { runtimeApi: settings.runtimeApi, repository: settings.github.repository, ...settings.sweep }
}
