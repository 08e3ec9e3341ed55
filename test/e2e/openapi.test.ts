import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/runner.js'
import { jobFor, simulator } from './helpers.js'

// The agent server's OpenAPI description lives beside the repository, not in it.
const OPENAPI = resolve(REPO_ROOT, '..', 'shared', 'agent-server-openapi.json')
const present = existsSync(OPENAPI)
if (!present) console.log(`OpenAPI request check skipped: ${OPENAPI} not found`)

describe.skipIf(!present)('requests against the agent-server OpenAPI description', () => {
  it.each(['1.43.1', '1.11.4'])('every request the action sends to a %s server matches it', async version => {
    const sim = await simulator({ serverVersion: version, openapiPath: OPENAPI })
    const main = await jobFor(sim, { 'llm-base-url': 'https://llm-proxy.example.com/v1' }).main()
    expect(main.outputs.status).toBe('finished')
    expect(sim.requests.filter(r => r.server === 'agent').length).toBeGreaterThan(5)
    expect(sim.validationErrors).toEqual([])
  })

  it('catches a body that does not match (the check can fail)', async () => {
    const sim = await simulator({ openapiPath: OPENAPI })
    sim.addRuntime({ sessionId: 'control', status: 'running' })
    const runtime = sim.runtimes[0]
    await request(`${runtime.url}/api/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Session-API-Key': runtime.sessionApiKey },
      body: JSON.stringify({
        agent: { kind: 'Agent', llm: { model: 'm' }, tools: [{ params: {} }] },
        workspace: { kind: 'LocalWorkspace', working_dir: '/w' },
        max_iterations: 'many'
      })
    }).then(r => r.body.text())
    expect(sim.validationErrors.some(e => e.includes('max_iterations'))).toBe(true)
  })
})
