// What one run of the SDK comparison measured, read from the servers' records (the Runtime API,
// the pod's proxy, the scripted LLM) and from what the client left behind.
import { readFileSync } from 'node:fs'
import type { ScriptedLlm } from '../../test/real/llm.js'
import type { CuttingProxy, RealRuntimeApi } from '../../test/real/runtime-api.js'
import { RealServer } from '../../test/real/server.js'
import type { RecordedRequest } from '../../test/simulator/types.js'
import { round } from './numbers.js'

export type Side = 'action' | 'sdk'
export const SIDES: Side[] = ['action', 'sdk']

/** How a client's process ended, and what it holds. */
export interface Outcome {
  exitCode: number | null
  wallMs: number
  startedAt: number
  stdout: string
  conversationId?: string
  /** Event ids as the client holds them (the action's events.jsonl; the SDK's conversation.state.events). */
  delivered?: string[]
  streamed?: string[]
  cost: string
}

/** What the bench saw of the client's process while it ran: peak RSS and the cancel signals. */
export interface ProcessRecord {
  peakKb: number
  sigintAt?: number
  signals: string[]
  exitedAt?: number
}

export interface Run {
  side: Side
  exitCode: number | null
  wallMs: number
  /** Pod readiness (and server up), from /start. */
  provisionedMs: number
  serverUpMs: number
  agentMs: number
  overheadMs: number
  startToFirstRequestMs: number
  readinessLagMs: number
  /** From ready to the first agent-server request other than /health. */
  readyToFirstCallMs: number
  readyToPromptMs: number
  peakRssMb: number
  runtimeRequests: number
  agentRequests: number
  runtimeRoutes: Record<string, number>
  agentRoutes: Record<string, number>
  refusedBeforeReady: number
  llmRequests: number
  titleCalls: number
  cost: string
  events?: { server: number; delivered: number; lost: number; duplicated: number; extra: number; streamed?: number }
  cancel?: { stopped: boolean; stoppedAfterSigintMs: number | null; exitedAfterSigintMs: number; signals: string[]; interrupted: boolean }
  stdoutTail: string
}

/** `keep`: the runtime was left up, so its log can be read; `cancelled`: the run was cancelled by signals. */
export async function measure(
  side: Side,
  api: RealRuntimeApi,
  llm: ScriptedLlm,
  options: { keep?: boolean; cancelled: boolean },
  client: ProcessRecord,
  outcome: Outcome,
  answers: number[]
): Promise<Run> {
  const pod = api.pods[0]
  if (!pod) throw new Error(`${side}: no pod was started (exit ${outcome.exitCode}):\n${outcome.stdout.slice(-3_000)}`)
  const proxy = api.proxies.get(pod.runtimeId) as CuttingProxy
  const readyAt = pod.readyAt ?? NaN
  const agentCalls = proxy.requests.filter(r => !r.refused)
  const firstAfterReady = agentCalls.find(r => r.at >= readyAt)
  const firstCallAfterReady = agentCalls.find(r => r.at >= readyAt && r.path !== '/health')
  const prompt = agentCalls.find(r => r.method === 'POST' && /^\/api\/conversations\/[^/]+\/events$/.test(r.path))
  const runtime = api.requests.filter(r => r.server === 'runtime')
  const first = [...api.requests].sort((a, b) => a.at - b.at)[0]
  // A: from the server's receipt of POST /run to the LLM's last answer (the SDK client deletes the conversation, log and all, on close).
  const runAt = agentCalls.find(r => r.method === 'POST' && /^\/api\/conversations\/[^/]+\/run$/.test(r.path))?.at ?? NaN
  const agentMs = Math.max(...answers) - runAt
  const provisionedMs = readyAt - pod.startedAt
  const run: Run = {
    side,
    exitCode: outcome.exitCode,
    wallMs: outcome.wallMs,
    provisionedMs,
    serverUpMs: (pod.serverUpAt ?? NaN) - pod.startedAt,
    agentMs,
    overheadMs: outcome.wallMs - provisionedMs - agentMs,
    startToFirstRequestMs: (first?.at ?? NaN) - outcome.startedAt,
    readinessLagMs: (firstAfterReady?.at ?? NaN) - readyAt,
    readyToFirstCallMs: (firstCallAfterReady?.at ?? NaN) - readyAt,
    readyToPromptMs: (prompt?.at ?? NaN) - readyAt,
    peakRssMb: round((client.peakKb * 1024) / 1e6, 1),
    runtimeRequests: runtime.length,
    agentRequests: agentCalls.length,
    runtimeRoutes: countRoutes(runtime.map(r => `${r.method} ${runtimeRoute(r)}`)),
    agentRoutes: countRoutes(agentCalls.map(r => `${r.method} ${agentRoute(r.path)}`)),
    refusedBeforeReady: proxy.requests.filter(r => r.refused).length,
    llmRequests: llm.requests.length,
    titleCalls: llm.titleCalls,
    cost: outcome.cost,
    stdoutTail: outcome.stdout.slice(-1_500)
  }
  if (options.keep && outcome.conversationId) {
    const logged = (await new RealServer(pod).events(outcome.conversationId)).map(e => String(e.id))
    const delivered = outcome.delivered ?? []
    const held = new Set(delivered)
    const inLog = new Set(logged)
    run.events = {
      server: logged.length,
      delivered: delivered.length,
      lost: logged.filter(id => !held.has(id)).length,
      duplicated: delivered.length - held.size,
      extra: [...held].filter(id => !inLog.has(id)).length,
      ...(outcome.streamed ? { streamed: outcome.streamed.length } : {})
    }
  }
  if (options.cancelled) {
    const sigintAt = client.sigintAt ?? NaN
    run.cancel = {
      stopped: pod.status === 'stopped' && !pod.alive,
      stoppedAfterSigintMs: pod.stoppedAt ? pod.stoppedAt - sigintAt : null,
      exitedAfterSigintMs: (client.exitedAt ?? NaN) - sigintAt,
      signals: client.signals,
      interrupted: agentCalls.some(r => r.method === 'POST' && /\/(interrupt|pause)$/.test(r.path))
    }
  }
  return run
}

/** Peak RSS of a process so far (VmHWM, kB); 0 once it has gone. */
export function hwmKb(pid: number | undefined): number {
  if (!pid) return 0
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

function runtimeRoute(r: RecordedRequest): string {
  return r.path.replace(/^\/sessions\/.+/, '/sessions/{session_id}')
}

function agentRoute(path: string): string {
  return path.replace(/^\/api\/conversations\/[0-9a-f-]{32,36}/, '/api/conversations/{id}').replace(/^\/sockets\/events\/.+/, '/sockets/events/{id}')
}

function countRoutes(routes: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const route of routes) counts[route] = (counts[route] ?? 0) + 1
  return counts
}
