import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AgentServer } from './agent-server.js'
import type { ExecuteBashRequest } from './bash-service.js'
import type { Json } from './events.js'
import { HttpError, one, type Req, type Res, type Router } from './http.js'

/** `/api/bash/*` and `/api/file/*` (protocol.md §B.11, §B.13), acting on the runtime's sandbox. */
export function addWorkspaceRoutes(router: Router, server: AgentServer): void {
  const bashRequest = (req: Req): ExecuteBashRequest => {
    const body = (req.body ?? {}) as Json
    const problems: string[] = []
    if (typeof body.command !== 'string') problems.push('command: Field required')
    if (body.cwd != null && typeof body.cwd !== 'string') problems.push('cwd: Input should be a valid string')
    if (body.timeout !== undefined && !Number.isInteger(body.timeout)) problems.push('timeout: Input should be a valid integer')
    if (problems.length > 0) {
      for (const problem of problems) server.ctx.validationError(`${req.method} ${req.path}: 422 ${problem}`)
      throw new HttpError(
        422,
        problems.map(msg => ({ type: 'value_error', loc: ['body'], msg }))
      )
    }
    server.touch()
    return { command: body.command as string, cwd: (body.cwd as string | null | undefined) ?? null, timeout: (body.timeout as number | undefined) ?? 300 }
  }

  router
    .add('POST', '/api/bash/start_bash_command', req => ({ body: server.bash.start(bashRequest(req)).command }))
    .add('POST', '/api/bash/execute_bash_command', async req => ({ body: await server.bash.start(bashRequest(req)).done }))
    .add('GET', '/api/bash/bash_events/search', req => ({ body: server.bash.search(req.query) }))
    .add('GET', '/api/bash/bash_events/{event_id}', req => {
      const event = server.bash.get(req.params.event_id)
      if (!event) throw new HttpError(404, 'Not Found')
      return { body: event }
    })
    .add('DELETE', '/api/bash/bash_events', () => ({ body: { cleared_count: server.bash.clear() } }))

  const upload = async (req: Req, target: string | undefined): Promise<Res> => {
    const hostFile = hostFileOf(server, target)
    const form = await new Response(new Uint8Array(req.raw), { headers: { 'content-type': req.contentType } }).formData().catch(() => undefined)
    const file = form?.get('file')
    if (!file || typeof file === 'string') {
      server.ctx.validationError(`${req.method} ${req.path}: 422 multipart field "file" is missing`)
      throw new HttpError(422, [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }])
    }
    try {
      await mkdir(path.dirname(hostFile), { recursive: true })
      await writeFile(hostFile, Buffer.from(await file.arrayBuffer()))
    } catch (err) {
      throw new HttpError(500, `Failed to upload file: ${(err as Error).message}`)
    }
    server.touch()
    return { body: { success: true } }
  }

  const download = async (target: string | undefined): Promise<Res> => {
    const hostFile = hostFileOf(server, target)
    if (!existsSync(hostFile)) throw new HttpError(404, 'File not found')
    if (!statSync(hostFile).isFile()) throw new HttpError(400, 'Path is not a file')
    server.touch()
    return {
      bytes: await readFile(hostFile),
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${path.basename(hostFile)}"` }
    }
  }

  // Query-parameter routes from v1.13.1; path-parameter routes until v1.20.0 (protocol.md §B.14).
  if (server.features.fileQueryRoutes) {
    router.add('POST', '/api/file/upload', req => upload(req, one(req.query, 'path')))
    router.add('GET', '/api/file/download', req => download(one(req.query, 'path')))
  }
  if (server.features.filePathRoutes) {
    router.add('POST', '/api/file/upload/{path:path}', req => upload(req, req.params.path))
    router.add('GET', '/api/file/download/{path:path}', req => download(req.params.path))
  }
}

function hostFileOf(server: AgentServer, target: string | undefined): string {
  if (target === undefined) throw new HttpError(422, [{ type: 'missing', loc: ['query', 'path'], msg: 'Field required' }])
  if (!target.startsWith('/')) throw new HttpError(400, 'Path must be absolute')
  return server.runtime.sandbox.hostPath(target)
}
