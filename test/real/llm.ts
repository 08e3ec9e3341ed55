import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A scripted OpenAI-compatible LLM for the real agent server. LiteLLM sends
 * `POST /v1/chat/completions` (non-streaming, native tool calling); each answer is the script's
 * step N, where N follows the highest step named in the tool-call ids the request carries back
 * (`call_s<N>_<i>`): a retried request gets the same answer, two conversations never share a
 * position, and a condensed history (old steps summarized away) still goes on from where it was.
 * Requests without tools are the server's title calls (autotitle) or the condenser's summaries.
 * Anything else is answered 400 and recorded in `problems`, so a changed request shape fails the
 * test that made it. With `contextChars`, a tool request whose messages are longer than that is
 * refused as a real provider refuses one over the context window.
 */
export interface ToolCall {
  tool: 'terminal' | 'file_editor' | 'task_tracker' | 'finish' | 'think'
  args: Record<string, unknown>
}

export interface LlmStep {
  /** Tool calls of this answer (the agent runs them in order); none = a plain text answer, which ends the run. */
  calls?: ToolCall[]
  text?: string
  usage?: { prompt: number; completion: number; cacheRead?: number }
  /** Answer after this long (a slow model: for timeouts, cancels, budgets). */
  delayMs?: number
}

/** A script: a fixed list, or a function of the step number and the request (null past its end). */
export type LlmScript = LlmStep[] | ((step: number, request: ChatRequest) => LlmStep | null)

export interface ChatRequest {
  model: string
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown[] }>
  tools?: Array<{ function: { name: string } }>
  [key: string]: unknown
}

export interface ScriptedLlm {
  /** What the LLM config's `base_url` should be. */
  baseUrl: string
  /** Chat requests answered from the script, in order of arrival. */
  readonly requests: ChatRequest[]
  /** Title requests (no tools, asking for a title) answered. */
  readonly titleCalls: number
  /** Summary requests of the condenser (no tools, not a title) answered. */
  readonly summaryCalls: number
  /** Tool requests refused as over the context window. */
  readonly overflows: number
  /** Requests that did not fit: wrong route, no messages, a step past the script's end. */
  readonly problems: string[]
  /** Authorization headers seen (to check which key the server used). */
  readonly keys: Set<string>
  close(): Promise<void>
}

/** The price LiteLLM's local map gives gpt-4o-mini: USD per token, input and output. */
export const GPT_4O_MINI_PRICE = { input: 0.15e-6, output: 0.6e-6 }
export const LLM_MODEL = 'openai/gpt-4o-mini'

const DEFAULT_USAGE = { prompt: 1_000, completion: 100 }

export async function startScriptedLlm(script: LlmScript, options: { contextChars?: number } = {}): Promise<ScriptedLlm> {
  const requests: ChatRequest[] = []
  const problems: string[] = []
  const keys = new Set<string>()
  let titleCalls = 0
  let summaryCalls = 0
  let overflows = 0
  const stepAt = (n: number, request: ChatRequest): LlmStep | null => (typeof script === 'function' ? script(n, request) : (script[n] ?? null))

  const server = createServer((req, res) => {
    void readBody(req).then(async raw => {
      const fail = (why: string): void => {
        problems.push(why)
        reply(res, 400, { error: { message: `scripted LLM: ${why}`, type: 'invalid_request_error' } })
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return fail(`unexpected request ${req.method} ${req.url}`)
      if (req.headers.authorization) keys.add(req.headers.authorization)
      let body: ChatRequest
      try {
        body = JSON.parse(raw) as ChatRequest
      } catch {
        return fail('the body is not JSON')
      }
      if (!Array.isArray(body.messages) || body.messages.length === 0) return fail('no messages')
      if (!body.tools?.length) {
        if (/generate a title/i.test(JSON.stringify(body.messages))) {
          titleCalls++
          return reply(res, 200, completion(body.model, { text: 'Fix the failing test' }, -1))
        }
        summaryCalls++
        return reply(
          res,
          200,
          completion(body.model, { text: 'Summary: the agent ran the listed commands; all succeeded.', usage: { prompt: 3_000, completion: 200 } }, -1)
        )
      }
      if (options.contextChars && JSON.stringify(body.messages).length > options.contextChars) {
        overflows++
        return reply(res, 400, {
          error: {
            message: `This model's maximum context length is ${options.contextChars / 4} tokens. However, your messages resulted in more tokens. Please reduce the length of the messages.`,
            type: 'invalid_request_error',
            param: 'messages',
            code: 'context_length_exceeded'
          }
        })
      }
      const n = nextStep(body)
      const step = stepAt(n, body)
      if (!step) return fail(`no step ${n} in the script (the agent went on past its end)`)
      requests.push(body)
      if (step.delayMs) await new Promise(resolve => setTimeout(resolve, step.delayMs))
      if (!res.destroyed) reply(res, 200, completion(body.model, step, n))
    })
  })
  server.keepAliveTimeout = 1_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get titleCalls() {
      return titleCalls
    },
    get summaryCalls() {
      return summaryCalls
    },
    get overflows() {
      return overflows
    },
    problems,
    keys,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** What the server's stats should sum to for a step's usage at gpt-4o-mini prices. */
export function costOf(usage: LlmStep['usage'] = DEFAULT_USAGE): number {
  return usage.prompt * GPT_4O_MINI_PRICE.input + usage.completion * GPT_4O_MINI_PRICE.output
}

/** One past the highest step whose tool calls the request carries back; 0 for a fresh conversation. */
function nextStep(body: ChatRequest): number {
  let highest = -1
  for (const id of JSON.stringify(body.messages).matchAll(/"call_s(\d+)_\d+"/g)) highest = Math.max(highest, Number(id[1]))
  return highest + 1
}

function completion(model: string, step: LlmStep, n: number): Record<string, unknown> {
  const usage: NonNullable<LlmStep['usage']> = step.usage ?? DEFAULT_USAGE
  const toolCalls = (step.calls ?? []).map((call, index) => ({
    id: `call_s${n}_${index}`,
    type: 'function',
    function: {
      name: call.tool,
      arguments: JSON.stringify(call.tool === 'finish' || call.tool === 'think' ? call.args : { security_risk: 'LOW', ...call.args })
    }
  }))
  return {
    id: `chatcmpl-scripted-${n}-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: step.text ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop'
      }
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      ...(usage.cacheRead ? { prompt_tokens_details: { cached_tokens: usage.cacheRead } } : {})
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** Shorthands for scripts. */
export const step = {
  run: (command: string, usage?: LlmStep['usage']): LlmStep => ({ calls: [{ tool: 'terminal', args: { command } }], usage }),
  edit: (path: string, oldStr: string, newStr: string, usage?: LlmStep['usage']): LlmStep => ({
    calls: [{ tool: 'file_editor', args: { command: 'str_replace', path, old_str: oldStr, new_str: newStr } }],
    usage
  }),
  create: (path: string, text: string): LlmStep => ({ calls: [{ tool: 'file_editor', args: { command: 'create', path, file_text: text } }] }),
  track: (titles: string[]): LlmStep => ({
    calls: [{ tool: 'task_tracker', args: { command: 'plan', task_list: titles.map(title => ({ title, notes: '', status: 'todo' })) } }]
  }),
  finish: (message: string, usage?: LlmStep['usage']): LlmStep => ({ calls: [{ tool: 'finish', args: { message } }], usage })
}
