import * as core from '@actions/core'
import { redact } from './secrets.js'

// Every line the action prints goes through here, so nothing reaches the log unredacted.
export const info = (line: string): void => core.info(redact(line))
export const warning = (line: string): void => core.warning(redact(line))
export const error = (line: string): void => core.error(redact(line))
export const debug = (line: string): void => core.debug(redact(line))
export const notice = (line: string): void => core.notice(redact(line))
/** Marks the step failed, with the message redacted: the agent's error text may quote a secret. */
export const fail = (line: string): void => core.setFailed(redact(line))

/** The one top-level catch of each step: whatever escaped fails the step, redacted. */
export function failStep(err: unknown): void {
  fail(errorMessage(err))
}

/** Runs `fn` inside a collapsible log group whose title ends with the phase's duration; `timeline` keeps the timing. */
export async function phase<T>(
  title: string,
  fn: () => Promise<T>,
  timeline?: { record(title: string, startedMs: number, endedMs: number): void }
): Promise<T> {
  const started = Date.now()
  core.startGroup(title)
  try {
    return await fn()
  } finally {
    const ended = Date.now()
    timeline?.record(title, started, ended)
    info(`${title}: ${formatDuration(ended - started)}`)
    core.endGroup()
  }
}

export function formatDuration(ms: number): string {
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)}s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes}m ${Math.round(seconds - minutes * 60)}s`
}

export function errorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err))
}
