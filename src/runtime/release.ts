import { CancelBudget } from '../cancel.js'
import { info } from '../log.js'
import type { RuntimeApi } from './client.js'

/** What on-exit does with the runtime when the run is over. */
export type ExitAction = 'stop' | 'pause' | 'keep'

/**
 * Stops, pauses or keeps the runtime, as `on-exit` says. A runtime already gone (404) counts as
 * released. After a cancel: one attempt, within the cancel budget.
 */
export async function releaseRuntime(api: RuntimeApi, runtimeId: string, onExit: ExitAction, cancelled = false): Promise<void> {
  if (onExit === 'keep') {
    info(`Runtime ${runtimeId} keeps running (on-exit: keep).`)
    return
  }
  const tuning = cancelled ? { timeoutMs: CancelBudget.releaseMs, retries: 0 } : undefined
  const released = onExit === 'pause' ? await api.pause(runtimeId, tuning) : await api.stop(runtimeId, tuning)
  info(released ? `Runtime ${runtimeId} ${onExit === 'pause' ? 'paused' : 'stopped'}.` : `Runtime ${runtimeId} was already gone.`)
}

/** The session's runtime that is still up: what a /start cut short (or never answered) may have left. */
export async function findSessionRuntime(api: RuntimeApi, sessionId: string): Promise<string | undefined> {
  const runtime = await api.getSession(sessionId, { timeoutMs: 10_000, retries: 1 })
  return runtime && runtime.status !== 'stopped' ? runtime.runtimeId : undefined
}
