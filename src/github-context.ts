import { readFileSync } from 'node:fs'

/** What the action reads of the workflow run, from the runner's environment. */
export interface GithubContext {
  eventName: string
  event: Record<string, unknown>
  sha: string
  repository: string
  runId: string
  /** GITHUB_RUN_ATTEMPT: 1, then 2, 3 … on each re-run of the same run. */
  runAttempt: number
  job: string
  workflow: string
  serverUrl: string
  workspace: string
  runnerTemp: string
}

export function readGithubContext(env: NodeJS.ProcessEnv = process.env): GithubContext {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event: readEvent(env.GITHUB_EVENT_NAME ?? '', env.GITHUB_EVENT_PATH),
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: Math.max(1, Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? '1', 10) || 1),
    job: env.GITHUB_JOB ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? ''
  }
}

/**
 * The event payload. On the events whose payload decides who may run and where the result goes
 * (pull requests, comments, issues) a payload that cannot be read fails the run, naming the file;
 * elsewhere (push, schedule, local runs) it is only informative.
 */
function readEvent(eventName: string, path: string | undefined): Record<string, unknown> {
  const needed = COMMENT_EVENTS.has(eventName)
  if (!path) {
    if (needed) throw new Error(`The ${eventName} event has no payload: GITHUB_EVENT_PATH is not set.`)
    return {}
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    if (!needed) return {}
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    throw new Error(`Cannot read the ${eventName} event payload GITHUB_EVENT_PATH '${path}' (${reason}).`, { cause: err })
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  if (needed) throw new Error(`The ${eventName} event payload GITHUB_EVENT_PATH '${path}' is not a JSON object.`)
  return {}
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

/**
 * The commit whose agent-server image a run uses by default. On pull_request events
 * GITHUB_SHA is the merge commit, for which no image is ever built, so the PR head wins.
 */
export function commitUnderTest(ctx: GithubContext): string | undefined {
  if (PR_EVENTS.has(ctx.eventName)) {
    const pr = ctx.event.pull_request as { head?: { sha?: unknown } } | undefined
    if (typeof pr?.head?.sha === 'string' && pr.head.sha) return pr.head.sha
  }
  return ctx.sha || undefined
}

/** Events whose issue or pull request gets the run's comment with `comment: auto`. */
/** Events a stranger can cause: the run needs a trusted actor. */
export const GATED_EVENTS = new Set(['issue_comment', 'pull_request_review', 'pull_request_review_comment', 'issues', 'pull_request', 'pull_request_target'])

export const COMMENT_EVENTS = new Set(['pull_request', 'pull_request_target', 'issue_comment', 'pull_request_review', 'pull_request_review_comment', 'issues'])

/** The issue or pull request number the event is about, if any. */
export function issueNumber(ctx: GithubContext): number | undefined {
  const subject = (ctx.event.pull_request ?? ctx.event.issue) as { number?: unknown } | undefined
  const number = subject?.number ?? ctx.event.number
  return typeof number === 'number' && number > 0 ? number : undefined
}

/** Link to the workflow run, when running on a runner. */
export function runUrl(ctx: GithubContext): string | undefined {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined
}
