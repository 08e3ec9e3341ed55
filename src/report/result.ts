import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ConversationOutcome, LlmUsage, RunStatus, TurnResult } from '../conversation/outcome.js'
import type { Changes, FileStat } from '../workspace.js'
import { redactValue } from '../secrets.js'
import { roundUsd } from './markdown.js'
import type { ResultContext } from './plan.js'
import type { PhaseTiming } from './timeline.js'

/** Bumped on any incompatible change to result.json (2: changes, phases, usage, per-turn tokens and timing). */
export const RESULT_SCHEMA_VERSION = 2

/** result.json: everything a run produced, in one stable document. */
export interface RunResult {
  schema_version: typeof RESULT_SCHEMA_VERSION
  status: RunStatus
  error: string | null
  session_id: string
  runtime_id: string | null
  conversation_id: string | null
  image: string
  llm_model: string
  cost: number
  prompt_tokens: number
  completion_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
  duration_seconds: number
  started_at: string
  finished_at: string
  final_message: string
  event_count: number
  events_file: string
  result_file: string
  /** HEAD of the checkout sent into the sandbox; null when none was. */
  base_commit: string | null
  /** The agent's changes as a binary patch; null when they were not collected or there were none. */
  patch_file: string | null
  changed_files: string[]
  /** Lines added and removed, per file and in all; null when the changes were not collected. */
  changes: { files: FileStat[]; additions: number; deletions: number } | null
  /** One entry per message sent: the prompt, then each follow-up. */
  turns: TurnResult[]
  /** Cost and tokens per LLM usage id (agent, condenser, ...). */
  usage: LlmUsage[]
  /** The run's phases in order, with their durations. */
  phases: PhaseTiming[]
  /** A continued conversation: its totals over every attempt (cost and tokens above are this run's). */
  continued?: {
    from_attempt: number | null
    conversation_cost: number
    conversation_prompt_tokens: number
    conversation_completion_tokens: number
  } | null
}

/** Written redacted: the agent may have printed a secret into its final message or error. */
export function writeResultFile(result: RunResult): void {
  writeFileSync(result.result_file, `${JSON.stringify(redactValue(result), null, 2)}\n`)
}

/** Cost as the outputs give it: USD, at most 6 decimals, no exponent. */
export function formatUsd(cost: number): string {
  return String(roundUsd(cost))
}

export type Outcome = Partial<ConversationOutcome> & { status: RunStatus }

export function buildResult(
  context: ResultContext,
  outcome: Outcome,
  run: {
    runtimeId?: string
    conversationId?: string
    startedAt: Date
    eventCount: number
    eventsFile: string
    changes?: Changes
    baseCommit?: string | null
    phases?: PhaseTiming[]
  }
): RunResult {
  const finishedAt = new Date()
  const totals = outcome.totals
  return {
    schema_version: RESULT_SCHEMA_VERSION,
    status: outcome.status,
    error: outcome.error ?? null,
    session_id: context.sessionId,
    runtime_id: run.runtimeId ?? null,
    conversation_id: outcome.conversationId ?? run.conversationId ?? null,
    image: context.image,
    llm_model: context.llmModel,
    cost: roundUsd(totals?.cost ?? 0),
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
    result_file: join(context.outputDir, 'result.json'),
    base_commit: run.baseCommit ?? null,
    patch_file: run.changes?.patchFile ?? null,
    changed_files: run.changes?.changedFiles ?? [],
    changes: run.changes ? diffStat(run.changes.files) : null,
    turns: outcome.turns ?? [],
    usage: outcome.usage ?? [],
    phases: run.phases ?? [],
    continued: outcome.continued
      ? {
          from_attempt: context.continuedFromAttempt,
          conversation_cost: roundUsd(outcome.continued.conversationTotals.cost),
          conversation_prompt_tokens: outcome.continued.conversationTotals.promptTokens,
          conversation_completion_tokens: outcome.continued.conversationTotals.completionTokens
        }
      : null
  }
}

function diffStat(files: FileStat[]): NonNullable<RunResult['changes']> {
  const sum = (pick: (f: FileStat) => number | null): number => files.reduce((total, f) => total + (pick(f) ?? 0), 0)
  return { files, additions: sum(f => f.additions), deletions: sum(f => f.deletions) }
}
