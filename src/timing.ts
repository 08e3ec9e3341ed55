import { setTimeout as sleep } from 'node:timers/promises'

/** The reason a deadline's signal aborts with; callers tell it from a cancel by this type. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TimeoutError'
  }
}

export interface Deadline {
  /** Aborts when the parent does (with its reason) or when the time is up (with a DeadlineError). */
  signal: AbortSignal
  /** True once the time is up (not when the parent aborted). */
  readonly expired: boolean
  /** Stops the timer and lets go of the parent; call it as soon as the wait is over. */
  clear(): void
}

/**
 * A signal with an end that holds whatever the garbage collector does. On Node 20,
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])` loses its timer once collected and
 * never fires; here the timer is an ordinary setTimeout that holds the controller until cleared.
 */
export function deadline(ms: number, parent?: AbortSignal, message = `Timed out after ${ms} ms.`): Deadline {
  const controller = new AbortController()
  let expired = false
  const onParentAbort = (): void => controller.abort(parent?.reason)
  const timer = setTimeout(() => {
    expired = true
    controller.abort(new DeadlineError(message))
  }, ms)
  if (parent?.aborted) onParentAbort()
  else parent?.addEventListener('abort', onParentAbort, { once: true })
  return {
    signal: controller.signal,
    get expired() {
      return expired
    },
    clear: () => {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onParentAbort)
    }
  }
}

/** Runs `fn` with a deadline's signal, and clears the deadline however `fn` ends. */
export async function withinDeadline<T>(ms: number, parent: AbortSignal | undefined, message: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limit = deadline(ms, parent, message)
  try {
    return await fn(limit.signal)
  } finally {
    limit.clear()
  }
}

/** A sleep that ends early when woken or when the signal aborts. */
export class Waker {
  private resolve: (() => void) | undefined
  private woken = false

  constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => this.wake(), { once: true })
  }

  wake(): void {
    this.woken = true
    this.resolve?.()
  }

  /** Lets sleep() wait again after a wake. */
  rearm(): void {
    this.woken = false
  }

  async sleep(ms: number): Promise<void> {
    if (this.woken) return
    const controller = new AbortController()
    await Promise.race([sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined), new Promise<void>(resolve => (this.resolve = resolve))])
    controller.abort()
    this.resolve = undefined
  }
}

/** The promise's value, or undefined if it has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const controller = new AbortController()
  try {
    return await Promise.race([
      promise,
      sleep(ms, undefined, { signal: controller.signal }).then(
        () => undefined,
        () => undefined
      )
    ])
  } finally {
    controller.abort()
  }
}

/** Resolves `ms` after the signal aborts; never, if it does not. */
export function afterAbort(signal: AbortSignal, ms: number): Promise<undefined> {
  return new Promise(resolve => {
    const start = (): void => void setTimeout(resolve, ms, undefined)
    if (signal.aborted) start()
    else signal.addEventListener('abort', start, { once: true })
  })
}
