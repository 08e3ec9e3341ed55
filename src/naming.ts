import { createHash, randomBytes } from 'node:crypto'
import { commitUnderTest, type GithubContext } from './github-context.js'

/** How the action names what it makes: session ids, the matrix cell's key, artifacts, comment markers, the default image. */

export const IMAGE_REPOSITORY = 'ghcr.io/openhands/agent-server'

/** The agent server built from the commit under test: `<sha7>-python-amd64`, or `main` when there is no commit. */
export function defaultImage(ctx: GithubContext): string {
  const sha = commitUnderTest(ctx)
  const tag = sha && /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : 'main'
  return `${IMAGE_REPOSITORY}:${tag}-python-amd64`
}

/**
 * Session ids are deterministic per repository, run, job and matrix cell, so a re-run of a
 * cell re-attaches to its own runtime and two cells never share one. The prefix depends on
 * the repository alone: `ohrr-<hash of owner/repo>-`. `value`: the session-id input.
 */
export function sessionId(value: string, ctx: GithubContext, cell: string): string {
  if (value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)) {
      throw new Error(`Input 'session-id' may hold letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit); got '${value}'.`)
    }
    return value
  }
  if (!ctx.repository || !ctx.runId) return `ohrr-local-${randomBytes(6).toString('hex')}`
  const job =
    ctx.job
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'job'
  return `${sessionPrefix(ctx.repository)}${ctx.runId}-${job}-${shortHash(`${ctx.job}\n${cell}`)}`
}

export function sessionPrefix(repository: string): string {
  return `ohrr-${shortHash(repository.toLowerCase())}-`
}

/** The matrix input (`${{ toJSON(matrix) }}`) with its keys sorted, so that one cell always has one key. */
export function canonicalMatrix(value: string): string {
  if (!value.trim()) return 'null'
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new Error(`Input 'matrix' must be JSON, as \${{ toJSON(matrix) }} gives; got '${value.slice(0, 80)}'.`)
  }
  return stableStringify(parsed)
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

/** `openhands-<job>[-<matrix values>]`, in the characters artifact names allow. */
export function artifactName(job: string, cell: string): string {
  const values = cell === 'null' ? [] : Object.values(JSON.parse(cell) as Record<string, unknown>).map(v => (typeof v === 'string' ? v : JSON.stringify(v)))
  let key = values
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (key.length > 60) key = `${key.slice(0, 50)}-${shortHash(cell)}`
  return ['openhands', job || 'run', key].filter(Boolean).join('-')
}

/** Identifies this workflow + job + matrix cell: one comment and one artifact each. */
export function cellKey(ctx: GithubContext, cell: string): string {
  return shortHash(`${ctx.workflow}\n${ctx.job}\n${cell}`)
}

export const COMMENT_MARKER_PREFIX = '<!-- openhands-remote-run:'

/** The hidden line that finds this job's comment again: one per workflow + job + matrix cell. */
export function commentMarker(key: string): string {
  return `${COMMENT_MARKER_PREFIX}${key} -->`
}
