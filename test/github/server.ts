// A local stand-in for the parts of GitHub the action talks to: a few REST operations, checked
// against GitHub's official OpenAPI description, and the Actions artifact upload service.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ArtifactService, type Reply, type StoredArtifact } from './artifacts.js'
import { loadGithubOpenApi } from './openapi.js'
import { BOT, WEB, collaboratorPermission, issueComment, pullRequest, repository, type PullSpec, type RepoSpec, type StoredComment } from './shapes.js'

export type { PullSpec, RepoSpec, StoredArtifact, StoredComment }
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

export interface GithubStubOptions {
  /** The token the action must send; default 'ghs_stubtoken0123456789'. */
  token?: string
  /** Collaborator role by login. Logins not listed are non-collaborators: `read` on a public repo, `none` on a private one. */
  permissions?: Record<string, Permission>
  /** What the workflow's `permissions:` withheld from the token. */
  missingPermission?: Partial<Record<'issues-write' | 'pull-requests-read', boolean>>
  /** Repository used in html_url of comments added with `addComment`; default 'octo-org/octo-repo'. */
  repository?: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  /** Parsed JSON, a Buffer for other bodies, undefined when empty. */
  body: unknown
  at: number
}

export interface GithubStub {
  /** REST base URL, for GITHUB_API_URL; the artifact service is on the same origin. */
  url: string
  token: string
  requests: RecordedRequest[]
  /** Requests the OpenAPI fixture rejects, and artifact-protocol mistakes. */
  validationErrors: string[]
  /** Issue and PR comments of the (single) repository, oldest first; tests may push their own. */
  comments: StoredComment[]
  /** Pull requests by number, for pulls/get. */
  pulls: Map<number, PullSpec>
  /** Overrides for repos/get by full name ('owner/name'); any repository answers. */
  repos: Map<string, RepoSpec>
  artifacts: StoredArtifact[]
  /** What the action's environment needs for this stub: GITHUB_API_URL, ACTIONS_RUNTIME_TOKEN, ... */
  env: Record<string, string>
  /** A role name; custom roles count as their own `permission`. */
  setPermission(login: string, permission: Permission | string): void
  setPull(number: number, pr: PullSpec): void
  setRepo(fullName: string, repo: RepoSpec): void
  /** A comment as if someone else had written it earlier. */
  addComment(issueNumber: number, body: string, author?: { login: string; type?: string }): StoredComment
  /**
   * The next REST request answers this status (queued: call twice for two). `headers` override
   * the usual ones, e.g. `{ 'x-ratelimit-remaining': '0' }` or `{ 'retry-after': '1' }` for a rate limit.
   */
  failNext(status: number, message?: string, headers?: Record<string, string>): void
  close(): Promise<void>
}

const DEFAULT_TOKEN = 'ghs_stubtoken0123456789'
const RATE_LIMIT = 1000 // GITHUB_TOKEN's hourly limit per repository
const DOCS: Record<string, string> = {
  'issues/list-comments': 'https://docs.github.com/rest/issues/comments#list-issue-comments',
  'issues/create-comment': 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
  'issues/update-comment': 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
  'repos/get-collaborator-permission-level': 'https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user',
  'pulls/get': 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
  'repos/get': 'https://docs.github.com/rest/repos/repos#get-a-repository'
}
const MAX_COMMENT = 65536

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable'
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers }
  let payload: string | Buffer = ''
  if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) payload = reply.body
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body)
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  res.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) })
  res.end(payload)
}

