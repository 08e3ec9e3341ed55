/**
 * What the simulated agent does on each /run: a list of steps replayed in order.
 * Actions (terminal, edit, message, finish) each count as one iteration against the
 * conversation's max_iterations; a run that would exceed it ends with MaxIterationsReached.
 */
export type AgentStep =
  /** An LLM response: adds to the stats of usage id 'agent' (default) or 'condenser' and sends a per-field stats update. */
  | { type: 'llm'; cost: number; promptTokens: number; completionTokens: number; cacheReadTokens?: number; usageId?: 'agent' | 'condenser' }
  /**
   * A terminal tool call. With `output` the observation is scripted; without it the command
   * really runs in the sandbox (cwd = the conversation's working_dir) and its output is reported.
   */
  | { type: 'terminal'; command: string; output?: string; exitCode?: number }
  /** A file_editor `create`: really writes the file in the sandbox (relative paths are under working_dir). */
  | { type: 'edit'; path: string; content: string }
  /** An agent message without a tool call. */
  | { type: 'message'; text: string }
  /** FinishAction + FinishObservation; the run ends 'finished'. */
  | { type: 'finish'; message: string }
  /** ConversationErrorEvent; the run ends 'error'. */
  | { type: 'error'; code: string; detail: string }
  /** The stuck detector fires; the run ends 'stuck'. */
  | { type: 'stuck' }
  | { type: 'wait'; ms: number }
  /**
   * `count` events as fast as possible (terminal action/observation pairs), for benchmarks.
   * Every `every`-th observation (default: each one) carries `observationBytes` of output.
   */
  | { type: 'bulk'; count: number; observationBytes?: number; every?: number }
  /**
   * The test's own code at this point of the run (set a fault, replace the script for the next
   * run, publish an event, signal the action under test), awaited before the next step. Not an iteration.
   */
  | { type: 'custom'; action: (step: StepContext) => void | Promise<void> }

/** What a custom step gets: the conversation it runs in, and a way to act in it. */
export interface StepContext {
  readonly conversationId: string
  /** Which run of the conversation this is: 1 on the first /run, 2 on a follow-up … */
  readonly runCount: number
  /** Aborted when the run is interrupted or the runtime goes away. */
  readonly signal: AbortSignal
  /** Publishes an event: appended to the log and sent to every subscriber, as the agent's own events are. */
  publish(source: 'agent' | 'user' | 'environment', kind: string, fields: Record<string, unknown>): Readonly<Record<string, unknown>>
}

export interface AgentScript {
  steps: AgentStep[]
  /** Pause between steps; default 20 ms. */
  stepDelayMs?: number
}

/** A short, realistic run: look around, run the tests, finish. */
export const defaultScript: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.0123, promptTokens: 5200, completionTokens: 180, cacheReadTokens: 0 },
    { type: 'terminal', command: 'ls' },
    { type: 'llm', cost: 0.0081, promptTokens: 6100, completionTokens: 140, cacheReadTokens: 5100 },
    { type: 'terminal', command: 'python -m pytest -q', output: '...\n3 passed in 0.12s\n', exitCode: 0 },
    { type: 'llm', cost: 0.0042, promptTokens: 2400, completionTokens: 310, usageId: 'condenser' },
    { type: 'llm', cost: 0.0095, promptTokens: 6900, completionTokens: 95, cacheReadTokens: 6000 },
    { type: 'finish', message: 'I fixed the bug in the parser and the tests pass.' }
  ]
}

/** Changes the workspace, so that there is a patch to bring back. */
export const editScript: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.011, promptTokens: 4800, completionTokens: 220 },
    { type: 'edit', path: 'SIMULATED_CHANGE.md', content: 'This file was written by the simulated agent.\n' },
    { type: 'llm', cost: 0.007, promptTokens: 5300, completionTokens: 60, cacheReadTokens: 4700 },
    { type: 'finish', message: 'I added SIMULATED_CHANGE.md.' }
  ]
}

/** About 20 s of steady work, for cancel, timeout and pause tests. */
export const longScript: AgentScript = {
  stepDelayMs: 100,
  steps: Array.from({ length: 100 }, (_, i): AgentStep[] => [
    { type: 'llm', cost: 0.001, promptTokens: 1000 + i * 50, completionTokens: 40 },
    { type: 'terminal', command: `echo step ${i + 1}`, output: `step ${i + 1}\n`, exitCode: 0 }
  ]).flat()
}

/** Runs out of iterations (the conversation's max_iterations is not what stops it). */
export const errorScript: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.004, promptTokens: 3000, completionTokens: 90 },
    { type: 'terminal', command: 'make test', output: "make: *** No rule to make target 'test'.  Stop.\n", exitCode: 2 },
    { type: 'error', code: 'MaxIterationsReached', detail: 'Agent reached the maximum number of iterations (2).' }
  ]
}

export const stuckScript: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.003, promptTokens: 2500, completionTokens: 50 },
    { type: 'terminal', command: 'ls', output: 'README.md\n', exitCode: 0 },
    { type: 'llm', cost: 0.003, promptTokens: 2600, completionTokens: 50 },
    { type: 'terminal', command: 'ls', output: 'README.md\n', exitCode: 0 },
    { type: 'stuck' }
  ]
}

/** Benchmark load: 100 000 events, one observation in a hundred carrying 50 KB. */
export const bulkScript: AgentScript = {
  stepDelayMs: 0,
  steps: [
    { type: 'llm', cost: 0.5, promptTokens: 100_000, completionTokens: 5000 },
    { type: 'bulk', count: 100_000, observationBytes: 50_000, every: 100 },
    { type: 'finish', message: 'Bulk run complete.' }
  ]
}

export const scripts: Record<string, AgentScript> = {
  default: defaultScript,
  edit: editScript,
  long: longScript,
  error: errorScript,
  stuck: stuckScript,
  bulk: bulkScript
}
