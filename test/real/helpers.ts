import { afterEach } from 'vitest'
import { Job, type JobOptions } from '../harness/runner.js'
import { startScriptedLlm, LLM_MODEL, type LlmScript, type ScriptedLlm } from './llm.js'
import { installedRelease } from './releases.js'
export { failingCheckout } from './fixtures.js'
import { startRealRuntimeApi, type RealRuntimeApi } from './runtime-api.js'

/**
 * Why the real-server tier cannot run here, or null when it can. Under CI=true a missing
 * install is a failure, not a skip: CI installs it (`.ci/run`).
 */
export function unavailable(version: string): string | null {
  const why =
    process.platform !== 'linux' || process.getuid?.() !== 0
      ? 'the real-server tier needs root on Linux (private mount and PID namespaces per pod)'
      : !installedRelease(version)
        ? `agent server ${version} is not installed (npm run real-server:setup)`
        : null
  if (why && process.env.CI === 'true') throw new Error(`CI=true, and ${why}`)
  return why
}

/** Per test: a real server starts in seconds, but a loaded 2-core machine makes it tens. */
export const REAL_TIMEOUT_MS = 240_000

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(x => x.close()))
})

export interface RealSetup {
  api: RealRuntimeApi
  llm: ScriptedLlm
}

/** A Runtime API that launches real agent servers of `version`, and a scripted LLM; both closed after the test. */
export async function realSetup(version: string, script: LlmScript, llmOptions: { contextChars?: number } = {}): Promise<RealSetup> {
  const llm = await startScriptedLlm(script, llmOptions)
  open.push(llm)
  const api = await startRealRuntimeApi(version)
  open.push(api)
  return { api, llm }
}

export const REAL_LLM_KEY = 'sk-real-llm-canary-51d0c7'

/** A job of the built action against the real-server setup, with the scripted LLM. */
export function realJob({ api, llm }: RealSetup, inputs: Record<string, string> = {}, options: Omit<JobOptions, 'inputs'> = {}): Job {
  const job = new Job({
    inputs: {
      prompt: 'The test in test_calc.py fails. Find the bug and fix it.',
      'llm-model': LLM_MODEL,
      'llm-base-url': llm.baseUrl,
      'llm-api-key': REAL_LLM_KEY,
      'runtime-api-url': api.url,
      'runtime-api-key': api.runtimeApiKey,
      'startup-timeout': '120',
      ...inputs
    },
    ...options,
    env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${api.registryUrl}`, ...options.env }
  })
  open.push({ close: async () => job.remove() })
  return job
}
