/** One phase of a run, as the timeline shows it. */
export interface PhaseTiming {
  name: string
  started_at: string
  duration_seconds: number
}

/** The phases of a run as they happened, for result.json and the timeline picture. */
export class Timeline {
  readonly phases: PhaseTiming[] = []

  record(name: string, startedMs: number, endedMs: number): void {
    this.phases.push({ name, started_at: new Date(startedMs).toISOString(), duration_seconds: (endedMs - startedMs) / 1000 })
  }

  /** Times `fn` as the phase `name`, whether it succeeds or throws. */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now()
    try {
      return await fn()
    } finally {
      this.record(name, started, Date.now())
    }
  }
}
