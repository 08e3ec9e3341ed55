import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { AgentServer } from './agent-server/client.js'
import { conversationRequest, runConversation } from './conversation.js'
import { EventLog } from './event-log.js'
import { preflightImage } from './image.js'
import { checkActor, checkForkCode, type Verdict } from './gate.js'
import { readGithubContext, type GithubContext } from './github-context.js'
import { readSettings, type Settings } from './inputs.js'
import { errorMessage, fail, info, notice, phase, warning } from './log.js'
import { commentMarker, renderProgressComment } from './report/comment.js'
import { Output } from './report/outputs.js'
import { Reporter } from './report/reporter.js'
import { writeInputErrorSummary } from './report/summary.js'
import { buildResult, type Outcome } from './report/result.js'
import { Timeline } from './report/timeline.js'
import { RuntimeApi } from './runtime/client.js'
import { provisionRuntime, startRequest } from './runtime/provision.js'
import { findSessionRuntime, releaseRuntime } from './runtime/release.js'
import { markRuntimeReleased, saveConversationId, saveOutputDir, saveRuntimeId, saveSession } from './state.js'
import { DeadlineError, withinDeadline } from './timing.js'
import { conversationToContinue, continuedBase } from './continuation.js'
import { applyChanges, downloadChanges, packCheckout, uploadWorkspace, type Changes } from './workspace.js'

/** After a cancel, what is left of the runner's 7.5 s goes to the final comment; the post step uploads the artifact. */
const CANCEL_COMMENT_BUDGET_MS = 2_000
const COMMENT_BUDGET_MS = 30_000
/** Bringing the changes back: a few sandbox commands and one download. */
const CHANGES_BUDGET_MS = 300_000

/** The main step: inputs → image → runtime → conversation → report → release. */
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
    settings = readSettings(undefined, ctx)
  } catch (err) {
    return refuseInvalid(err)
  }
  for (const notice of settings.notices) warning(notice)
  // The modes' code (and @actions/glob) loads only for the runs that use them.
  if (settings.mode === 'aggregate') return (await import('./modes/index.js')).aggregateMode(settings, ctx.workspace)
  if (settings.mode === 'sweep') return (await import('./modes/index.js')).sweepMode(settings)
  const verdict = await admit(ctx, settings)
  if (!verdict.allowed) return skip(settings, startedAt, verdict)
  if (settings.dryRun) return dryRun(settings, startedAt)

  const cancellation = cancelOnSignals()
  const { signal } = cancellation
  mkdirSync(settings.outputDir, { recursive: true })
  saveSession({ sessionId: settings.sessionId, runtimeApiUrl: settings.runtimeApi.url, onExit: settings.onExit })
  saveOutputDir(settings.outputDir)
  const api = new RuntimeApi(settings.runtimeApi.url, settings.runtimeApi.apiKey)
  const log = new EventLog(join(settings.outputDir, 'events.jsonl'))
  const reporter = new Reporter(settings)
  const timeline = new Timeline()
  /** A phase of the log that the timeline also records. */
  const timed = <T>(title: string, fn: () => Promise<T>): Promise<T> => phase(title, fn, timeline)
  let runtimeId: string | undefined
  let conversationId: string | undefined
  reporter.followProgress(() => ({
    phase: conversationId ? 'running' : 'provisioning',
    steps: log.actions,
    lastAction: log.lastAction,
    cost: log.cost,
    elapsedMs: Date.now() - startedAt.getTime()
  }))

  let outcome: Outcome
  let changes: Changes | undefined
  let baseCommit: string | null = null
  let provisioning = false
  const { workspace } = settings
  // Packing a large checkout takes seconds: done while the runtime provisions, so only the transfer is left after it is ready.
  const packed = workspace.checkout ? packCheckout(workspace.checkout) : undefined
  packed?.catch(() => undefined)
  try {
    await timed('Checking the image', () => preflightImage(settings.image, settings.waitForImageSeconds, signal))
    provisioning = true
    const runtime = await timed('Provisioning the runtime', () =>
      provisionRuntime(
        api,
        settings,
        id => {
          runtimeId = id
          saveRuntimeId(id)
        },
        signal
      )
    )
    const server = new AgentServer(runtime.url, runtime.sessionApiKey)
    const capabilities = await server.capabilities(signal)
    info(`Agent server version ${capabilities.version}.`)
    const existing = await conversationToContinue(server, capabilities, settings.continuation, signal)
    // A continued conversation's working directory is as its last attempt left it: nothing is uploaded over it.
    const repo = existing
      ? await continuedBase(server, settings.workingDir, existing, signal)
      : await timed(workspace.checkout ? 'Uploading the checkout' : 'Preparing the working directory', () =>
          uploadWorkspace(server, capabilities, { checkout: workspace.checkout, workingDir: settings.workingDir, limitMb: workspace.limitMb, packed, signal })
        )
    baseCommit = repo.baseCommit
    outcome = await timed('Running the agent', () =>
      runConversation(server, capabilities, settings, log, {
        existing,
        base: { tree: repo.baseTree, commit: repo.baseCommit },
        onConversationId: id => {
          conversationId = id
          saveConversationId(id)
        },
        runtimeGone: async gone => {
          const current = await api.getSession(settings.sessionId, { signal: gone, retries: 1 })
          return current?.runtimeId !== runtime.runtimeId || current.status !== 'running'
        },
        signal
      })
    )
    if (!signal.aborted) {
      await timed('Bringing the changes back', async () => {
        changes = await withinDeadline(CHANGES_BUDGET_MS, signal, `the changes were not back within ${CHANGES_BUDGET_MS / 1000}s`, limit =>
          downloadChanges(server, capabilities, repo, { workingDir: settings.workingDir, patchFile: join(settings.outputDir, 'changes.patch'), signal: limit })
        )
        const changed = changes.changedFiles.length
        info(changed ? `The agent changed ${changed === 1 ? '1 file' : `${changed} files`}.` : 'The agent changed no files.')
        if (workspace.apply && workspace.checkout) await applyChanges(workspace.checkout, changes)
      }).catch(err => {
        // A cancel while the changes come back leaves them on the sandbox side: the run is cancelled, not failed.
        if (signal.aborted) outcome = { ...outcome, status: 'cancelled', error: 'The job was cancelled while the changes were brought back.' }
        // A patch that does not apply fails a finished run; after a failed run, the run's own error stays the headline.
        else if (outcome.status === 'finished') outcome = { ...outcome, status: 'error', error: errorMessage(err) }
        else warning(`Could not bring the agent's changes back: ${errorMessage(err)}`)
      })
    }
  } catch (err) {
    const cancelled = signal.aborted
    const timedOut = err instanceof DeadlineError
    outcome = { status: cancelled ? 'cancelled' : timedOut ? 'timeout' : 'error', error: cancelled ? 'The job was cancelled.' : errorMessage(err) }
  } finally {
    log.close()
  }

  // Released before anything is reported: no failure of reporting (a file command, GitHub) may skip it.
  if (provisioning) {
    try {
      // A /start cut short by startup-timeout or a cancel may still have made a runtime.
      const left = runtimeId ?? (signal.aborted ? undefined : await findSessionRuntime(api, settings.sessionId))
      if (left) await timeline.time('Releasing the runtime', () => releaseRuntime(api, left, settings.onExit, signal.aborted))
      if (left || !signal.aborted) markRuntimeReleased()
    } catch (err) {
      warning(`Could not release runtime ${runtimeId ?? `of session ${settings.sessionId}`}: ${errorMessage(err)}. The post step will try again.`)
    }
  }
  const result = buildResult(settings, outcome, { runtimeId, conversationId, startedAt, eventCount: log.count, eventsFile: log.path, changes, baseCommit })
  result.phases = [...timeline.phases]
  await reporter.record(result)
  await reporter.publish(result, { upload: !signal.aborted, budgetMs: signal.aborted ? CANCEL_COMMENT_BUDGET_MS : COMMENT_BUDGET_MS })
  cancellation.dispose()
  if (result.status !== 'finished') fail(result.error ?? `The run ended with status ${result.status}.`)
}

