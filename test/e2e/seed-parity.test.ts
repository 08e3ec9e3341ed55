import { describe, expect, it } from 'vitest'
import { jobFor, LLM_KEY, readJson, resultSchemaErrors, simulator } from './helpers.js'

const posts = (sim: Awaited<ReturnType<typeof simulator>>, path: string) =>
  sim.requests.filter(r => r.server === 'agent' && r.method === 'POST' && r.path === path)

describe('ACP agents', () => {
  it.each([
    ['1.43.1', '/api/conversations'],
    ['1.20.0', '/api/acp/conversations']
  ])('run to completion on a v%s server, created under %s', async (version, route) => {
    const sim = await simulator({ serverVersion: version })
    const main = await jobFor(sim, {
      agent: 'acp',
      'acp-command': 'claude-agent-acp --verbose',
      'acp-model': 'claude-opus-4-6',
      'llm-base-url': 'https://litellm.example.com'
    }).main()
    expect(main.outputs.status).toBe('finished')
    expect(Number(main.outputs.cost)).toBeCloseTo(0.0341, 6)
    expect(main.outputs['final-message']).toBe('I fixed the bug in the parser and the tests pass.')
    const created = posts(sim, route)
    expect(created).toHaveLength(1)
    expect(created[0].body).toMatchObject({
      agent: { kind: 'ACPAgent', acp_command: ['claude-agent-acp', '--verbose'], acp_args: [], acp_model: 'claude-opus-4-6' }
    })
    // The provider key reaches the ACP CLI through the sandbox's environment, with the proxy URL.
    expect((sim.runtimes[0].startBody as { environment: Record<string, string> }).environment).toEqual({
      ANTHROPIC_API_KEY: LLM_KEY,
      ANTHROPIC_BASE_URL: 'https://litellm.example.com'
    })
    expect(sim.validationErrors).toEqual([])
  })

  it.each([
    ['1.43.1', '/api/conversations'],
    ['1.20.0', '/api/acp/conversations']
  ])('continue an ACP conversation by conversation-id on a v%s server, under %s', async (version, route) => {
    const sim = await simulator({ serverVersion: version })
    const acp = { agent: 'acp', 'acp-command': 'claude-agent-acp', 'session-id': 'ohrr-acp-continue', 'on-exit': 'keep' }
    const first = await jobFor(sim, acp).main()
    expect(first.outputs.status).toBe('finished')
    const id = first.outputs['conversation-id']
    const next = await jobFor(sim, { ...acp, 'conversation-id': id, prompt: 'Now add a test.' }).main()
    expect(next.outputs.status, next.stdout).toBe('finished')
    expect(next.outputs['conversation-id']).toBe(id)
    expect(next.stdout).toContain(`Continuing conversation ${id}`)
    // Attached under the ACP route of that release, by creating it again with its id.
    expect(posts(sim, route).map(r => (r.body as { conversation_id?: string }).conversation_id)).toEqual([undefined, id])
    const conversation = sim.runtimes[0].conversations.get(id)!
    expect(conversation.runCount).toBe(2)
    const result = readJson(next.outputs['result-file']) as { continued: { from_attempt: number | null; conversation_cost: number } }
    expect(result.continued.from_attempt).toBeNull()
    expect(result.continued.conversation_cost).toBeCloseTo(Number(first.outputs.cost) + Number(next.outputs.cost), 6)
    expect(resultSchemaErrors(result)).toEqual([])
    expect(sim.validationErrors).toEqual([])
  })

  it('falls back to the other route when the version does not say (404 / 422)', async () => {
    // A v1.20 server that reports no usable version: /api/conversations first, then /api/acp/conversations.
    const sim = await simulator({ serverVersion: '1.20.0', reportedVersion: 'dev' })
    const main = await jobFor(sim, { agent: 'acp', 'acp-command': 'codex-acp' }).main()
    expect(main.outputs.status).toBe('finished')
    expect(posts(sim, '/api/conversations').length + posts(sim, '/api/acp/conversations').length).toBe(2)
    expect(posts(sim, '/api/acp/conversations')).toHaveLength(1)
    expect((sim.runtimes[0].startBody as { environment: Record<string, string> }).environment).toEqual({ OPENAI_API_KEY: LLM_KEY })
  })

  it('rejects acp-command without agent: acp, and agent: acp without a command', async () => {
    const sim = await simulator()
    const a = await jobFor(sim, { 'acp-command': 'claude-agent-acp' }).main()
    expect(a.stdout).toContain("Input 'acp-command' is only for agent: acp.")
    const b = await jobFor(sim, { agent: 'acp' }).main()
    expect(b.stdout).toContain("Input 'acp-command' is required with agent: acp")
    expect(sim.requests).toEqual([])
  })
})

