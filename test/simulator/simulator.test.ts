import { describe, expect, it } from 'vitest'
import { request } from 'undici'
import WebSocket from 'ws'
import { agentMessageFields } from './events.js'
import { longScript, startSimulator, type AgentScript, type RecordedRequest, type SimConversation, type Simulator, type StepContext } from './index.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are probed field by field
type Json = Record<string, any>

const START_BODY = {
  image: 'ghcr.io/openhands/agent-server:abc1234-python-amd64',
  command: '/usr/local/bin/openhands-agent-server --port 60000',
  working_dir: '/',
  environment: {},
  session_id: 'agent-server-test',
  run_as_user: 10001,
  fs_group: 10001,
  image_pull_policy: 'IfNotPresent',
  runtime_class: 'sysbox-runc'
}

const CONVERSATION_BODY = {
  agent: {
    kind: 'Agent',
    llm: { model: 'anthropic/claude-sonnet-4-5-20250929', api_key: 'sk-secret', base_url: null, usage_id: 'agent' },
    tools: [
      { name: 'terminal', params: {} },
      { name: 'file_editor', params: {} }
    ],
    condenser: {
      kind: 'LLMSummarizingCondenser',
      llm: { model: 'anthropic/claude-haiku', api_key: 'sk-secret', usage_id: 'condenser' },
      max_size: 80,
      keep_first: 4
    }
  },
  workspace: { kind: 'LocalWorkspace', working_dir: '/workspace/project' },
  max_iterations: 100,
  stuck_detection: true,
  confirmation_policy: { kind: 'NeverConfirm' },
  initial_message: null,
  autotitle: false
}

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await request(base + path, {
    method: method as 'GET',
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.body.text()
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- probed field by field
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.statusCode, text, json, headers: res.headers }
}

const runtimeApi = (sim: Simulator, method: string, path: string, body?: unknown) => call(sim.url, method, path, { 'x-api-key': sim.runtimeApiKey }, body)

interface Started {
  runtimeId: string
  url: string
  key: string
}

async function startRuntime(sim: Simulator, sessionId = START_BODY.session_id): Promise<Started> {
  const res = await runtimeApi(sim, 'POST', '/start', { ...START_BODY, session_id: sessionId })
  expect(res.status).toBe(200)
  return { runtimeId: res.json.runtime_id, url: res.json.url, key: res.json.session_api_key }
}

async function waitReady(sim: Simulator, sessionId = START_BODY.session_id): Promise<string[]> {
  const seen: string[] = []
  for (;;) {
    const res = await runtimeApi(sim, 'GET', `/sessions/${sessionId}`)
    const pod = res.json.pod_status as string
    if (seen.at(-1) !== pod) seen.push(pod)
    if (pod === 'ready' || pod === 'crashloopbackoff' || pod === 'failed') return seen
    await new Promise(r => setTimeout(r, 20))
  }
}

const agentApi = (rt: Started, method: string, path: string, body?: unknown) => call(rt.url, method, path, { 'x-session-api-key': rt.key }, body)

async function readyRuntime(sim: Simulator, sessionId?: string): Promise<Started> {
  const rt = await startRuntime(sim, sessionId)
  await waitReady(sim, sessionId)
  return rt
}

async function createConversation(rt: Started, body: unknown = CONVERSATION_BODY): Promise<string> {
  const res = await agentApi(rt, 'POST', '/api/conversations', body)
  expect(res.status).toBe(201)
  return res.json.id
}

