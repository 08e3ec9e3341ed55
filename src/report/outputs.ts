import * as core from '@actions/core'
import { redact } from '../secrets.js'
import { formatUsd, type RunResult } from './result.js'

/** Output names, as in action.yml. */
export const Output = {
  status: 'status',
  conversationId: 'conversation-id',
  runtimeId: 'runtime-id',
  sessionId: 'session-id',
  cost: 'cost',
  promptTokens: 'prompt-tokens',
  completionTokens: 'completion-tokens',
  cacheReadTokens: 'cache-read-tokens',
  durationSeconds: 'duration-seconds',
  finalMessage: 'final-message',
  eventsFile: 'events-file',
  resultFile: 'result-file',
  patchFile: 'patch-file',
  changedFiles: 'changed-files',
  commentUrl: 'comment-url',
  aggregateFile: 'aggregate-file'
} as const

/** Numbers stay numbers: a short secret such as 2060 must not turn a token count into ***. */
const NUMBER_OUTPUTS = new Set<string>([Output.cost, Output.promptTokens, Output.completionTokens, Output.cacheReadTokens, Output.durationSeconds])

export function setRunOutputs(result: RunResult): void {
  const values: Record<Exclude<(typeof Output)[keyof typeof Output], 'comment-url' | 'aggregate-file'>, string> = {
    [Output.status]: result.status,
    [Output.conversationId]: result.conversation_id ?? '',
    [Output.runtimeId]: result.runtime_id ?? '',
    [Output.sessionId]: result.session_id,
    [Output.cost]: formatUsd(result.cost),
    [Output.promptTokens]: String(result.prompt_tokens),
    [Output.completionTokens]: String(result.completion_tokens),
    [Output.cacheReadTokens]: String(result.cache_read_tokens),
    [Output.durationSeconds]: String(result.duration_seconds),
    [Output.finalMessage]: result.final_message,
    [Output.eventsFile]: result.events_file,
    [Output.resultFile]: result.result_file,
    [Output.patchFile]: result.patch_file ?? '',
    [Output.changedFiles]: result.changed_files.join('\n')
  }
  for (const [name, value] of Object.entries(values)) core.setOutput(name, NUMBER_OUTPUTS.has(name) ? value : redact(value))
}
