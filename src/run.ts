import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import type { Capabilities } from './agent-server/capabilities.js'
import { AgentServer } from './agent-server/client.js'
import { conversationRequest } from './agent-server/requests.js'
import { CancelBudget, cancelOnSignals } from './cancel.js'
import { conversationToContinue, continuedBase } from './conversation/continuation.js'
import { openConversation, type ConversationRun } from './conversation/run.js'
import { EventLog } from './event-log.js'
import { checkActor, checkForkCode, type Verdict } from './gate.js'
import { readGithubContext, type GithubContext } from './github-context.js'
import { preflightImage } from './image.js'
import { readSettings } from './inputs.js'
import { errorMessage, fail, info, notice, phase, warning } from './log.js'
import { commentMarker } from './naming.js'
import { renderProgressComment } from './report/comment.js'
import { Output } from './report/outputs.js'
import { Reporter } from './report/reporter.js'
import { buildResult, type Outcome } from './report/result.js'
import { writeInputErrorSummary } from './report/summary.js'
import { Timeline } from './report/timeline.js'
import * as options from './run-options.js'
import { RuntimeApi, startRequest } from './runtime/client.js'
import { provisionRuntime, type ReadyRuntime } from './runtime/provision.js'
import { findSessionRuntime, releaseRuntime } from './runtime/release.js'
import type { Settings } from './settings.js'
import { markRuntimeReleased, saveConversationId, saveReportPlan, saveRuntimeId, saveSession } from './state.js'
import { DeadlineError, withinDeadline } from './timing.js'
import { applyChanges, downloadChanges, packCheckout, uploadWorkspace, type Changes, type SandboxRepo } from './workspace.js'

const COMMENT_BUDGET_MS = 30_000
/** Bringing the changes back: a few sandbox commands and one download. */
const CHANGES_BUDGET_MS = 300_000

/** What the run produced, filled as it goes; result.json (and, through the state, the post step) is made from it. */
interface RunRecord {
  startedAt: Date
  runtimeId?: string
  conversationId?: string
  baseCommit: string | null
  changes?: Changes
  outcome: Outcome
}

/** The main step: inputs → gate → image → runtime → conversation → changes → release → report. */
export async function runMain(): Promise<void> {
  const startedAt = new Date()
  let ctx: GithubContext
  try {
    ctx = readGithubContext()
  } catch (err) {
    return refuseInvalid(err)
  }
  // Before the inputs: a fork's pull_request run has no secrets, and deserves the reason rather than "llm-api-key is required".
  const fork = checkForkCode(ctx, null, false)
  if (!fork.allowed) return refuseEarly(`Not running: ${fork.reason}`)
  let settings: Settings
  try {
    settings = await readSettings(ctx)
  } catch (err) {
    return refuseInvalid(err)
  }
  for (const notice of settings.notices) warning(notice)
  // The modes' code (and @actions/glob) loads only for the runs that use them.
  if (settings.mode === 'aggregate') return (await import('./modes/index.js')).aggregateMode(options.aggregateOptions(settings, ctx))
  if (settings.mode === 'sweep') return (await import('./modes/index.js')).sweepMode(options.sweepOptions(settings))
  const verdict = await admit(ctx, settings)
  if (!verdict.allowed) return skip(settings, startedAt, verdict)
  if (settings.dryRun) return dryRun(settings, startedAt)
  return runAgent(settings, startedAt)
}

async function runAgent(settings: Settings, startedAt: Date): Promise<void> {
  const cancellation = cancelOnSignals()
  try {
    await runAgentWith(settings, startedAt, cancellation.signal)
  } finally {
    cancellation.dispose()
  }
}