/** A WebSocket with every frame it received and a way to wait for one. */
class Socket {
  readonly frames: Json[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  readonly opened: Promise<number>
  private waiters: { test: (f: Json) => boolean; resolve: (f: Json) => void }[] = []

  constructor(url: string, headers: Record<string, string> = {}) {
    const ws = (this.ws = new WebSocket(url, { headers }))
    this.opened = new Promise(resolve => {
      ws.on('open', () => resolve(101))
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => resolve(0))
    })
    this.closed = new Promise(resolve => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    ws.on('message', data => {
      const frame = JSON.parse(data.toString()) as Json
      this.frames.push(frame)
      this.waiters = this.waiters.filter(w => (w.test(frame) ? (w.resolve(frame), false) : true))
    })
  }

  readonly ws: WebSocket

  next(test: (f: Json) => boolean, fromIndex = 0): Promise<Json> {
    const found = this.frames.slice(fromIndex).find(test)
    if (found) return Promise.resolve(found)
    return new Promise(resolve => this.waiters.push({ test, resolve }))
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame))
  }

  close(): void {
    this.ws.close()
  }
}

const wsUrl = (rt: Started, conversationId: string, query = '') => `${rt.url.replace(/^http/, 'ws')}/sockets/events/${conversationId}${query}`
const isFullState = (f: Json) => f.kind === 'ConversationStateUpdateEvent' && f.key === 'full_state'

async function allEvents(rt: Started, conversationId: string, limit = 100): Promise<Json[]> {
  const events: Json[] = []
  let pageId: string | null = null
  do {
    const query: string = `?limit=${limit}${pageId ? `&page_id=${pageId}` : ''}`
    const res = await agentApi(rt, 'GET', `/api/conversations/${conversationId}/events/search${query}`)
    expect(res.status).toBe(200)
    events.push(...res.json.items)
    pageId = res.json.next_page_id
  } while (pageId)
  return events
}

