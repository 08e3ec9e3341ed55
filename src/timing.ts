import { setTimeout as sleep } from 'node:timers/promises'

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

/** Settles with the promise, or rejects with the abort reason as soon as the signal aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
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
