import { writeFileSync } from 'node:fs'
import type { RunStatus } from '../conversation.js'
import { redact } from '../secrets.js'

/** Bumped on any incompatible change to result.json. */
export const RESULT_SCHEMA_VERSION = 1

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
}

/** Written redacted: the agent may have printed a secret into its final message or error. */
export function writeResultFile(result: RunResult): void {
  writeFileSync(result.result_file, `${redact(JSON.stringify(result, null, 2))}\n`)
}

/** Cost as the outputs give it: USD, at most 6 decimals, no exponent. */
export function formatUsd(cost: number): string {
  return String(Number(cost.toFixed(6)))
}