describe('simulator', () => {
  it('supports the minimal flow of protocol.md §F', async () => {
    // Long enough that the first poll sees 'pending' on a loaded machine too.
    const sim = await startSimulator({ provisioningMs: 1_000 })
    try {
      expect((await runtimeApi(sim, 'GET', `/sessions/${START_BODY.session_id}`)).status).toBe(404)

      const start = await runtimeApi(sim, 'POST', '/start', START_BODY)
      expect(start.status).toBe(200)
      expect(start.json).toMatchObject({ status: 'running' })
      expect(start.json.runtime_id).toMatch(/^[a-z]{16}$/)
      expect(start.json).not.toHaveProperty('pod_status')
      const rt: Started = { runtimeId: start.json.runtime_id, url: start.json.url, key: start.json.session_api_key }
      expect(rt.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      const early = await call(rt.url, 'GET', '/health', {})
      expect(early.status).toBe(503)
      expect(early.text).toBe('no available server')

      const seen = await waitReady(sim)
      expect(seen[0]).toBe('pending')
      expect(seen.at(-1)).toBe('ready')
      expect((await call(rt.url, 'GET', '/health', {})).json).toEqual({ status: 'ok' })
      expect((await call(rt.url, 'GET', '/server_info', {})).json.version).toBe('1.43.1')

      // Smoke test through the bash API: the command really runs, in the mapped sandbox.
      const command = await agentApi(rt, 'POST', '/api/bash/start_bash_command', { command: 'echo hello && pwd', cwd: '/workspace', timeout: 10 })
      expect(command.json.id).toMatch(/^[0-9a-f]{32}$/)
      let output: Json | undefined
      while (!output) {
        const res = await agentApi(rt, 'GET', `/api/bash/bash_events/search?command_id__eq=${command.json.id}&kind__eq=BashOutput&limit=100`)
        output = res.json.items.find((e: Json) => e.exit_code !== null && e.exit_code !== undefined)
      }
      expect(output).toMatchObject({ exit_code: 0, stdout: 'hello\n/workspace\n', kind: 'BashOutput' })

      const id = await createConversation(rt)
      const synced = await allEvents(rt, id)

      const socket = new Socket(wsUrl(rt, id, '?resend_mode=all'))
      expect(await socket.opened).toBe(101)
      socket.send({ type: 'auth', session_api_key: rt.key })
      const first = await socket.next(() => true)
      expect(isFullState(first)).toBe(true)
      expect(first.value).toMatchObject({ id, execution_status: 'idle', agent: { llm: { api_key: '**********' } } })

      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/secrets`, { secrets: { GITHUB_TOKEN: 'ghp_x' } })).json).toEqual({ success: true })
      const message = { role: 'user', content: [{ type: 'text', text: 'Fix the bug' }], run: false }
      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/events`, message)).json).toEqual({ success: true })
      const marker = socket.frames.length
      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/run`)).status).toBe(200)
      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/run`)).status).toBe(409)

      const end = await socket.next(f => isFullState(f) && f.value.execution_status !== 'running', marker)
      expect(end.value.execution_status).toBe('finished')

      const events = await allEvents(rt, id, 5)
      expect(events.slice(0, synced.length)).toEqual(synced)
      expect(socket.frames.filter(f => !isFullState(f))).toEqual(events)
      expect(new Set(events.map(e => e.id)).size).toBe(events.length)
      for (const e of events) expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      expect(events.filter(e => e.key === 'execution_status').map(e => e.value)).toEqual(['running', 'finished'])

      const final = await agentApi(rt, 'GET', `/api/conversations/${id}/agent_final_response`)
      expect(final.json.response).toMatch(/^I fixed the bug/)
      const info = (await agentApi(rt, 'GET', `/api/conversations/${id}`)).json
      const metrics = Object.values(info.stats.usage_to_metrics) as Json[]
      expect(Object.keys(info.stats.usage_to_metrics).sort()).toEqual(['agent', 'condenser'])
      expect(metrics.reduce((sum, m) => sum + m.accumulated_cost, 0)).toBeCloseTo(0.0341, 6)
      expect(info.agent.condenser.llm.api_key).toBe('**********')
      expect(info.secret_registry.secret_sources.GITHUB_TOKEN.value).toBe('**********')
      expect(info.metrics).toBeNull()

      expect(sim.validationErrors).toEqual([])
      socket.close()

      expect((await runtimeApi(sim, 'POST', '/stop', { runtime_id: rt.runtimeId })).status).toBe(200)
      await expect(call(rt.url, 'GET', '/health', {})).rejects.toThrow()
      const after = await runtimeApi(sim, 'GET', `/sessions/${START_BODY.session_id}`)
      expect(after.json).toMatchObject({ status: 'stopped', pod_status: 'not found' })
      expect(sim.runtimes[0].stoppedAt).toBeGreaterThan(0)
      expect(sim.requests.some(r => r.server === 'agent' && r.method === 'WS')).toBe(true)
    } finally {
      await sim.close()
    }
  })

  it("titles a new conversation with a call on the agent's LLM unless autotitle is false, as the real v1.58.2 does (not v1.11)", async () => {
    for (const [serverVersion, autotitle, titled] of [
      ['1.58.2', undefined, true],
      ['1.58.2', false, false],
      ['1.11.4', undefined, false]
    ] as const) {
      const sim = await startSimulator({ provisioningMs: 50, serverVersion })
      try {
        const rt = await readyRuntime(sim)
        const { autotitle: _default, ...body } = CONVERSATION_BODY
        const id = await createConversation(rt, { ...body, ...(autotitle === undefined ? {} : { autotitle }) })
        await agentApi(rt, 'POST', `/api/conversations/${id}/events`, { role: 'user', content: [{ type: 'text', text: 'Fix the bug' }], run: false })
        const info = (await agentApi(rt, 'GET', `/api/conversations/${id}`)).json
        const agentCost = info.stats.usage_to_metrics.agent?.accumulated_cost ?? 0
        expect(agentCost, `${serverVersion} autotitle ${autotitle}`).toBe(titled ? 0.00021 : 0)
      } finally {
        await sim.close()
      }
    }
  })

  it('checks keys on both servers', async () => {
    const sim = await startSimulator({ provisioningMs: 0 })
    try {
      const anonymous = await call(sim.url, 'GET', '/list', {})
      expect(anonymous.status).toBe(401)
      expect(anonymous.json).toEqual({ detail: 'Unauthorized' })
      const rt = await readyRuntime(sim)
      const noKey = await call(rt.url, 'GET', '/api/conversations/search', {})
      expect(noKey.status).toBe(401)
      expect(noKey.json).toEqual({ detail: 'Unauthorized' })
      const id = await createConversation(rt)

      expect(await new Socket(wsUrl(rt, id, '?session_api_key=wrong')).opened).toBe(403)
      expect(await new Socket(wsUrl(rt, id), { 'X-Session-API-Key': 'wrong' }).opened).toBe(403)
      const badFrame = new Socket(wsUrl(rt, id))
      expect(await badFrame.opened).toBe(101)
      badFrame.send({ type: 'auth', session_api_key: 'wrong' })
      expect((await badFrame.closed).code).toBe(4001)

      const byHeader = new Socket(wsUrl(rt, id), { 'X-Session-API-Key': rt.key })
      expect(isFullState(await byHeader.next(() => true))).toBe(true)
      byHeader.close()

      const unknown = new Socket(wsUrl(rt, '00000000-0000-4000-8000-000000000000', `?session_api_key=${rt.key}`))
      expect(await unknown.closed).toEqual({ code: 4004, reason: 'Conversation not found' })
    } finally {
      await sim.close()
    }
  })

  it('behaves like v1.11.4 when asked to', async () => {
    const sim = await startSimulator({ provisioningMs: 0, serverVersion: '1.11.4' })
    try {
      const rt = await readyRuntime(sim)
      const id = await createConversation(rt)
      expect(await new Socket(wsUrl(rt, id)).opened).toBe(403)

      const socket = new Socket(wsUrl(rt, id, `?session_api_key=${encodeURIComponent(rt.key)}&resend_all=true`))
      const first = await socket.next(() => true)
      expect(isFullState(first)).toBe(true)
      await socket.next(f => f.kind === 'SystemPromptEvent')
      socket.close()

      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/interrupt`)).status).toBe(404)
      expect((await agentApi(rt, 'GET', `/api/conversations/${id}/agent_final_response`)).json).toEqual({ detail: 'Not Found' })

      const form = new FormData()
      form.append('file', new Blob(['hello file']), 'a.txt')
      const headers = { 'x-session-api-key': rt.key }
      expect((await fetch(`${rt.url}/api/file/upload?path=/workspace/a.txt`, { method: 'POST', body: form, headers })).status).toBe(404)
      const uploaded = await fetch(`${rt.url}/api/file/upload//workspace/project/a.txt`, { method: 'POST', body: form, headers })
      expect(await uploaded.json()).toEqual({ success: true })
      const downloaded = await fetch(`${rt.url}/api/file/download//workspace/project/a.txt`, { headers })
      expect(await downloaded.text()).toBe('hello file')
    } finally {
      await sim.close()
    }
  })

  it('reports a crash loop instead of readiness', async () => {
    const sim = await startSimulator({ provisioningMs: 100, faults: { crashLoop: true } })
    try {
      const rt = await startRuntime(sim)
      expect((await waitReady(sim)).at(-1)).toBe('crashloopbackoff')
      const status = (await runtimeApi(sim, 'GET', `/sessions/${START_BODY.session_id}`)).json
      expect(status.restart_count).toBeGreaterThan(0)
      expect(status.restart_reasons).toContain('OOMKilled')
      expect(status.pod_logs).not.toBe('')
      expect((await call(rt.url, 'GET', '/health', {})).status).toBe(503)
    } finally {
      await sim.close()
    }
  })

  it('answers 500 to limit > 100 and records it', async () => {
    const sim = await startSimulator({ provisioningMs: 0 })
    try {
      const rt = await readyRuntime(sim)
      const id = await createConversation(rt)
      const res = await agentApi(rt, 'GET', `/api/conversations/${id}/events/search?limit=101`)
      expect(res.status).toBe(500)
      expect(res.json.detail).toBe('Internal Server Error')
      expect(sim.validationErrors.some(e => e.includes('limit=101'))).toBe(true)
    } finally {
      await sim.close()
    }
  })

  it('works without the OpenAPI file', async () => {
    const lines: string[] = []
    const sim = await startSimulator({ provisioningMs: 0, openapiPath: '/nonexistent/agent-server-openapi.json', log: line => lines.push(line) })
    try {
      expect(lines).toEqual(['OpenAPI validation skipped: /nonexistent/agent-server-openapi.json not found'])
      const rt = await readyRuntime(sim)
      await createConversation(rt)
      const { workspace: _workspace, ...noWorkspace } = CONVERSATION_BODY
      expect((await agentApi(rt, 'POST', '/api/conversations', noWorkspace)).status).toBe(422)
      expect(sim.validationErrors).toHaveLength(1)
    } finally {
      await sim.close()
    }
  })

  it('validates request bodies', async () => {
    const sim = await startSimulator({ provisioningMs: 0 })
    try {
      const rt = await readyRuntime(sim)
      await createConversation(rt)
      expect(sim.validationErrors).toEqual([])
      const { workspace: _workspace, ...noWorkspace } = CONVERSATION_BODY
      const res = await agentApi(rt, 'POST', '/api/conversations', noWorkspace)
      expect(res.status).toBe(422)
      expect(sim.validationErrors.some(e => e.startsWith('POST /api/conversations:') && e.includes('workspace'))).toBe(true)
      const badStart = await runtimeApi(sim, 'POST', '/start', { ...START_BODY, resource_factor: 3 })
      expect(badStart.status).toBe(422)
      expect(sim.validationErrors.some(e => e.includes('resource_factor'))).toBe(true)
    } finally {
      await sim.close()
    }
  })

  it('interrupts a long run, survives pause/resume, and counts faults down', async () => {
    const sim = await startSimulator({ provisioningMs: 50, script: longScript, faults: { runtimeApi429: 1 } })
    try {
      const limited = await runtimeApi(sim, 'GET', '/list')
      expect(limited.status).toBe(429)
      expect(limited.headers['retry-after']).toBe('1')
      expect(sim.faults.runtimeApi429).toBe(0)

      const rt = await readyRuntime(sim)
      const id = await createConversation(rt, { ...CONVERSATION_BODY, initial_message: { role: 'user', content: [{ type: 'text', text: 'go' }] } })
      await new Promise(r => setTimeout(r, 150))
      expect((await agentApi(rt, 'GET', `/api/conversations/${id}`)).json.execution_status).toBe('running')
      expect((await agentApi(rt, 'POST', `/api/conversations/${id}/interrupt`)).json).toEqual({ success: true })
      const info = (await agentApi(rt, 'GET', `/api/conversations/${id}`)).json
      expect(info.execution_status).toBe('paused')
      const count = (await agentApi(rt, 'GET', `/api/conversations/${id}/events/count`)).json

      await runtimeApi(sim, 'POST', '/pause', { runtime_id: rt.runtimeId })
      expect((await call(rt.url, 'GET', '/health', {})).status).toBe(503)
      const paused = await runtimeApi(sim, 'GET', `/sessions/${START_BODY.session_id}`)
      expect(paused.json.status).toBe('paused')
      await runtimeApi(sim, 'POST', '/resume', { runtime_id: rt.runtimeId })
      await waitReady(sim)
      expect((await agentApi(rt, 'GET', `/api/conversations/${id}/events/count`)).json).toBe(count)
    } finally {
      await sim.close()
    }
  })
})

