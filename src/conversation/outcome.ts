import { totalsOf, type ConversationStats, type Totals } from '../agent-server/types.js'
import { roundUsd } from '../report/markdown.js'

/** Every status a run can end with, as the `status` output and result.json give it. */
export const RUN_STATUSES = ['finished', 'error', 'stuck', 'timeout', 'budget_exceeded', 'cancelled', 'skipped'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export interface ConversationOutcome {
  conversationId: string
  status: RunStatus
  error?: string
  /** The final message of the last turn. */
  finalMessage: string
  /** This run's share: every turn and every LLM (of a continued conversation, what this attempt added). */
  totals: Totals
  turns: TurnResult[]
  /** The same totals for each LLM usage id (agent, condenser, ...). */
  usage: LlmUsage[]
  /** A conversation an earlier attempt (or another run) began: its totals over every attempt. */
  continued?: { conversationTotals: Totals }
}

/** One message and the run it started: the prompt is turn 1, each follow-up one more. */
export interface TurnResult {
  turn: number
  status: RunStatus
  cost: number
  prompt_tokens: number
  completion_tokens: number
  started_at: string
  duration_seconds: number
  final_message: string
}

/** What one LLM of the conversation used, by its usage id. */
export interface LlmUsage {
  usage_id: string
  model: string | null
  cost: number
  prompt_tokens: number
  completion_tokens: number
  cache_read_tokens: number
}

/** How following a run ended; every one but `ended` and `failed` first interrupts the agent. */
export type Ending = 'ended' | 'timeout' | 'idle' | 'budget_exceeded' | 'cancelled' | 'failed'
type Interrupted = Exclude<Ending, 'ended' | 'failed'>

/** The limits a conversation runs within; their values name the reason when one is reached. */
export interface Limits {
  runTimeoutMs: number
  idleTimeoutMs: number | null
  maxCost: number | null
}

export function interruptReason(ending: Interrupted, limits: Limits): string {
  switch (ending) {
    case 'timeout':
      return `timeout-minutes (${limits.runTimeoutMs / 60_000}) reached`
    case 'idle':
      return `No event for ${(limits.idleTimeoutMs ?? 0) / 60_000} minutes (idle-timeout)`
    case 'budget_exceeded':
      return `The cost passed max-cost ($${limits.maxCost})`
    case 'cancelled':
      return 'The job was cancelled'
  }
}

export function isInterrupted(ending: Ending): ending is Interrupted {
  return ending !== 'ended' && ending !== 'failed'
}

/** The run's status from how following it ended and the execution status the server last reported. */
export function statusOf(ending: Ending, executionStatus: string | undefined): RunStatus {
  switch (ending) {
    case 'ended':
      return executionStatus === 'finished' ? 'finished' : executionStatus === 'stuck' ? 'stuck' : 'error'
    case 'idle':
    case 'timeout':
      return 'timeout'
    case 'failed':
      return 'error'
    default:
      return ending
  }
}

/** The error the run reports with a status other than `finished`. */
export function describeFailure(
  status: RunStatus,
  ending: Ending,
  executionStatus: string | undefined,
  lastError: string | undefined,
  limits: Limits
): string | undefined {
  if (status === 'finished') return undefined
  if (isInterrupted(ending)) return `${interruptReason(ending, limits)}.`
  if (status === 'stuck') return 'The agent got stuck: the stuck detector stopped the conversation.'
  return lastError ?? `The conversation ended with status ${executionStatus ?? 'unknown'}.`
}

/** One turn's share: what the stats grew by while it ran. */
export function turnShare(turn: Omit<TurnResult, 'cost' | 'prompt_tokens' | 'completion_tokens'>, before: Totals, after: Totals): TurnResult {
  return {
    ...turn,
    cost: roundUsd(after.cost - before.cost),
    prompt_tokens: after.promptTokens - before.promptTokens,
    completion_tokens: after.completionTokens - before.completionTokens
  }
}

/** The settled stats come after the last run: the last turn's share is what the earlier turns did not use. */
export function settleLastTurn(turns: TurnResult[], totals: Totals, status: RunStatus, finalMessage: string): TurnResult[] {
  const last = turns.at(-1)
  if (!last) return turns
  const earlier = turns.slice(0, -1)
  const sum = (pick: (t: TurnResult) => number): number => earlier.reduce((total, t) => total + pick(t), 0)
  return [
    ...earlier,
    {
      ...last,
      status,
      final_message: finalMessage,
      cost: roundUsd(totals.cost - sum(t => t.cost)),
      prompt_tokens: totals.promptTokens - sum(t => t.prompt_tokens),
      completion_tokens: totals.completionTokens - sum(t => t.completion_tokens)
    }
  ]
}

/** Per usage id, less what `prior` (a continued conversation's state when this run began) had already counted. */
export function usageOf(stats: ConversationStats | undefined, prior?: ConversationStats): LlmUsage[] {
  return Object.entries(stats?.usage_to_metrics ?? {}).map(([usageId, metrics]) => {
    const usage = metrics?.accumulated_token_usage ?? {}
    const before = prior?.usage_to_metrics?.[usageId]
    const earlier = before?.accumulated_token_usage ?? {}
    return {
      usage_id: usageId,
      model: metrics?.model_name ?? null,
      cost: roundUsd((metrics?.accumulated_cost ?? 0) - (before?.accumulated_cost ?? 0)),
      prompt_tokens: (usage.prompt_tokens ?? 0) - (earlier.prompt_tokens ?? 0),
      completion_tokens: (usage.completion_tokens ?? 0) - (earlier.completion_tokens ?? 0),
      cache_read_tokens: (usage.cache_read_tokens ?? 0) - (earlier.cache_read_tokens ?? 0)
    }
  })
}

/** Totals of `stats` less those of `prior`. */
export function totalsSince(stats: ConversationStats | undefined, prior: ConversationStats | undefined): Totals {
  const a = totalsOf(stats)
  const b = totalsOf(prior)
  return {
    cost: roundUsd(a.cost - b.cost),
    promptTokens: a.promptTokens - b.promptTokens,
    completionTokens: a.completionTokens - b.completionTokens,
    cacheReadTokens: a.cacheReadTokens - b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens - b.cacheWriteTokens
  }
}