describe('follow-up messages', () => {
  it('runs a three-turn conversation, reports each turn and sums the cost', async () => {
    const sim = await simulator()
    const main = await jobFor(sim, { 'follow-up': '- Now add a test for it.\n- "And update the changelog."\n' }).main()
    expect(main.outputs.status).toBe('finished')
    const result = readJson(main.outputs['result-file']) as {
      turns: Array<{ turn: number; status: string; cost: number; final_message: string }>
      cost: number
    }
    expect(result.turns.map(t => [t.turn, t.status])).toEqual([
      [1, 'finished'],
      [2, 'finished'],
      [3, 'finished']
    ])
    const sum = result.turns.reduce((total, t) => total + t.cost, 0)
    expect(result.cost).toBeCloseTo(sum, 6)
    expect(result.cost).toBeCloseTo(3 * 0.0341, 6)
    expect(result.turns.every(t => t.final_message === 'I fixed the bug in the parser and the tests pass.')).toBe(true)
    expect(resultSchemaErrors(result)).toEqual([])
    const conversation = [...sim.runtimes[0].conversations.values()][0]
    const messages = posts(sim, `/api/conversations/${conversation.id}/events`).map(r => (r.body as { content: Array<{ text: string }> }).content[0].text)
    expect(messages).toEqual(['Fix the failing test.', 'Now add a test for it.', 'And update the changelog.'])
    expect(posts(sim, `/api/conversations/${conversation.id}/run`)).toHaveLength(3)
    expect(conversation.runCount).toBe(3)
  })
})

describe('dry run', () => {
  it('validates, checks the image and shows the requests, but provisions nothing', async () => {
    const sim = await simulator()
    const job = jobFor(sim, { 'dry-run': 'true', 'follow-up': 'second message' })
    const main = await job.main()
    expect(main.code).toBe(0)
    expect(main.outputs.status).toBe('skipped')
    expect(sim.requests.filter(r => r.server !== 'registry')).toEqual([])
    expect(sim.requests.some(r => r.server === 'registry' && r.method === 'HEAD')).toBe(true)
    expect(main.stdout).toContain('Would start a runtime: {"image":"ghcr.io/openhands/agent-server:a1b2c3d-python-amd64"')
    expect(main.stdout).toContain(
      'Would create the conversation: {"agent":{"kind":"Agent","llm":{"model":"anthropic/claude-sonnet-4-5-20250929","api_key":"***"'
    )
    expect(main.stdout).toContain('Message 2 of 2:\nsecond message')
    expect(main.stdout).not.toContain(LLM_KEY + '"')
    expect((await job.post()).code).toBe(0)
  })

  it('fails when the image does not exist', async () => {
    const sim = await simulator()
    sim.registry.missing.add('openhands/agent-server:a1b2c3d-python-amd64')
    const main = await jobFor(sim, { 'dry-run': 'true' }).main()
    expect(main.code).toBe(1)
    expect(main.stdout).toContain('::error::Dry run: Image ghcr.io/openhands/agent-server:a1b2c3d-python-amd64 was not found')
  })
})