async function runAgentWith(settings: Settings, startedAt: Date, signal: AbortSignal): Promise<void> {
  mkdirSync(settings.outputDir, { recursive: true })
  saveSession({ sessionId: settings.sessionId, runtimeApiUrl: settings.runtimeApi.url, onExit: settings.onExit })
  const target = options.reportTarget(settings)
  const context = options.resultContext(settings)
  saveReportPlan(target, context)
  const api = new RuntimeApi(settings.runtimeApi.url, settings.runtimeApi.apiKey)
  const log = new EventLog(join(settings.outputDir, 'events.jsonl'))
  const reporter = new Reporter(target, settings.github.token)
  const timeline = new Timeline()
  /** A phase of the log that the timeline also records. */
  const timed = <T>(title: string, fn: () => Promise<T>): Promise<T> => phase(title, fn, timeline)
  const record: RunRecord = { startedAt, baseCommit: null, outcome: { status: 'error' } }
  let conversation: ConversationRun | undefined
  reporter.followProgress(() => ({
    phase: record.conversationId ? 'running' : 'provisioning',
    steps: log.actions,
    lastAction: log.lastAction,
    cost: conversation?.cost ?? 0,
    elapsedMs: Date.now() - startedAt.getTime()
  }))

  const { workspace, workingDir } = settings
  // Packing a large checkout takes seconds: done while the runtime provisions, so only the transfer is left after it is ready.
  const packing = new AbortController()
  const packed = workspace.checkout ? packCheckout(workspace.checkout, packing.signal) : undefined
  packed?.catch(() => undefined)
  let provisioning = false
  try {
    await timed('Checking the image', () => preflightImage(settings.image, settings.waitForImageSeconds, signal))
    provisioning = true
    const runtime = await timed('Provisioning the runtime', () => provision(api, settings, record, signal))
    const server = new AgentServer(runtime.url, runtime.sessionApiKey)
    const capabilities = await server.capabilities(signal)
    info(`Agent server version ${capabilities.version}.`)
    const existing = await conversationToContinue(server, capabilities, settings.continuation, signal)
    // A continued conversation's working directory is as its last attempt left it: nothing is uploaded over it.
    const repo = existing
      ? await continuedBase(server, workingDir, existing, signal)
      : await timed(workspace.checkout ? 'Uploading the checkout' : 'Preparing the working directory', () =>
          uploadWorkspace(server, capabilities, { checkout: workspace.checkout, workingDir, limitMb: workspace.limitMb, packed, signal })
        )
    record.baseCommit = repo.baseCommit
    const runtimeGone = (gone: AbortSignal) => isRuntimeGone(api, settings.sessionId, runtime, gone)
    record.outcome = await timed('Running the agent', async () => {
      conversation = await openConversation(server, capabilities, options.conversationOptions(settings, existing, repo, runtimeGone), log, signal)
      record.conversationId = conversation.id
      saveConversationId(conversation.id)
      return conversation.run()
    })
    if (!signal.aborted) {
      const back = await timed('Bringing the changes back', () => bringChangesBack(server, capabilities, repo, settings, record.outcome, signal))
      record.changes = back.changes
      record.outcome = back.outcome
    }
  } catch (err) {
    const cancelled = signal.aborted
    const timedOut = err instanceof DeadlineError
    record.outcome = { status: cancelled ? 'cancelled' : timedOut ? 'timeout' : 'error', error: cancelled ? 'The job was cancelled.' : errorMessage(err) }
  } finally {
    log.close()
  }

  // Released before anything is reported: no failure of reporting (a file command, GitHub) may skip it.
  if (provisioning) await release(api, settings, record.runtimeId, signal.aborted, timeline)
  // A run that ended before the upload stops the pack, and waits for it to remove its copy of the checkout.
  packing.abort()
  await packed?.catch(() => undefined)
  const result = buildResult(context, record.outcome, {
    ...record,
    eventCount: log.count,
    eventsFile: log.path,
    phases: [...timeline.phases]
  })
  await reporter.record(result)
  await reporter.publish(result, { upload: !signal.aborted, budgetMs: signal.aborted ? CancelBudget.commentMs : COMMENT_BUDGET_MS })
  if (result.status !== 'finished') fail(result.error ?? `The run ended with status ${result.status}.`)
}

/** A ready runtime; each runtime id is recorded (and saved for the post step) the moment provisioning knows it. */
async function provision(api: RuntimeApi, settings: Settings, record: RunRecord, signal: AbortSignal): Promise<ReadyRuntime> {
  const steps = provisionRuntime(api, options.provisionOptions(settings), signal)
  for (let step = await steps.next(); ; step = await steps.next()) {
    if (step.done) return step.value
    record.runtimeId = step.value
    saveRuntimeId(step.value)
  }
}

async function isRuntimeGone(api: RuntimeApi, sessionId: string, runtime: ReadyRuntime, signal: AbortSignal): Promise<boolean> {
  const current = await api.getSession(sessionId, { signal, retries: 1 })
  return current?.runtimeId !== runtime.runtimeId || current.status !== 'running'
}

