import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SimContext } from './context.js'
import { shouldHang } from './hang.js'
import type { Json } from './events.js'
import { HttpError, recordableBody, Router, serve, type Req, type Res } from './http.js'

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never']
const RESOURCE_FACTORS = [1, 2, 4, 8]

/** A runtime as the Runtime API sees it: a simulated pod (runtime.ts) or a real agent-server process (test/real/pod.ts). */
export interface ApiRuntime {
  readonly runtimeId: string
  readonly sessionId: string
  readonly status: string
  startView(): Json
  sessionView(): Json
  listView(): Json
  stop(): Promise<void>
  pause(): void | Promise<void>
  resume(): void | Promise<void>
}

/** What the Runtime API needs from the simulator around it. */
export interface RuntimeRegistry<R extends ApiRuntime = ApiRuntime> {
  readonly runtimes: R[]
  startRuntime(sessionId: string, image: string, body: Json): Promise<R>
}

type ApiContext = Pick<SimContext, 'runtimeApiKey' | 'faults' | 'record' | 'validationError'>

/** The hosted Runtime API (protocol.md §A.2), as an HTTP request listener. */
export function runtimeApiListener(ctx: ApiContext, registry: RuntimeRegistry): (req: IncomingMessage, res: ServerResponse) => void {
  const router = runtimeApiRoutes(ctx, registry)
  return (req, res) =>
    void serve(
      req,
      res,
      (request, at) =>
        ctx.record({
          server: 'runtime',
          method: request.method,
          path: request.path,
          query: request.query,
          headers: request.headers,
          body: recordableBody(request.body, request.contentType),
          at
        }),
      request => dispatch(ctx, router, request),
      request => shouldHang(ctx.faults, 'runtime', request.method, request.path)
    )
}

async function dispatch(ctx: ApiContext, router: Router, req: Req): Promise<Res> {
  const faults = ctx.faults
  if (faults.runtimeApiErrors > 0) {
    faults.runtimeApiErrors--
    return { status: 503, body: { detail: 'Service Unavailable' } }
  }
  if (faults.runtimeApi429 > 0) {
    faults.runtimeApi429--
    return { status: 429, body: { detail: 'Too Many Requests' }, headers: { 'retry-after': '1' } }
  }
  if (req.headers['x-api-key'] !== ctx.runtimeApiKey) return { status: 401, body: { detail: 'Unauthorized' } }
  const route = router.match(req.method, req.path)
  if (!route) return { status: 404, body: { detail: 'Not Found' } }
  req.params = route.params
  return route.handler(req)
}

function runtimeApiRoutes(ctx: ApiContext, registry: RuntimeRegistry): Router {
  const byId = (req: Req): ApiRuntime => {
    const id = (req.params.runtime_id ?? (req.body as Json | undefined)?.runtime_id) as string | undefined
    const runtime = registry.runtimes.find(r => r.runtimeId === id)
    if (!runtime) throw new HttpError(404, `Runtime ${id} not found`)
    return runtime
  }
  const latestOfSession = (sessionId: string): ApiRuntime | undefined => registry.runtimes.findLast(r => r.sessionId === sessionId)
  // Starts still binding their agent server count against faults.maxRunning too.
  let starting = 0

  return new Router()
    .add('POST', '/start', async req => {
      const body = startBody(ctx, req)
      const sessionId = body.session_id as string
      const existing = latestOfSession(sessionId)
      if (existing?.status === 'running') return { body: existing.startView() }
      const limit = ctx.faults.maxRunning
      if (limit !== null && registry.runtimes.filter(r => r.status === 'running').length + starting >= limit) {
        return { status: 429, body: { detail: `At most ${limit} running runtimes` }, headers: { 'retry-after': '1' } }
      }
      starting++
      try {
        const runtime = await registry.startRuntime(sessionId, body.image as string, body)
        return { body: runtime.startView() }
      } finally {
        starting--
      }
    })
    .add('GET', '/sessions/{session_id}', req => {
      const runtime = latestOfSession(req.params.session_id)
      if (!runtime) throw new HttpError(404, `Session ${req.params.session_id} not found`)
      return { body: runtime.sessionView() }
    })
    .add('GET', '/runtime/{runtime_id}', req => ({ body: byId(req).sessionView() }))
    .add('POST', '/stop', async req => {
      const runtime = byId(req)
      await runtime.stop()
      return { body: { runtime_id: runtime.runtimeId, status: runtime.status } }
    })
    .add('POST', '/pause', async req => {
      const runtime = byId(req)
      if (runtime.status === 'stopped') throw new HttpError(400, `Runtime ${runtime.runtimeId} is stopped`)
      await runtime.pause()
      return { body: { runtime_id: runtime.runtimeId, status: runtime.status } }
    })
    .add('POST', '/resume', async req => {
      const runtime = byId(req)
      if (runtime.status === 'stopped') throw new HttpError(400, `Runtime ${runtime.runtimeId} is stopped`)
      await runtime.resume()
      return { body: { runtime_id: runtime.runtimeId, status: runtime.status } }
    })
    .add('GET', '/list', () => {
      // Stopped runtimes drop out of the list (the real one forgets them after a while).
      const runtimes = registry.runtimes.filter(r => r.status !== 'stopped').map(r => r.listView())
      return { body: { runtimes, total: runtimes.length } }
    })
}

/** Validates a /start body (protocol.md §A.2); what the API would refuse is a 422 and a validation error. */
function startBody(ctx: ApiContext, req: Req): Json {
  const body = (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body : {}) as Json
  const problems: string[] = []
  if (typeof body.image !== 'string' || body.image.trim() === '') problems.push('image must be a non-empty string')
  if (typeof body.session_id !== 'string' || body.session_id === '') problems.push('session_id must be a string')
  const command = body.command
  if (command !== undefined && typeof command !== 'string' && !(Array.isArray(command) && command.every(c => typeof c === 'string'))) {
    problems.push('command must be a string or a list of strings')
  }
  if (body.resource_factor !== undefined && !RESOURCE_FACTORS.includes(body.resource_factor as number))
    problems.push('resource_factor must be one of 1, 2, 4, 8')
  if (body.image_pull_policy !== undefined && !PULL_POLICIES.includes(body.image_pull_policy as string)) {
    problems.push('image_pull_policy must be Always, IfNotPresent or Never')
  }
  const env = body.environment
  if (env !== undefined && (typeof env !== 'object' || env === null || Object.values(env).some(v => typeof v !== 'string'))) {
    problems.push('environment must map names to strings')
  }
  if (problems.length > 0) {
    for (const problem of problems) ctx.validationError(`POST /start: ${problem}`)
    throw new HttpError(422, problems.join('; '))
  }
  return body
}
