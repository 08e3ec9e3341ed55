import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listen } from './context.js'
import { flatHeaders, parseQuery } from './http.js'
import { shouldHang } from './hang.js'
import type { Faults, RecordedRequest } from './types.js'

/** Images the registry stub answers 404 for, and images that appear only later. */
export interface RegistryState {
  /** `repository:reference`, e.g. `openhands/agent-server:abc1234-python-amd64`. */
  missing: Set<string>
  /** `repository:reference` → Date.now() from which it exists (a CI build pushing it). */
  publishedAt: Map<string, number>
  /** Every manifest request answers 403, as a private registry does to anonymous clients. */
  denyAnonymous: boolean
}

/**
 * A container registry as the OCI distribution API describes it, for the image preflight:
 * `HEAD /v2/<name>/manifests/<ref>` needs an anonymous bearer token from `/token`, like ghcr.io.
 */
export async function startRegistry(
  record: (request: RecordedRequest) => void,
  faults: Faults
): Promise<{ url: string; state: RegistryState; close(): Promise<void> }> {
  const state: RegistryState = { missing: new Set(), publishedAt: new Map(), denyAnonymous: false }
  const tokens = new Set<string>()
  let url = ''

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = new URL(req.url ?? '/', url)
    record({
      server: 'registry',
      method: req.method ?? 'GET',
      path: target.pathname,
      query: parseQuery(target.searchParams),
      headers: flatHeaders(req),
      body: undefined,
      at: Date.now()
    })
    if (shouldHang(faults, 'registry', req.method ?? 'GET', target.pathname)) return
    if (target.pathname === '/token') {
      const token = randomBytes(12).toString('hex')
      tokens.add(token)
      return json(res, 200, { token, access_token: token, expires_in: 300 })
    }
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(target.pathname)
    if (!match || (req.method !== 'HEAD' && req.method !== 'GET')) return json(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] })
    const [, repository, reference] = match
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!bearer || !tokens.has(bearer)) {
      res.setHeader('www-authenticate', `Bearer realm="${url}/token",service="sim-registry",scope="repository:${repository}:pull"`)
      return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
    }
    if (state.denyAnonymous) return json(res, 403, { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] })
    const key = `${repository}:${reference}`
    const publishedAt = state.publishedAt.get(key)
    if (state.missing.has(key) || (publishedAt !== undefined && Date.now() < publishedAt)) {
      return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })
    }
    res.setHeader('docker-content-digest', `sha256:${randomBytes(32).toString('hex')}`)
    res.setHeader('content-type', 'application/vnd.oci.image.index.v1+json')
    res.writeHead(200)
    res.end(req.method === 'HEAD' ? undefined : '{"schemaVersion":2,"manifests":[]}')
  }

  const server = createServer(handle)
  url = await listen(server)
  return {
    url,
    state,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