/** Sends a message and runs it; resolves with the conversation once the run has ended. */
async function runToEnd(sim: Simulator, rt: Started, id: string, text = 'go'): Promise<SimConversation> {
  await agentApi(rt, 'POST', `/api/conversations/${id}/events`, { role: 'user', content: [{ type: 'text', text }], run: true })
  const conversation = sim.runtimes[0].conversations.get(id)!
  while (conversation.executionStatus === 'running') await new Promise(r => setTimeout(r, 10))
  return conversation
}

describe('simulator hooks', () => {
  it('taps see every request, every logged event and every events/search page, as they happen', async () => {
    const sim = await startSimulator({ provisioningMs: 0 })
    const requests: RecordedRequest[] = []
    const events: string[] = []
    const searches: Array<{ pageId: string | undefined; items: number }> = []
    sim.taps.request = r => requests.push(r)
    sim.taps.event = (e, where) => events.push(`${where.runtimeId}/${where.conversationId}/${String(e.id)}`)
    sim.taps.eventsSearched = ({ pageId, items }) => searches.push({ pageId, items })
    try {
      const rt = await readyRuntime(sim)
      const id = await createConversation(rt)
      const conversation = await runToEnd(sim, rt, id)
      expect(conversation.executionStatus).toBe('finished')
      const logged = await allEvents(rt, id, 5)

      expect(requests).toEqual(sim.requests)
      expect(events).toEqual(conversation.events.map(e => `${rt.runtimeId}/${id}/${String(e.id)}`))
      expect(logged.map(e => e.id)).toEqual(conversation.events.map(e => e.id))
      // Pages of five from the first (no page_id), each from the event the previous one named.
      expect(searches.map(s => s.items)).toEqual(Array.from({ length: Math.ceil(logged.length / 5) }, (_, i) => Math.min(5, logged.length - 5 * i)))
      expect(searches.map(s => s.pageId)).toEqual([undefined, ...searches.slice(1).map((_, i) => logged[5 * (i + 1)].id)])
    } finally {
      await sim.close()
    }
  })

  it('socketsDropped is called when wsDropAfterEvents fires, while the sockets are still open', async () => {
    const sim = await startSimulator({ provisioningMs: 0 })
    try {
      const rt = await readyRuntime(sim)
      const id = await createConversation(rt)
      const socket = new Socket(wsUrl(rt, id, `?session_api_key=${rt.key}`))
      await socket.next(isFullState)
      const openAtDrop: boolean[] = []
      sim.taps.socketsDropped = () => openAtDrop.push(socket.ws.readyState === WebSocket.OPEN)
      sim.faults.wsDropAfterEvents = 3
      await runToEnd(sim, rt, id)
      await socket.closed
      expect(openAtDrop).toEqual([true])
      expect(socket.frames).toHaveLength(1 + 3)
    } finally {
      await sim.close()
    }
  })

  it('runs custom steps in order; a script replaced during a run applies from the next /run', async () => {
    const steps: Array<{ runCount: number; conversationId: string }> = []
    const followUp: AgentScript = { steps: [{ type: 'finish', message: 'Second run.' }] }
    const custom = (step: StepContext): void => {
      steps.push({ runCount: step.runCount, conversationId: step.conversationId })
      step.publish('agent', 'MessageEvent', agentMessageFields('Published by a custom step.'))
      sim.script = followUp
    }
    const sim = await startSimulator({
      provisioningMs: 0,
      script: {
        steps: [
          { type: 'message', text: 'Before.' },
          { type: 'custom', action: custom },
          { type: 'finish', message: 'First run.' }
        ]
      }
    })
    try {
      const rt = await readyRuntime(sim)
      const id = await createConversation(rt)
      const conversation = await runToEnd(sim, rt, id)
      await runToEnd(sim, rt, id, 'again')

      expect(steps).toEqual([{ runCount: 1, conversationId: id }])
      const messages = conversation.events
        .filter(e => e.kind === 'MessageEvent' || (e.kind === 'ObservationEvent' && (e.observation as Json).kind === 'FinishObservation'))
        .map(e => (e.kind === 'MessageEvent' ? (e.llm_message as Json).content[0].text : (e.observation as Json).content[0].text))
      expect(messages).toEqual(['go', 'Before.', 'Published by a custom step.', 'First run.', 'again', 'Second run.'])
      expect(conversation.runCount).toBe(2)
    } finally {
      await sim.close()
    }
  })
})
