import type { Json } from './events.js'

export interface LlmCall {
  model: string
  cost: number
  promptTokens: number
  completionTokens: number
  cacheReadTokens: number
  responseId: string
}

interface TokenUsage {
  model: string
  prompt_tokens: number
  completion_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
  reasoning_tokens: number
  context_window: number
  per_turn_token: number
  response_id: string
}

interface Metrics {
  model_name: string
  accumulated_cost: number
  max_budget_per_task: number | null
  accumulated_token_usage: TokenUsage
  costs: { model: string; cost: number; timestamp: number }[]
  response_latencies: { model: string; latency: number; response_id: string }[]
  token_usages: TokenUsage[]
}

const CONTEXT_WINDOW = 200_000

/** ConversationStats: one Metrics per LLM usage id; total cost is the sum over them (protocol.md §B.12). */
export class ConversationStats {
  private readonly byUsage = new Map<string, Metrics>()

  record(usageId: string, call: LlmCall): void {
    const metrics = this.byUsage.get(usageId) ?? emptyMetrics(call.model)
    const usage: TokenUsage = {
      model: call.model,
      prompt_tokens: call.promptTokens,
      completion_tokens: call.completionTokens,
      cache_read_tokens: call.cacheReadTokens,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      context_window: CONTEXT_WINDOW,
      per_turn_token: call.promptTokens + call.completionTokens,
      response_id: call.responseId
    }
    const acc = metrics.accumulated_token_usage
    metrics.accumulated_cost += call.cost
    metrics.accumulated_token_usage = {
      ...acc,
      prompt_tokens: acc.prompt_tokens + usage.prompt_tokens,
      completion_tokens: acc.completion_tokens + usage.completion_tokens,
      cache_read_tokens: acc.cache_read_tokens + usage.cache_read_tokens,
      context_window: CONTEXT_WINDOW,
      per_turn_token: usage.per_turn_token,
      response_id: usage.response_id
    }
    metrics.costs.push({ model: call.model, cost: call.cost, timestamp: Date.now() / 1000 })
    metrics.response_latencies.push({ model: call.model, latency: 1.2, response_id: call.responseId })
    metrics.token_usages.push(usage)
    this.byUsage.set(usageId, metrics)
  }

  get totalCost(): number {
    let total = 0
    for (const m of this.byUsage.values()) total += m.accumulated_cost
    return total
  }

  /** REST and full_state form: full Metrics with their lists. */
  full(): Json {
    return { usage_to_metrics: Object.fromEntries([...this.byUsage].map(([id, m]) => [id, structuredClone(m)])) }
  }

  /** Per-field WebSocket form: MetricsSnapshot per usage id, without the lists. */
  snapshot(): Json {
    const entries = [...this.byUsage].map(([id, m]) => [
      id,
      {
        model_name: m.model_name,
        accumulated_cost: m.accumulated_cost,
        max_budget_per_task: m.max_budget_per_task,
        accumulated_token_usage: { ...m.accumulated_token_usage }
      }
    ])
    return { usage_to_metrics: Object.fromEntries(entries) }
  }
}

function emptyMetrics(model: string): Metrics {
  return {
    model_name: model,
    accumulated_cost: 0,
    max_budget_per_task: null,
    accumulated_token_usage: {
      model,
      prompt_tokens: 0,
      completion_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      context_window: 0,
      per_turn_token: 0,
      response_id: ''
    },
    costs: [],
    response_latencies: [],
    token_usages: []
  }
}