export async function startGithubStub(options: GithubStubOptions = {}): Promise<GithubStub> {
  const token = options.token ?? DEFAULT_TOKEN
  const openapi = loadGithubOpenApi()
  const permissions = new Map<string, string>(Object.entries(options.permissions ?? {}).map(([login, p]) => [login.toLowerCase(), p]))
  const failures: Array<{ status: number; message?: string; headers?: Record<string, string> }> = []
  const validationErrors: string[] = []
  const comments: StoredComment[] = []
  const pulls = new Map<number, PullSpec>()
  const repos = new Map<string, RepoSpec>()
  const rateReset = Math.floor(Date.now() / 1000) + 3600
  let rateUsed = 0
  let url = ''
  const artifacts = new ArtifactService(
    () => url,
    line => validationErrors.push(line)
  )

  const error = (status: number, message = DEFAULT_MESSAGES[status] ?? 'Error', operationId = '', extra: Record<string, unknown> = {}): Reply => ({
    status,
    body: { message, ...extra, documentation_url: DOCS[operationId] ?? 'https://docs.github.com/rest', status: String(status) }
  })

  // Ids above 2^31, as GitHub's are now; never reused, even after a test removes a comment.
  let lastCommentId = 3_000_000_000
  const nextCommentId = (): number => (lastCommentId = comments.reduce((max, c) => Math.max(max, c.id), lastCommentId) + 1)
  const commentUrl = (repo: string, issue: number, id: number): string => `${WEB}/${repo}/${pulls.has(issue) ? 'pull' : 'issues'}/${issue}#issuecomment-${id}`

  /** GitHub's answer to a comment body it will not store, or undefined when it will. */
  function badCommentBody(body: unknown, operationId: string): Reply | undefined {
    const text = (body as { body?: unknown } | undefined)?.body
    if (typeof text !== 'string') return error(422, `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(text ?? null)} is not a string.`, operationId)
    if (text.trim() === '')
      return error(422, 'Validation Failed', operationId, { errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] })
    // GitHub counts characters (code points), not UTF-16 units.
    if ([...text].length > MAX_COMMENT) {
      return error(422, 'Validation Failed', operationId, {
        errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_COMMENT} characters)` }]
      })
    }
    return undefined
  }

  function rest(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: unknown, badJson: boolean): Reply {
    validationErrors.push(...openapi.checkRequest(method, path, query, badJson ? undefined : body))
    const forced = failures.shift()
    if (forced) return { ...error(forced.status, forced.message), headers: forced.headers }
    const credentials = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? '')
    if (credentials?.[1] !== token) return error(401)
    const match = openapi.match(method, path)
    if (!match) return error(404)
    if (badJson) return error(400, 'Problems parsing JSON', match.operationId)
    const { operationId, params } = match
    const repo = `${params.owner}/${params.repo}`
    // GitHub's routes only match numeric ids: anything else is an unknown URL.
    if (['issue_number', 'comment_id', 'pull_number'].some(name => name in params && !/^\d+$/.test(params[name]))) return error(404)

    switch (operationId) {
      case 'issues/list-comments': {
        const issue = Number(params.issue_number)
        const since = query.since ? Date.parse(query.since) : -Infinity
        const all = comments.filter(c => c.issue_number === issue && Date.parse(c.updated_at) >= since).sort((a, b) => a.id - b.id)
        const perPage = Math.min(Math.max(Number(query.per_page) || 30, 1), 100)
        const page = Math.max(Number(query.page) || 1, 1)
        const last = Math.max(Math.ceil(all.length / perPage), 1)
        const at = (p: number): string => `<${url}${path}?${new URLSearchParams({ ...query, page: String(p) })}>`
        const links = [
          ...(page > 1 ? [`${at(page - 1)}; rel="prev"`] : []),
          ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
          ...(page > 1 ? [`${at(1)}; rel="first"`] : [])
        ]
        return {
          status: 200,
          headers: links.length ? { link: links.join(', ') } : {},
          body: all.slice((page - 1) * perPage, page * perPage).map(c => issueComment(url, repo, c))
        }
      }
      case 'issues/create-comment': {
        if (options.missingPermission?.['issues-write']) return error(403, undefined, operationId)
        const invalid = badCommentBody(body, operationId)
        if (invalid) return invalid
        const issue = Number(params.issue_number)
        const id = nextCommentId()
        const at = now()
        const comment: StoredComment = {
          id,
          issue_number: issue,
          body: (body as { body: string }).body,
          user: { login: BOT.login, type: BOT.type },
          created_at: at,
          updated_at: at,
          html_url: commentUrl(repo, issue, id)
        }
        comments.push(comment)
        return { status: 201, headers: { location: `${url}/repos/${repo}/issues/comments/${id}` }, body: issueComment(url, repo, comment) }
      }
      case 'issues/update-comment': {
        if (options.missingPermission?.['issues-write']) return error(403, undefined, operationId)
        const comment = comments.find(c => c.id === Number(params.comment_id))
        if (!comment) return error(404, undefined, operationId)
        const invalid = badCommentBody(body, operationId)
        if (invalid) return invalid
        comment.body = (body as { body: string }).body
        comment.updated_at = now()
        return { status: 200, body: issueComment(url, repo, comment) }
      }
      case 'repos/get-collaborator-permission-level': {
        const role = permissions.get(params.username.toLowerCase()) ?? (repos.get(repo)?.private ? 'none' : 'read')
        return { status: 200, body: collaboratorPermission(url, params.username, role) }
      }
      case 'pulls/get': {
        if (options.missingPermission?.['pull-requests-read']) return error(403, undefined, operationId)
        const spec = pulls.get(Number(params.pull_number))
        return spec ? { status: 200, body: pullRequest(url, repo, Number(params.pull_number), spec) } : error(404, undefined, operationId)
      }
      case 'repos/get':
        return { status: 200, body: repository(url, repo, repos.get(repo)) }
      default:
        return error(404)
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const method = req.method ?? 'GET'
    const parsed = new URL(req.url ?? '/', url)
    const path = parsed.pathname
    const query = Object.fromEntries(parsed.searchParams)
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
    let body: unknown = raw.length ? raw : undefined
    let badJson = false
    if (raw.length && /\bjson\b/i.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        badJson = true
      }
    }
    stub.requests.push({ method, path, query, headers, body, at: Date.now() })

    if (path.startsWith('/twirp/')) return send(res, artifacts.handleTwirp(method, path, headers, body))
    if (path.startsWith('/blob/')) return send(res, artifacts.handleBlob(method, path, query, raw))
    const reply = rest(method, path, query, headers, body, badJson)
    rateUsed++
    send(res, {
      ...reply,
      headers: {
        'x-ratelimit-limit': String(RATE_LIMIT),
        'x-ratelimit-remaining': String(Math.max(RATE_LIMIT - rateUsed, 0)),
        'x-ratelimit-reset': String(rateReset),
        'x-ratelimit-used': String(rateUsed),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `STUB:${rateUsed}`,
        ...reply.headers
      }
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      validationErrors.push(`stub failure on ${req.method} ${req.url}: ${String(err)}`)
      if (!res.headersSent) send(res, { status: 500, body: { message: 'Server Error' } })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const stub: GithubStub = {
    url,
    token,
    requests: [],
    validationErrors,
    comments,
    pulls,
    repos,
    artifacts: artifacts.artifacts,
    env: {
      GITHUB_API_URL: url,
      GITHUB_GRAPHQL_URL: `${url}/graphql`,
      // Not the stub's URL: @actions/artifact refuses to upload when this host looks like GHES.
      GITHUB_SERVER_URL: WEB,
      ACTIONS_RESULTS_URL: `${url}/`,
      ACTIONS_RUNTIME_TOKEN: artifacts.runtimeToken
    },
    setPermission: (login, permission) => void permissions.set(login.toLowerCase(), permission),
    setPull: (number, pr) => void pulls.set(number, pr),
    setRepo: (fullName, repo) => void repos.set(fullName, repo),
    addComment(issueNumber, body, author = { login: 'octocat' }) {
      const id = nextCommentId()
      const at = now()
      const type = author.type ?? (author.login.endsWith('[bot]') ? 'Bot' : 'User')
      const comment: StoredComment = {
        id,
        issue_number: issueNumber,
        body,
        user: { login: author.login, type },
        created_at: at,
        updated_at: at,
        html_url: commentUrl(options.repository ?? 'octo-org/octo-repo', issueNumber, id)
      }
      comments.push(comment)
      return comment
    },
    failNext: (status, message, headers) => void failures.push({ status, message, headers }),
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
  return stub
}
