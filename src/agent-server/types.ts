/** An event as the agent server sends it (protocol.md B.9); unknown kinds are kept as they are. */
export interface AgentEvent {
  id: string
  kind: string
  source?: string
  timestamp?: string
  [field: string]: unknown
}

export interface TokenUsage {
  prompt_tokens?: number
  completion_tokens?: number
  cache_read_tokens?: number
  cache_write_tokens?: number
}

export interface Metrics {
  model_name?: string
  accumulated_cost?: number
  accumulated_token_usage?: TokenUsage | null
}

/** `stats` of a conversation: one metrics entry per LLM usage id (agent, condenser, ...). */
export interface ConversationStats {
  usage_to_metrics?: Record<string, Metrics>
}

/** The parts of ConversationInfo / a full_state snapshot the action reads. */
export interface ConversationState {
  id?: string
  execution_status?: string
  stats?: ConversationStats
  /** Set at creation; the action keeps there what a later attempt needs to continue (conversation.ts). */
  tags?: Record<string, string>
}

export interface Totals {
  cost: number
  promptTokens: number
  completionTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
}

/** Total cost is the sum over every usage id, not just the agent's (protocol.md B.12). */
export function totalsOf(stats: ConversationStats | undefined): Totals {
  const totals: Totals = { cost: 0, promptTokens: 0, completionTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }
  for (const metrics of Object.values(stats?.usage_to_metrics ?? {})) {
    const usage = metrics?.accumulated_token_usage ?? {}
    totals.cost += metrics?.accumulated_cost ?? 0
    totals.promptTokens += usage.prompt_tokens ?? 0
    totals.completionTokens += usage.completion_tokens ?? 0
    totals.cacheReadTokens += usage.cache_read_tokens ?? 0
    totals.cacheWriteTokens += usage.cache_write_tokens ?? 0
  }
  return totals
}
