import * as core from '@actions/core'
import { readRuntimeApiKey } from './inputs.js'
import { errorMessage, info } from './log.js'
import { RuntimeApi } from './runtime/client.js'
import { releaseRuntime } from './runtime/release.js'
import { loadRuntime, markRuntimeReleased } from './state.js'

/**
 * The post step: releases the runtime if main did not (killed, crashed or cancelled before it
 * could). Idempotent; a failure here is a warning, never the run's result.
 */
export async function runPost(): Promise<void> {
  const saved = loadRuntime()
  if (!saved || saved.released) return
  if (saved.onExit === 'keep') return info(`Runtime of session ${saved.sessionId} kept running (on-exit: keep).`)
  try {
    const api = new RuntimeApi(saved.runtimeApiUrl, readRuntimeApiKey())
    const runtimeId = saved.runtimeId ?? (await findRuntime(api, saved.sessionId))
    if (!runtimeId) return info(`No runtime to release for session ${saved.sessionId}.`)
    await releaseRuntime(api, runtimeId, saved.onExit)
    markRuntimeReleased()
  } catch (err) {
    core.warning(`Could not release the runtime of session ${saved.sessionId}: ${errorMessage(err)}`)
  }
}

async function findRuntime(api: RuntimeApi, sessionId: string): Promise<string | undefined> {
  const runtime = await api.getSession(sessionId)
  return runtime && runtime.status !== 'stopped' ? runtime.runtimeId : undefined
}
