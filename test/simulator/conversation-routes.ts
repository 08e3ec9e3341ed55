import type { AgentServer } from './agent-server.js'
import { page } from './bash-service.js'
import type { Conversation } from './conversation.js'
import type { Json } from './events.js'
import { assertionFailure, HttpError, one, type Req, type Res, type Router } from './http.js'

const SUCCESS: Res = { body: { success: true } }
const NOT_FOUND = (): HttpError => new HttpError(404, 'Not Found')

/** `/api/conversations/*` (protocol.md §B.4, §B.8, §B.9, §B.10). */
export function addConversationRoutes(router: Router, server: AgentServer): void {
  const base = '/api/conversations'
  const find = (req: Req, notFound: () => HttpError = NOT_FOUND): Conversation => {
    const id = req.params.conversation_id
    if (!/^[0-9a-f]{32}$/i.test(id.replace(/-/g, ''))) {
      throw new HttpError(422, [{ type: 'uuid_parsing', loc: ['path', 'conversation_id'], msg: 'Input should be a valid UUID', input: id }])
    }
    const conversation = server.conversation(id)
    if (!conversation) throw notFound()
    return conversation
  }
  const includeSkills = (req: Req) => one(req.query, 'include_skills') === 'true'
  /** Rejects a body the real server would reject, and records why. */
  const reject = (req: Req, problems: string[]): void => {
    if (problems.length === 0) return
    for (const problem of problems) server.ctx.validationError(`${req.method} ${req.path}: 422 ${problem}`)
    throw new HttpError(
      422,
      problems.map(msg => ({ type: 'value_error', loc: ['body'], msg }))
    )
  }

  const create = async (req: Req, acpRoute: boolean): Promise<Res> => {
    const body = asObject(req.body)
    const isAcp = (body.agent as Json | undefined)?.kind === 'ACPAgent'
    // Where an ACPAgent may be created depends on the version (protocol.md §G).
    if (isAcp && !acpRoute && !server.features.acpOnConversations) {
      reject(req, [
        server.features.acpRoutes
          ? 'agent: ACPAgent conversations are created under /api/acp/conversations'
          : "agent.kind: 'ACPAgent' is not a known agent kind"
      ])
    }
    if (acpRoute && !isAcp) reject(req, ['agent: only ACPAgent conversations are created here'])
    reject(req, startRequestProblems(body))
    const existingId = typeof body.conversation_id === 'string' ? server.conversation(body.conversation_id) : undefined
    if (existingId) return { status: 200, body: existingId.info(includeSkills(req)) }
    const conversation = await server.createConversation(body)
    const initial = body.initial_message as Json | null | undefined
    if (initial) {
      // initial_message always starts a run, whatever its own `run` says (§B.4).
      conversation.sendMessage(String(initial.role ?? 'user'), (initial.content as unknown[] | undefined) ?? [], false)
      conversation.run()
    }
    return { status: 201, body: conversation.info(includeSkills(req)) }
  }
  const listing = (req: Req): Res => {
    const limit = Number(one(req.query, 'limit') ?? 100)
    if (limit > 100) throw assertionFailure()
    const status = one(req.query, 'status')
    const order = one(req.query, 'sort_order') ?? 'CREATED_AT_DESC'
    let items = [...server.conversations.values()].filter(c => !status || c.executionStatus === status)
    if (order.endsWith('_DESC')) items = items.reverse()
    const infos = items.map(c => c.info(includeSkills(req)) as Json & { id: string })
    return { body: page(infos, one(req.query, 'page_id'), limit) }
  }
  const counting = (req: Req): Res => {
    const status = one(req.query, 'status')
    return { body: [...server.conversations.values()].filter(c => !status || c.executionStatus === status).length }
  }

  if (server.features.acpRoutes) {
    router
      .add('POST', '/api/acp/conversations', req => create(req, true))
      .add('GET', '/api/acp/conversations/search', listing)
      .add('GET', '/api/acp/conversations/count', counting)
      .add('GET', '/api/acp/conversations/{conversation_id}', req => ({ body: find(req).info(includeSkills(req)) }))
  }

  router
    .add('POST', base, req => create(req, false))
    .add('GET', `${base}/search`, listing)
    .add('GET', `${base}/count`, counting)
    .add('GET', base, req => {
      const ids = req.query.ids === undefined ? [] : ([] as string[]).concat(req.query.ids)
      return { body: ids.map(id => server.conversation(id)?.info(includeSkills(req)) ?? null) }
    })
    .add('GET', `${base}/{conversation_id}`, req => ({ body: find(req).info(includeSkills(req)) }))
    .add('PATCH', `${base}/{conversation_id}`, req => {
      const body = asObject(req.body)
      find(req).update({ title: body.title as string | undefined, tags: body.tags as Record<string, string> | undefined })
      return SUCCESS
    })
    .add('DELETE', `${base}/{conversation_id}`, async req => {
      await server.deleteConversation(find(req, () => new HttpError(400, 'Conversation not found')))
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/events`, req => {
      const conversation = find(req, () => new HttpError(404, `Conversation not found: ${req.params.conversation_id}`))
      const body = asObject(req.body)
      reject(req, messageProblems(body))
      conversation.sendMessage(String(body.role ?? 'user'), (body.content as unknown[] | undefined) ?? [], body.run === true)
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/run`, req => {
      if (!find(req).run()) throw new HttpError(409, 'Conversation already running. Wait for completion or pause first.')
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/pause`, async req => {
      await find(req, () => new HttpError(400, 'Conversation not found')).pause()
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/secrets`, req => {
      const conversation = find(req)
      const secrets = asObject(req.body).secrets
      if (!secrets || typeof secrets !== 'object') reject(req, ['secrets: Field required'])
      for (const [name, value] of Object.entries(secrets as Json)) conversation.addSecret(name, value)
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/confirmation_policy`, req => {
      find(req).setConfirmationPolicy(asObject(asObject(req.body).policy))
      return SUCCESS
    })
    .add('POST', `${base}/{conversation_id}/security_analyzer`, req => (find(req), SUCCESS))
    .add('POST', `${base}/{conversation_id}/events/respond_to_confirmation`, req => (find(req), SUCCESS))
    .add('POST', `${base}/{conversation_id}/condense`, req => (find(req), SUCCESS))
    .add('POST', `${base}/{conversation_id}/ask_agent`, req => (find(req), { body: { response: 'This is the simulated agent; it has nothing to add.' } }))
    .add('POST', `${base}/{conversation_id}/generate_title`, req => ({ body: { title: find(req).info().title ?? 'Simulated conversation' } }))
    .add('GET', `${base}/{conversation_id}/events/search`, req => {
      const conversation = find(req)
      const page = conversation.searchEvents(req.query)
      const search = { runtimeId: server.runtime.runtimeId, conversationId: conversation.id, pageId: one(req.query, 'page_id'), items: page.items.length }
      server.ctx.taps.eventsSearched?.(search)
      return { body: page }
    })
    .add('GET', `${base}/{conversation_id}/events/count`, req => ({ body: find(req).countEvents(req.query) }))
    .add('GET', `${base}/{conversation_id}/events/{event_id}`, req => {
      const event = find(req).getEvent(req.params.event_id)
      if (!event) throw NOT_FOUND()
      return { body: event }
    })
    .add('GET', `${base}/{conversation_id}/events`, req => {
      const conversation = find(req)
      const ids = Array.isArray(req.body) ? (req.body as string[]) : []
      return { body: ids.map(id => conversation.getEvent(id) ?? null) }
    })

  if (server.features.interrupt) {
    router.add('POST', `${base}/{conversation_id}/interrupt`, async req => {
      await find(req, () => new HttpError(400, 'Conversation not found')).interrupt()
      return SUCCESS
    })
  }
  if (server.features.agentFinalResponse) {
    router.add('GET', `${base}/{conversation_id}/agent_final_response`, req => ({ body: { response: find(req).finalResponse() } }))
  }
}

function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) ? (value as Json) : {}
}

/** What makes the server answer 422 to a StartConversationRequest (protocol.md §B.4, §B.5). */
function startRequestProblems(body: Json): string[] {
  const problems: string[] = []
  const workspace = body.workspace as Json | undefined
  if (!workspace || typeof workspace !== 'object') problems.push('workspace: Field required')
  else if (typeof workspace.working_dir !== 'string' || !workspace.working_dir.startsWith('/'))
    problems.push('workspace.working_dir: an absolute path is required')
  const agent = body.agent as Json | undefined
  if (!agent || typeof agent !== 'object') problems.push('agent: Field required')
  else if (agent.kind !== 'ACPAgent') {
    const model = (agent.llm as Json | undefined)?.model
    if (typeof model !== 'string' || model.trim() === '') problems.push('agent.llm.model: a non-empty model is required')
  }
  if (body.max_iterations !== undefined && !(Number.isInteger(body.max_iterations) && (body.max_iterations as number) >= 1)) {
    problems.push('max_iterations: Input should be an integer >= 1')
  }
  for (const [name, source] of Object.entries((body.secrets as Json | undefined) ?? {})) {
    if (!source || typeof source !== 'object' || !('kind' in source)) problems.push(`secrets.${name}: a SecretSource object with "kind" is required here`)
  }
  const initial = body.initial_message as Json | null | undefined
  if (initial) problems.push(...messageProblems(initial).map(p => `initial_message.${p}`))
  return problems
}

/** What makes the server answer 422 to a SendMessageRequest (protocol.md §B.8). */
function messageProblems(body: Json): string[] {
  const problems: string[] = []
  if (body.role !== undefined && !['user', 'system', 'assistant', 'tool'].includes(body.role as string))
    problems.push(`role: unknown role ${JSON.stringify(body.role)}`)
  if (body.content === undefined) return problems
  if (!Array.isArray(body.content)) return [...problems, 'content: Input should be a valid list']
  for (const [i, part] of (body.content as Json[]).entries()) {
    if ((part?.type === 'text' || part?.type === undefined) && typeof part?.text === 'string') {
      const extra = Object.keys(part).filter(k => !['type', 'text', 'cache_prompt'].includes(k))
      if (extra.length > 0) problems.push(`content.${i}: extra fields not permitted: ${extra.join(', ')}`)
    } else if (!(part?.type === 'image' && Array.isArray(part.image_urls))) {
      problems.push(`content.${i}: not a TextContent or ImageContent`)
    }
  }
  return problems
}
