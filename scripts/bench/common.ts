// What the simulator benchmarks of `npm run bench` share: where things are, the row of the
// table, and small helpers to run the built action against the simulator and read what it did.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Job, REPO_ROOT } from '../../test/harness/runner.js'
import { isoToMicros } from '../../test/simulator/events.js'
import { startSimulator, type RecordedRequest, type SimConversation, type Simulator, type SimulatorOptions } from '../../test/simulator/index.js'
import { round } from './numbers.js'

export const DIST = join(REPO_ROOT, 'dist', 'main')
export const ACTION = join(DIST, 'index.js')
export const WORK = join(REPO_ROOT, '.tmp', 'bench')

/** One row of the table. */
export interface Figure {
  figure: string
  unit: string
  measured: number
  reference: number | null
  referenceLabel: string
  ratio: number | null
  target: string
  pass: boolean
}

/**
 * A simulator without OpenAPI request validation: that is the tests' job, and compiling the schema
 * on the first create-conversation costs the simulator ~140 ms that would be charged to the action.
 */
export function simulator(options: SimulatorOptions): Promise<Simulator> {
  return startSimulator({ ...options, openapiPath: null })
}

export function jobFor(sim: Simulator, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Job {
  return new Job({
    inputs: {
      prompt: 'Fix the failing test.',
      'llm-api-key': 'bench-llm-key-not-a-secret',
      'runtime-api-url': sim.url,
      'runtime-api-key': sim.runtimeApiKey,
      ...inputs
    },
    env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${sim.registryUrl}`, ...env }
  })
}

/** The conversation of the simulator's first runtime, once there is one. */
export function firstConversation(sim: Simulator): SimConversation | undefined {
  return sim.runtimes[0] ? [...sim.runtimes[0].conversations.values()][0] : undefined
}

/** VmRSS and VmHWM (peak) of a process in kB, and its CPU time in ms; undefined once it has exited. */
export function procStatus(pid: number | undefined): { rssKb: number; hwmKb: number; cpuMs: number } | undefined {
  if (!pid) return undefined
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1])
    // utime and stime: fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const rssKb = kb('VmRSS')
    // A process that has exited but not been reaped has no VmRSS line.
    return Number.isFinite(rssKb) ? { rssKb, hwmKb: kb('VmHWM'), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 } : undefined
  } catch {
    return undefined
  }
}

/** Route of a recorded request with its ids replaced by placeholders. */
export function route(r: RecordedRequest): string {
  const path = r.path
    .replace(/^\/api\/conversations\/[^/]+/, '/api/conversations/{id}')
    .replace(/^\/sockets\/events\/.+/, '/sockets/events/{id}')
    .replace(/^\/sessions\/.+/, '/sessions/{session_id}')
    .replace(/^\/v2\/.+\/manifests\/.+/, '/v2/{image}/manifests/{tag}')
  return `${r.server} ${r.method} ${path}`
}

/** A = from the agent server's receipt of POST /run to the timestamp of the run's final execution_status event. */
export function agentWindow(sim: Simulator): { runAt: number; finalAt: number } {
  const run = find(sim.requests, r => r.server === 'agent' && r.method === 'POST' && r.path.endsWith('/run'))
  const conversation = firstConversation(sim)
  const finalStatus = [...(conversation?.events ?? [])].reverse().find(e => e.kind === 'ConversationStateUpdateEvent' && e.key === 'execution_status')
  // Event timestamps are naive UTC with microseconds (protocol.md B.1).
  return { runAt: run.at, finalAt: isoToMicros(String(finalStatus?.timestamp)) / 1000 }
}

export function find(requests: RecordedRequest[], test: (r: RecordedRequest) => boolean): RecordedRequest {
  const found = requests.find(test)
  if (!found) throw new Error('an expected request is missing from the simulator record')
  return found
}

/** The element whose key is the median (the upper one of an even count). */
export function medianBy<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]
}

/** Mean gap between consecutive times, null with fewer than two. */
export function meanInterval(times: number[]): number | null {
  return times.length > 1 ? (times[times.length - 1] - times[0]) / (times.length - 1) : null
}

/** kB as /proc counts them (1024 bytes) to MB of 10^6 bytes, as bundle sizes are given. */
export function mb(kb: number): number {
  return round((kb * 1024) / 1e6, 1)
}

export function progress(line: string): void {
  console.log(`… ${line}`)
}
