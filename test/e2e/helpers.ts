import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterEach } from 'vitest'
import { Job, REPO_ROOT, type JobOptions } from '../harness/runner.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js'

const open: Simulator[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(sim => sim.close()))
})

/** A simulator that is closed after the test. */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ provisioningMs: 300, ...options })
  open.push(sim)
  return sim
}

export const LLM_KEY = 'sk-llm-canary-7f3a9c1e5b2d'

/** Sends the image preflight's ghcr.io requests to the simulator's registry: tests never reach the internet. */
export function registryMirror(sim: Simulator): Record<string, string> {
  return { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${sim.registryUrl}` }
}

/** A job whose inputs point at the simulator, with a prompt and both keys. */
export function jobFor(sim: Simulator, inputs: Record<string, string> = {}, options: Omit<JobOptions, 'inputs'> = {}): Job {
  return new Job({
    inputs: { prompt: 'Fix the failing test.', 'llm-api-key': LLM_KEY, 'runtime-api-url': sim.url, 'runtime-api-key': sim.runtimeApiKey, ...inputs },
    ...options,
    env: { ...registryMirror(sim), ...options.env }
  })
}

export function readJsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Record<string, unknown>)
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
}

/** Runtime API requests of one kind, e.g. 'POST /stop'. */
export function runtimeCalls(sim: Simulator, call: string): number {
  const [method, path] = call.split(' ')
  return sim.requests.filter(r => r.server === 'runtime' && r.method === method && r.path.startsWith(path)).length
}

/** The ids of a conversation's persisted log, in order. */
export function logIds(sim: Simulator, runtimeIndex = 0): string[] {
  const conversation = [...sim.runtimes[runtimeIndex].conversations.values()][0]
  return conversation.events.map(e => e.id as string)
}

/** Sum of accumulated_cost over every usage id in the last stats update of the log. */
export function loggedCost(sim: Simulator, runtimeIndex = 0): number {
  const conversation = [...sim.runtimes[runtimeIndex].conversations.values()][0]
  const stats = [...conversation.events].reverse().find(e => e.kind === 'ConversationStateUpdateEvent' && e.key === 'stats')
  const metrics = (stats?.value as { usage_to_metrics: Record<string, { accumulated_cost: number }> }).usage_to_metrics
  return Object.values(metrics).reduce((sum, m) => sum + m.accumulated_cost, 0)
}

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false })
const validateResult = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'result.schema.json'), 'utf8')) as object)

/** Problems of a result.json against schemas/result.schema.json; [] when it conforms. */
export function resultSchemaErrors(result: unknown): string[] {
  return validateResult(result) ? [] : (validateResult.errors ?? []).map(e => `${e.instancePath} ${e.message}`)
}
