import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { AgentServer } from './agent-server/client.js'
import { formatCost } from './agent-server/describe.js'
import { runConversation, type ConversationOutcome, type RunStatus } from './conversation.js'
import { EventLog } from './event-log.js'
import { preflightImage } from './image.js'
import { readSettings, type Settings } from './inputs.js'
import { errorMessage, formatDuration, info, phase, warning } from './log.js'
import { setRunOutputs } from './report/outputs.js'
import { RESULT_SCHEMA_VERSION, formatUsd, writeResultFile, type RunResult } from './report/result.js'
import { writeStepSummary } from './report/summary.js'
import { RuntimeApi } from './runtime/client.js'
import { provisionRuntime } from './runtime/provision.js'
import { releaseRuntime } from './runtime/release.js'
import { markRuntimeReleased, saveRuntimeId, saveSession } from './state.js'

type Outcome = Partial<ConversationOutcome> & { status: RunStatus }

/** The main step: inputs → runtime → conversation → report → release. */
export async function runMain(): Promise<void> {
  const startedAt = new Date()
  let settings: Settings
  try {
    settings = readSettings()
  } catch (err) {
    core.setOutput('status', 'error')
    core.setFailed(errorMessage(err))
    return
  }

  const cancellation = cancelOnSignals()
  const { signal } = cancellation
  mkdirSync(settings.outputDir, { recursive: true })
  saveSession({ sessionId: settings.sessionId, runtimeApiUrl: settings.runtimeApi.url, onExit: settings.onExit })
  const api = new RuntimeApi(settings.runtimeApi.url, settings.runtimeApi.apiKey, signal)
  const log = new EventLog(join(settings.outputDir, 'events.jsonl'))
  let runtimeId: string | undefined
  let conversationId: string | undefined
  let outcome: Outcome

  try {
    await phase('Checking the image', () => preflightImage(settings.image, settings.waitForImageSeconds, signal))
    const runtime = await phase('Provisioning the runtime', () =>
      provisionRuntime(api, settings, id => {
        runtimeId = id
        saveRuntimeId(id)
      }, signal)
    )
    const server = new AgentServer(runtime.url, runtime.sessionApiKey)
    outcome = await phase('Running the agent', () =>
      runConversation(server, settings, log, {
        onConversationId: id => (conversationId = id),
        runtimeGone: async () => {
          const current = await api.getSession(settings.sessionId)
          return current?.runtimeId !== runtime.runtimeId || current.status !== 'running'
        },
        signal
      })
    )
  } catch (err) {
    const cancelled = signal.aborted
    outcome = { status: cancelled ? 'cancelled' : 'error', error: cancelled ? 'The job was cancelled.' : errorMessage(err) }
  } finally {
    log.close()
  }

  const result = buildResult(settings, outcome, { runtimeId, conversationId, startedAt, eventCount: log.count, eventsFile: log.path })
  await report(result)
  if (runtimeId) {
    try {
      await releaseRuntime(api, runtimeId, settings.onExit, signal.aborted)
      markRuntimeReleased()
    } catch (err) {
      warning(`Could not release runtime ${runtimeId}: ${errorMessage(err)}. The post step will try again.`)
    }
  }
  cancellation.dispose()
  if (result.status !== 'finished') core.setFailed(result.error ?? `The run ended with status ${result.status}.`)
}

function buildResult(
  settings: Settings,
  outcome: Outcome,
  run: { runtimeId?: string; conversationId?: string; startedAt: Date; eventCount: number; eventsFile: string }
): RunResult {
  const finishedAt = new Date()
  const totals = outcome.totals
  return {
    schema_version: RESULT_SCHEMA_VERSION,
    status: outcome.status,
    error: outcome.error ?? null,
    session_id: settings.sessionId,
    runtime_id: run.runtimeId ?? null,
    conversation_id: outcome.conversationId ?? run.conversationId ?? null,
    image: settings.image,
    llm_model: settings.llm.model,
    cost: Number((totals?.cost ?? 0).toFixed(6)),
    prompt_tokens: totals?.promptTokens ?? 0,
    completion_tokens: totals?.completionTokens ?? 0,
    cache_read_tokens: totals?.cacheReadTokens ?? 0,
    cache_write_tokens: totals?.cacheWriteTokens ?? 0,
    duration_seconds: Math.round((finishedAt.getTime() - run.startedAt.getTime()) / 100) / 10,
    started_at: run.startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    final_message: outcome.finalMessage ?? '',
    event_count: run.eventCount,
    events_file: run.eventsFile,
    result_file: join(settings.outputDir, 'result.json')
  }
}

async function report(result: RunResult): Promise<void> {
  writeResultFile(result)
  setRunOutputs(result)
  await writeStepSummary(result)
  // The OpenHands SDK's CI reads this exact line.
  info(`EXAMPLE_COST: ${formatUsd(result.cost)}`)
  info(
    `Run ${result.status}: ${formatCost(result.cost)}, ${result.prompt_tokens} prompt + ${result.completion_tokens} completion tokens, ` +
      `${formatDuration(result.duration_seconds * 1000)}, ${result.event_count} events.`
  )
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
