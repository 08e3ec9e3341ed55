import { info } from './log.js'

/**
 * A cancelled job gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that. What
 * the run does after the first signal is shared out here, so that it fits in the 7.5 s:
 * interrupt the agent, collect what it did, stop the runtime, and post the final comment.
 * The post step uploads the artifact afterwards.
 */
export const CancelBudget = {
  interruptMs: 1_500,
  collectMs: 2_000,
  releaseMs: 3_000,
  commentMs: 2_000
} as const

export interface Cancellation {
  /** Aborts on the first SIGINT or SIGTERM. */
  signal: AbortSignal
  dispose(): void
}

/** The run's one cancel: every phase and request of the run takes this signal. */
export function cancelOnSignals(): Cancellation {
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
