import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorScript, longScript, type RecordedRequest, type Simulator } from '../simulator/index.js'
import { jobFor, LLM_KEY, logIds, loggedCost, readJson, readJsonLines, resultSchemaErrors, runtimeCalls, simulator } from './helpers.js'
import { when } from '../harness/runner.js'

/** GET /sessions/{id} of the Runtime API after POST /start: the readiness polls. */
function statusPollsAfterStart(sim: Simulator): RecordedRequest[] {
  const start = sim.requests.findIndex(r => r.server === 'runtime' && r.method === 'POST' && r.path === '/start')
  return sim.requests.slice(start + 1).filter(r => r.server === 'runtime' && r.method === 'GET' && r.path.startsWith('/sessions/'))
}

describe('a run end to end (built bundle, runner contract, simulator)', () => {
  it('finishes, reports cost over every LLM, writes every event once in order, and stops the runtime', async () => {
    const sim = await simulator()
    const job = jobFor(sim)
    const main = await job.main()

    expect(main.code).toBe(0)
    const out = main.outputs
    expect(out.status).toBe('finished')
    expect(Number(out.cost)).toBeCloseTo(loggedCost(sim), 6)
    expect(Number(out.cost)).toBeCloseTo(0.0341, 6) // agent + condenser, not the agent alone
    expect(out['final-message']).toBe('I fixed the bug in the parser and the tests pass.')
    expect(Number(out['prompt-tokens'])).toBe(5200 + 6100 + 2400 + 6900)
    expect(Number(out['completion-tokens'])).toBe(180 + 140 + 310 + 95)
    expect(out['runtime-id']).toBe(sim.runtimes[0].runtimeId)
    expect(out['conversation-id']).toBe([...sim.runtimes[0].conversations.keys()][0])
    expect(main.stdout).toMatch(/^EXAMPLE_COST: 0\.0341$/m)

    const events = readJsonLines(out['events-file'])
    expect(events.map(e => e.id)).toEqual(logIds(sim))
    expect(events.some(e => e.key === 'full_state')).toBe(false)

    const result = readJson(out['result-file'])
    expect(result).toMatchObject({
      schema_version: 2,
      status: 'finished',
      error: null,
      cost: 0.0341,
      conversation_id: out['conversation-id'],
      runtime_id: out['runtime-id'],
      session_id: out['session-id'],
      final_message: out['final-message'],
      event_count: events.length
    })
    expect(resultSchemaErrors(result)).toEqual([])
    expect(resultSchemaErrors({ ...result, status: 'done' })).not.toEqual([])
    expect(job.summary()).toContain('✅ finished')
    expect(job.summary()).toContain('$0.0341')
    // The scripted agent says it fixed a bug but touches nothing: every report says so.
    expect(result.changes).toEqual({ files: [], additions: 0, deletions: 0 })
    expect(out['patch-file']).toBe('')
    expect(result.patch_file).toBeNull()
    expect(job.summary()).toContain('| Changes | none: the agent changed no files |')
    expect(job.summary()).toContain("The agent's final message describes changes, but the run brought back no changed files.")
    expect(job.summary()).toContain('| Tokens | 20,600 prompt, 725 completion, 11,100 cache read |')
    expect((result.phases as Array<{ name: string }>).map(p => p.name)).toEqual([
      'Checking the image',
      'Provisioning the runtime',
      'Preparing the working directory',
      'Running the agent',
      'Bringing the changes back',
      'Releasing the runtime'
    ])
    expect(job.summary()).toMatch(/```mermaid\ngantt\n[\s\S]*Provisioning the runtime \(/)
    expect((result.usage as Array<{ usage_id: string }>).map(u => u.usage_id).sort()).toEqual(['agent', 'condenser'])
    // No artifact service outside a runner: said once, and not recorded as uploaded.
    expect(main.stdout.match(/not uploaded: no artifact service/g)).toHaveLength(1)
    expect(readFileSync(job.files.state, 'utf8')).not.toContain('artifact-uploaded')

    // The /start body is the SDK's; the runtime was stopped by main, and post had nothing left to do.
    expect(sim.runtimes[0].startBody).toMatchObject({
      image: 'ghcr.io/openhands/agent-server:a1b2c3d-python-amd64',
      command: '/usr/local/bin/openhands-agent-server --port 60000',
      working_dir: '/',
      run_as_user: 10001,
      fs_group: 10001,
      image_pull_policy: 'IfNotPresent',
      session_id: out['session-id']
    })
    expect(sim.runtimes[0].startBody).not.toHaveProperty('resource_factor')
    expect(sim.runtimes[0].status).toBe('stopped')
    expect(runtimeCalls(sim, 'POST /stop')).toBe(1)
    const before = sim.requests.length
    const post = await job.post()
    expect(post.code).toBe(0)
    expect(sim.requests.length).toBe(before)

    // First-message WebSocket auth: the key never travels in a URL.
    const sockets = sim.requests.filter(r => r.method === 'WS')
    expect(sockets.length).toBeGreaterThan(0)
    expect(sockets.every(r => !('session_api_key' in r.query))).toBe(true)
    expect(sim.validationErrors).toEqual([])
  })

  it('keeps to two status polls a second while the Runtime API says running after the server answers', async () => {
    const sim = await simulator({ provisioningMs: 1_000, faults: { statusLagMs: 3_000 } })
    const main = await jobFor(sim).main()
    expect(main.outputs.status).toBe('finished')
    const polls = sim.requests.filter(r => r.server === 'runtime' && r.path.startsWith('/sessions/')).length
    // About 4 s of provisioning at 2 a second; a tight loop would make hundreds.
    expect(polls).toBeLessThanOrEqual(12)
  })

  it('detects readiness within a second and polls the Runtime API at most twice a second', async () => {
    const sim = await simulator({ provisioningMs: 2_500 })
    const main = await jobFor(sim).main()
    expect(main.outputs.status).toBe('finished')
    const runtime = sim.runtimes[0]
    const firstAgentCall = sim.requests.find(r => r.server === 'agent' && r.path !== '/health' && r.at >= runtime.readyAt!)!
    expect(firstAgentCall.at - runtime.readyAt!).toBeLessThan(1_000)
    // Polls are sent ≥ 500 ms apart, but for one confirming poll when /health first answers: the k-th poll after
    // /start comes ≥ 500·k ms after the runtime started, as the simulator stamps them (late under load, never early).
    const polls = statusPollsAfterStart(sim)
    expect(polls.length).toBeGreaterThan(2)
    polls.forEach((poll, k) => expect(poll.at - runtime.startedAt, `poll ${k}`).toBeGreaterThanOrEqual(500 * k))
  })

  it('uses the image of the PR head commit on pull_request events', async () => {
    const sim = await simulator()
    const head = '0123456789abcdef0123456789abcdef01234567'
    const main = await jobFor(
      sim,
      { 'allowed-users': 'octocat', comment: 'false' },
      {
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff' },
        event: {
          action: 'opened',
          number: 7,
          pull_request: { number: 7, head: { sha: head, ref: 'feature' }, base: { sha: 'eeee', ref: 'main' } },
          sender: { login: 'octocat', type: 'User' }
        }
      }
    ).main()
    expect(main.outputs.status).toBe('finished')
    expect(sim.runtimes[0].image).toBe('ghcr.io/openhands/agent-server:0123456-python-amd64')
  })

  it('attaches to the running runtime of its session instead of starting one', async () => {
    const sim = await simulator()
    const existing = sim.addRuntime({ sessionId: 'eval-cell-1', status: 'running' })
    const main = await jobFor(sim, { 'session-id': 'eval-cell-1' }).main()
    expect(main.outputs.status).toBe('finished')
    expect(main.outputs['runtime-id']).toBe(existing.runtimeId)
    expect(runtimeCalls(sim, 'POST /start')).toBe(0)
    expect(existing.status).toBe('stopped')
  })

  it('resumes a paused runtime of its session', async () => {
    const sim = await simulator()
    const existing = sim.addRuntime({ sessionId: 'eval-cell-2', status: 'paused' })
    const main = await jobFor(sim, { 'session-id': 'eval-cell-2' }).main()
    expect(main.outputs.status).toBe('finished')
    expect(runtimeCalls(sim, 'POST /resume')).toBe(1)
    expect(runtimeCalls(sim, 'POST /start')).toBe(0)
    expect(main.outputs['runtime-id']).toBe(existing.runtimeId)
    expect(existing.status).toBe('stopped')
  })

  it('starts a new runtime when the session has a stopped one', async () => {
    const sim = await simulator()
    sim.addRuntime({ sessionId: 'eval-cell-3', status: 'stopped' })
    const main = await jobFor(sim, { 'session-id': 'eval-cell-3' }).main()
    expect(main.outputs.status).toBe('finished')
    expect(runtimeCalls(sim, 'POST /start')).toBe(1)
  })

  it('fails fast on a crash loop with the pod logs in the error, and stops the runtime', async () => {
    const sim = await simulator({ faults: { crashLoop: true } })
    const main = await jobFor(sim).main()
    expect(main.code).toBe(1)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toMatch(/::error::Runtime \w+ crashed and is restarting/)
    expect(main.stdout).toContain('OOMKilled')
    expect(main.stdout).toMatch(/Pod logs/)
    // The first status poll after /start already says crashloopbackoff (the pod crashes at half of its 300 ms): it ends provisioning.
    expect(statusPollsAfterStart(sim)).toHaveLength(1)
    expect(sim.runtimes[0].status).toBe('stopped')
    const result = readJson(main.outputs['result-file'])
    expect(result).toMatchObject({ status: 'error', runtime_id: sim.runtimes[0].runtimeId, conversation_id: null })
    expect(resultSchemaErrors(result)).toEqual([])
  })

  it('rejects bad input before any remote call, naming the input', async () => {
    const sim = await simulator()
    const job = jobFor(sim, { 'resource-factor': '3', 'timeout-minutes': 'soon' })
    const main = await job.main()
    expect(main.code).toBe(1)
    expect(main.stdout).toContain("Input 'resource-factor' must be one of 1, 2, 4, 8; got '3'.")
    expect(main.stdout).toContain("Input 'timeout-minutes' must be a number")
    expect(job.summary()).toContain('Not started: the inputs are invalid.')
    expect(job.summary()).toContain("Input 'resource-factor' must be one of 1, 2, 4, 8")
    const post = await job.post()
    expect(post.code).toBe(0)
    expect(sim.requests).toEqual([])
  })

  it('reports an agent error with its code, fails the step, and still stops the runtime', async () => {
    const sim = await simulator({ script: errorScript })
    const main = await jobFor(sim).main()
    expect(main.code).toBe(1)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toContain('::error::MaxIterationsReached: Agent reached the maximum number of iterations')
    expect(Number(main.outputs.cost)).toBeCloseTo(0.004, 6)
    expect(sim.runtimes[0].status).toBe('stopped')
  })

  it('speaks to a v1.11 server: query-parameter WebSocket auth, final message from the FinishAction', async () => {
    const sim = await simulator({ serverVersion: '1.11.4' })
    const main = await jobFor(sim).main()
    expect(main.outputs.status).toBe('finished')
    expect(main.outputs['final-message']).toBe('I fixed the bug in the parser and the tests pass.')
    const sockets = sim.requests.filter(r => r.method === 'WS')
    expect(sockets.every(r => typeof r.query.session_api_key === 'string')).toBe(true)
    expect(sim.requests.some(r => r.path.endsWith('/agent_final_response'))).toBe(false)
    expect(readJsonLines(main.outputs['events-file']).map(e => e.id)).toEqual(logIds(sim))
  })

  it.each([
    ['pause', 'paused', 'POST /pause'],
    ['keep', 'running', undefined]
  ])('on-exit %s leaves the runtime %s, and post does not stop it', async (onExit, status, call) => {
    const sim = await simulator()
    const job = jobFor(sim, { 'on-exit': onExit })
    expect((await job.main()).outputs.status).toBe('finished')
    await job.post()
    expect(sim.runtimes[0].status).toBe(status)
    expect(runtimeCalls(sim, 'POST /stop')).toBe(0)
    if (call) expect(runtimeCalls(sim, call)).toBe(1)
  })

  it('releases the runtime before reporting: a failing file command does not skip it, and fails the step', async () => {
    const sim = await simulator()
    const job = jobFor(sim, {}, { env: { GITHUB_OUTPUT: join(tmpdir(), 'ohrr-no-such-folder', 'github_output') } })
    const main = await job.main()
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*ohrr-no-such-folder/)
    expect(runtimeCalls(sim, 'POST /stop')).toBe(1)
    expect(sim.runtimes[0].status).toBe('stopped')
  })

  it('post stops the runtime when main was killed mid-run', async () => {
    const sim = await simulator({ script: longScript })
    const job = jobFor(sim)
    const main = await job.main(when('[action] terminal', child => child.kill('SIGKILL')))
    expect(main.signal).toBe('SIGKILL')
    expect(sim.runtimes[0].status).toBe('running')
    const post = await job.post()
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Runtime ${sim.runtimes[0].runtimeId} stopped.`)
    expect(sim.runtimes[0].status).toBe('stopped')
    expect(runtimeCalls(sim, 'POST /stop')).toBe(1)
  })

  it('leaks no secret into the log, outputs, state, summary or files', async () => {
    const sim = await simulator({ runtimeApiKey: 'rt-canary-19d8e7f6a5b4' })
    const job = jobFor(sim)
    const main = await job.main()
    await job.post()
    expect(main.outputs.status).toBe('finished')
    const sessionKey = sim.runtimes[0].sessionApiKey
    const secrets = [LLM_KEY, 'rt-canary-19d8e7f6a5b4', sessionKey]
    // The runner masks stdout itself, after our ::add-mask:: commands; nothing else may carry a secret.
    const stdout = main.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    const places: Record<string, string> = {
      stdout,
      stderr: main.stderr,
      outputs: readFileSync(job.files.output, 'utf8'),
      state: readFileSync(job.files.state, 'utf8'),
      summary: job.summary(),
      events: readFileSync(main.outputs['events-file'], 'utf8'),
      result: readFileSync(main.outputs['result-file'], 'utf8')
    }
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${place} contains a secret`).toBe(false)
    }
    for (const secret of secrets) expect(main.stdout).toContain(`::add-mask::${secret}`)
    // The LLM key did reach the agent server, where it belongs.
    const created = sim.requests.find(r => r.method === 'POST' && r.path === '/api/conversations')
    expect(JSON.stringify(created?.body)).toContain(LLM_KEY)
    expect(existsSync(main.outputs['events-file'])).toBe(true)
  })
})
