import * as core from '@actions/core'
import type { ReportTarget, ResultContext } from './report/plan.js'
import type { ExitAction } from './runtime/release.js'

/** Every key main hands to the post step, in one place. */
const Key = {
  sessionId: 'session-id',
  runtimeApiUrl: 'runtime-api-url',
  onExit: 'on-exit',
  runtimeId: 'runtime-id',
  conversationId: 'conversation-id',
  released: 'runtime-released',
  commentId: 'comment-id',
  commentFinal: 'comment-final',
  artifactUploaded: 'artifact-uploaded',
  artifactDone: 'artifact-done',
  reportPlan: 'report-plan'
} as const

export interface SavedRuntime {
  sessionId: string
  runtimeApiUrl: string
  onExit: ExitAction
  /** Absent when main ended before the Runtime API answered /start: post then looks it up by session id. */
  runtimeId?: string
  /** True once main has stopped, paused or (as asked) kept the runtime itself. */
  released: boolean
}

/** Saved before the first Runtime API call, so the post step can find a runtime even if /start never answered. */
export function saveSession(session: Pick<SavedRuntime, 'sessionId' | 'runtimeApiUrl' | 'onExit'>): void {
  core.saveState(Key.sessionId, session.sessionId)
  core.saveState(Key.runtimeApiUrl, session.runtimeApiUrl)
  core.saveState(Key.onExit, session.onExit)
}

/** Saved the moment the runtime id is known. */
export function saveRuntimeId(runtimeId: string): void {
  core.saveState(Key.runtimeId, runtimeId)
}

/** Saved the moment the conversation exists, so a post step after a killed main can still name it. */
export function saveConversationId(conversationId: string): void {
  core.saveState(Key.conversationId, conversationId)
}

export function markRuntimeReleased(): void {
  core.saveState(Key.released, 'true')
}

export function loadRuntime(): SavedRuntime | undefined {
  const sessionId = core.getState(Key.sessionId)
  if (!sessionId) return undefined
  return {
    sessionId,
    runtimeApiUrl: core.getState(Key.runtimeApiUrl),
    onExit: (core.getState(Key.onExit) || 'stop') as ExitAction,
    runtimeId: core.getState(Key.runtimeId) || undefined,
    released: core.getState(Key.released) === 'true'
  }
}

/** What main did about reporting, so the post step can finish what a cancel or crash left. */
export interface SavedReport {
  target: ReportTarget
  context: ResultContext
  conversationId?: string
  commentId?: number
  commentFinal: boolean
  /** Main is done with the artifact: uploaded, failed with a warning, turned off, or no artifact service to upload to. */
  artifactDone: boolean
}

/** Saved before the run begins: the post step reports from it without reading the inputs again. */
export function saveReportPlan(target: ReportTarget, context: ResultContext): void {
  core.saveState(Key.reportPlan, JSON.stringify({ target, context }))
}

export function saveCommentId(id: number): void {
  core.saveState(Key.commentId, String(id))
}

export function markCommentFinal(): void {
  core.saveState(Key.commentFinal, 'true')
}

/** `artifact-uploaded` only when it was; `artifact-done` either way, so the post step does not try again. */
export function markArtifactDone(uploaded: boolean): void {
  if (uploaded) core.saveState(Key.artifactUploaded, 'true')
  core.saveState(Key.artifactDone, 'true')
}

export function loadReport(): SavedReport | undefined {
  const plan = core.getState(Key.reportPlan)
  if (!plan) return undefined
  const { target, context } = JSON.parse(plan) as Pick<SavedReport, 'target' | 'context'>
  const commentId = Number(core.getState(Key.commentId))
  return {
    target,
    context,
    conversationId: core.getState(Key.conversationId) || undefined,
    commentId: commentId > 0 ? commentId : undefined,
    commentFinal: core.getState(Key.commentFinal) === 'true',
    artifactDone: core.getState(Key.artifactDone) === 'true'
  }
}
