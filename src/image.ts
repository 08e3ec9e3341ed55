import { setTimeout as sleep } from 'node:timers/promises'
import { callJson, type Reply } from './http.js'
import { info, warning } from './log.js'
import { deadline } from './timing.js'

/** An image reference split the way the OCI distribution API addresses it. */
export interface ImageReference {
  registry: string
  repository: string
  reference: string
}

export type ImageCheck = { found: true } | { found: false; reason: string } | { found: undefined; reason: string }

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')
const WAIT_POLL_MS = 5_000
/** One check, token included, however the registry behaves: past it the check is inconclusive, and the run goes on. */
export const IMAGE_CHECK_BUDGET_MS = 10_000
const ATTEMPT_TIMEOUT_MS = 4_000

export class ImageNotFoundError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageNotFoundError'
  }
}

export function parseImage(image: string): ImageReference {
  let rest = image
  let reference = 'latest'
  const at = rest.indexOf('@')
  if (at >= 0) {
    reference = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    if (at < 0) reference = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const [first, ...others] = rest.split('/')
  const hasRegistry = others.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (hasRegistry) return { registry: first, repository: others.join('/'), reference }
  return { registry: 'docker.io', repository: others.length ? rest : `library/${rest}`, reference }
}

/**
 * Where the registry's API is. OPENHANDS_REGISTRY_MIRROR (`host=url[,host=url]`) sends a
 * registry's requests elsewhere: a mirror for runners that cannot reach the registry, or the
 * local registry of the tests. Loopback registries speak plain HTTP, as Docker assumes.
 */
export function registryEndpoint(registry: string, env: NodeJS.ProcessEnv = process.env): string {
  for (const entry of (env.OPENHANDS_REGISTRY_MIRROR ?? '').split(',')) {
    const [host, url] = entry.split('=').map(s => s.trim())
    if (host === registry && url) return url.replace(/\/+$/, '')
  }
  if (registry === 'docker.io') return 'https://registry-1.docker.io'
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry) ? `http://${registry}` : `https://${registry}`
}

/**
 * Asks the image's registry for its manifest (HEAD /v2/<name>/manifests/<ref>), with an
 * anonymous bearer token when the registry asks for one. Only a 404 means "no such image";
 * anything else that is not a 2xx (unreachable, private) is inconclusive.
 */
export async function checkImage(image: string, cancel?: AbortSignal): Promise<ImageCheck> {
  const ref = parseImage(image)
  const budget = deadline(IMAGE_CHECK_BUDGET_MS, cancel, `no answer within ${IMAGE_CHECK_BUDGET_MS / 1000}s`)
  const { signal } = budget
  const url = `${registryEndpoint(ref.registry)}/v2/${ref.repository}/manifests/${ref.reference}`
  const head = (authorization?: string): Promise<Reply<unknown>> =>
    callJson(url, {
      call: `Registry HEAD ${ref.registry}/${ref.repository}`,
      method: 'HEAD',
      headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) },
      accept: [401, 403, 404],
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      retries: 2,
      signal
    })
  try {
    let reply = await head()
    if (reply.status === 401) {
      const token = await anonymousToken(String(reply.headers['www-authenticate'] ?? ''), ref, signal)
      if (token) reply = await head(`Bearer ${token}`)
    }
    if (reply.status === 404) return { found: false, reason: `${ref.registry} has no manifest ${ref.repository}:${ref.reference}` }
    if (reply.status === 401 || reply.status === 403) return { found: undefined, reason: `${ref.registry} refused anonymous access (HTTP ${reply.status})` }
    return { found: true }
  } catch (err) {
    if (cancel?.aborted) throw err
    return { found: undefined, reason: (err as Error).message }
  } finally {
    budget.clear()
  }
}

/** Token from the realm named in a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge. */
async function anonymousToken(challenge: string, ref: ImageReference, signal: AbortSignal): Promise<string | undefined> {
  if (!/^Bearer /i.test(challenge)) return undefined
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]))
  if (!params.realm) return undefined
  const reply = await callJson<{ token?: string; access_token?: string }>(params.realm, {
    call: `Registry token ${ref.registry}`,
    query: { service: params.service, scope: params.scope ?? `repository:${ref.repository}:pull` },
    accept: [401, 403, 404],
    timeoutMs: ATTEMPT_TIMEOUT_MS,
    retries: 2,
    signal
  })
  return reply.status === 200 ? (reply.body?.token ?? reply.body?.access_token) : undefined
}

/**
 * Fails in seconds when the registry says the image does not exist, instead of a pod pending
 * for ten minutes; with `waitSeconds`, waits for CI to push it. Inconclusive answers only warn:
 * the Runtime API, not the runner, pulls the image.
 */
export async function preflightImage(image: string, waitSeconds: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000
  for (;;) {
    const check = await checkImage(image, signal)
    if (check.found) return info(`Image ${image} exists.`)
    if (check.found === undefined) return warning(`Could not check that image ${image} exists (${check.reason}); going on.`)
    const left = deadline - Date.now()
    if (left <= 0) {
      const waited = waitSeconds ? ` after waiting ${waitSeconds}s (wait-for-image)` : ' (set wait-for-image to wait for CI to push it)'
      throw new ImageNotFoundError(`Image ${image} was not found: ${check.reason}${waited}.`)
    }
    info(`Image ${image} is not there yet; checking again in ${Math.round(Math.min(WAIT_POLL_MS, left) / 1000)}s.`)
    await sleep(Math.min(WAIT_POLL_MS, left), undefined, { signal })
  }
}
