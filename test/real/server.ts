import type { RealPod } from './pod.js'
import { directUrl } from './runtime-api.js'

/** The test's own requests to a pod's real agent server (not through the action). */
export class RealServer {
  constructor(private readonly pod: RealPod) {}

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${directUrl(this.pod)}${path}`, {
      headers: { 'X-Session-API-Key': this.pod.sessionApiKey },
      signal: AbortSignal.timeout(10_000)
    })
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }

  /** Every event of the conversation's log, by the REST search, in order. */
  async events(conversationId: string): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = []
    let pageId: string | null = null
    do {
      const query: string = `limit=100${pageId ? `&page_id=${encodeURIComponent(pageId)}` : ''}`
      const page: { items: Array<Record<string, unknown>>; next_page_id?: string | null } = await this.get(
        `/api/conversations/${conversationId}/events/search?${query}`
      )
      all.push(...page.items)
      pageId = page.next_page_id ?? null
    } while (pageId)
    return all
  }

  async conversation(conversationId: string): Promise<Record<string, unknown>> {
    return this.get(`/api/conversations/${conversationId}`)
  }

  /** Cost and tokens summed over every usage id of the conversation's stats. */
  async totals(conversationId: string): Promise<{ cost: number; prompt: number; completion: number; usageIds: string[] }> {
    const info = await this.conversation(conversationId)
    const metrics = ((info.stats as { usage_to_metrics?: Record<string, MetricsLike> } | undefined)?.usage_to_metrics ?? {}) as Record<string, MetricsLike>
    const values = Object.values(metrics)
    return {
      cost: values.reduce((sum, m) => sum + m.accumulated_cost, 0),
      prompt: values.reduce((sum, m) => sum + (m.accumulated_token_usage?.prompt_tokens ?? 0), 0),
      completion: values.reduce((sum, m) => sum + (m.accumulated_token_usage?.completion_tokens ?? 0), 0),
      usageIds: Object.keys(metrics)
    }
  }

  async finalResponse(conversationId: string): Promise<string> {
    return (await this.get<{ response: string }>(`/api/conversations/${conversationId}/agent_final_response`)).response
  }
}

interface MetricsLike {
  accumulated_cost: number
  accumulated_token_usage?: { prompt_tokens?: number; completion_tokens?: number }
}