/** The patch, and (apply-changes) the checkout updated; returns them with the outcome they leave. */
async function bringChangesBack(
  server: AgentServer,
  capabilities: Capabilities,
  repo: SandboxRepo,
  settings: Settings,
  outcome: Outcome,
  signal: AbortSignal
): Promise<{ changes?: Changes; outcome: Outcome }> {
  const { checkout, apply } = settings.workspace
  let changes: Changes | undefined
  try {
    changes = await withinDeadline(CHANGES_BUDGET_MS, signal, `the changes were not back within ${CHANGES_BUDGET_MS / 1000}s`, limit =>
      downloadChanges(server, capabilities, repo, { workingDir: settings.workingDir, patchFile: join(settings.outputDir, 'changes.patch'), signal: limit })
    )
    const changed = changes.changedFiles.length
    info(changed ? `The agent changed ${changed === 1 ? '1 file' : `${changed} files`}.` : 'The agent changed no files.')
    if (apply && checkout) await applyChanges(checkout, changes)
    return { changes, outcome }
  } catch (err) {
    // A cancel while the changes come back leaves them on the sandbox side: the run is cancelled, not failed.
    if (signal.aborted) return { changes, outcome: { ...outcome, status: 'cancelled', error: 'The job was cancelled while the changes were brought back.' } }
    // A patch that does not apply fails a finished run (the patch stays for the user); after a failed run, the run's own error stays the headline.
    if (outcome.status === 'finished') return { changes, outcome: { ...outcome, status: 'error', error: errorMessage(err) } }
    warning(`Could not bring the agent's changes back: ${errorMessage(err)}`)
    return { changes, outcome }
  }
}

/** Stops, pauses or keeps the runtime; a /start cut short by startup-timeout or a cancel may still have made one. */
async function release(api: RuntimeApi, settings: Settings, runtimeId: string | undefined, cancelled: boolean, timeline: Timeline): Promise<void> {
  try {
    const left = runtimeId ?? (cancelled ? undefined : await findSessionRuntime(api, settings.sessionId))
    if (left) await timeline.time('Releasing the runtime', () => releaseRuntime(api, left, settings.onExit, cancelled))
    if (left || !cancelled) markRuntimeReleased()
  } catch (err) {
    warning(`Could not release runtime ${runtimeId ?? `of session ${settings.sessionId}`}: ${errorMessage(err)}. The post step will try again.`)
  }
}

/** The gate: fork code on pull_request_target, then the actor's permission. */
async function admit(ctx: GithubContext, settings: Settings): Promise<Verdict & { fail?: boolean }> {
  const fork = checkForkCode(ctx, settings.workspace.checkout, settings.security.allowForkCode)
  if (!fork.allowed) return { ...fork, fail: true }
  const { token, repository } = settings.github
  const lookup = async (login: string) => {
    const { getOctokit } = await import('@actions/github')
    const [owner, repo] = repository.split('/')
    const { data } = await getOctokit(token).rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login })
    return data
  }
  return checkActor(ctx, { ...settings.security, lookup: token ? lookup : null })
}

/** A refused run: status `skipped`, nothing provisioned, no secret used. */
async function skip(settings: Settings, startedAt: Date, verdict: { reason: string; fail?: boolean }): Promise<void> {
  const reason = `Not running: ${verdict.reason}.`
  mkdirSync(settings.outputDir, { recursive: true })
  const result = buildResult(
    options.resultContext(settings),
    { status: 'skipped', error: reason },
    { startedAt, eventCount: 0, eventsFile: join(settings.outputDir, 'events.jsonl') }
  )
  await new Reporter({ ...options.reportTarget(settings), commentOn: null }, settings.github.token).record(result)
  if (verdict.fail) fail(reason)
  else notice(reason)
}

/** Everything but the spending: the image is checked and the requests are shown, nothing is provisioned. */
async function dryRun(settings: Settings, startedAt: Date): Promise<void> {
  await phase('Dry run', async () => {
    await preflightImage(settings.image, 0)
    info(`Would start a runtime: ${JSON.stringify(startRequest(options.runtimeSpec(settings)))}`)
    info(`Would create the conversation: ${JSON.stringify(conversationRequest(options.conversationSpec(settings)))}`)
    const messages = [settings.prompt, ...settings.followUps]
    messages.forEach((message, index) => info(`Message ${index + 1} of ${messages.length}:\n${message}`))
    const { commentOn, cellKey, runUrl } = settings.github
    if (commentOn !== null) {
      const progress = { phase: 'provisioning' as const, steps: 0, cost: 0, elapsedMs: 0 }
      info(`Would comment on #${commentOn}:\n${renderProgressComment(commentMarker(cellKey), progress, { runUrl })}`)
    }
  }).catch(err => fail(`Dry run: ${errorMessage(err)}`))
  await skip(settings, startedAt, { reason: 'dry-run is true; nothing was provisioned' })
}

/** Inputs (or the event payload) that cannot be used: status `error`, nothing provisioned. */
async function refuseInvalid(err: unknown): Promise<void> {
  core.setOutput(Output.status, 'error')
  fail(errorMessage(err))
  await writeInputErrorSummary(errorMessage(err))
}

async function refuseEarly(reason: string): Promise<void> {
  core.setOutput(Output.status, 'skipped')
  fail(reason)
  await writeInputErrorSummary(reason)
}

/** The name @github/local-action calls (`npm run local`); the runner uses dist/main. */
export const run = runMain