/** The gate: fork code on pull_request_target, then the actor's permission. */
async function admit(ctx: GithubContext, settings: Settings): Promise<Verdict & { fail?: boolean }> {
  const fork = checkForkCode(ctx, settings.workspace.checkout, settings.security.allowForkCode)
  if (!fork.allowed) return { ...fork, fail: true }
  return checkActor(ctx, settings, async login => {
    const { getOctokit } = await import('@actions/github')
    const [owner, repo] = settings.github.repository.split('/')
    const { data } = await getOctokit(settings.github.token).rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login })
    return data
  })
}

/** A refused run: status `skipped`, nothing provisioned, no secret used. */
async function skip(settings: Settings, startedAt: Date, verdict: { reason: string; fail?: boolean }): Promise<void> {
  const reason = `Not running: ${verdict.reason}.`
  mkdirSync(settings.outputDir, { recursive: true })
  const result = buildResult(settings, { status: 'skipped', error: reason }, { startedAt, eventCount: 0, eventsFile: join(settings.outputDir, 'events.jsonl') })
  await new Reporter({ ...settings, github: { ...settings.github, commentOn: null } }).record(result)
  if (verdict.fail) fail(reason)
  else notice(reason)
}

/** Everything but the spending: the image is checked and the requests are shown, nothing is provisioned. */
async function dryRun(settings: Settings, startedAt: Date): Promise<void> {
  await phase('Dry run', async () => {
    await preflightImage(settings.image, 0)
    info(`Would start a runtime: ${JSON.stringify(startRequest(settings))}`)
    info(`Would create the conversation: ${JSON.stringify(conversationRequest(settings))}`)
    const messages = [settings.prompt, ...settings.followUps]
    messages.forEach((message, index) => info(`Message ${index + 1} of ${messages.length}:\n${message}`))
    if (settings.github.commentOn !== null) {
      const progress = { phase: 'provisioning' as const, steps: 0, cost: 0, elapsedMs: 0 }
      info(
        `Would comment on #${settings.github.commentOn}:\n${renderProgressComment(commentMarker(settings.github.cellKey), progress, { runUrl: settings.github.runUrl })}`
      )
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
  core.setOutput('status', 'skipped')
  fail(reason)
  await writeInputErrorSummary(reason)
}

/**
 * A cancelled job gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that.
 * The first signal aborts the run so it can interrupt the agent and stop the runtime in time.
 */
function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    info(`Received ${name}: cancelling the run.`)
    controller.abort(new Error(`The job was cancelled (${name}).`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

/** The name @github/local-action calls (`npm run local`); the runner uses dist/main. */
export const run = runMain
