import { execFileSync } from 'node:child_process'
import { GATED_EVENTS, type GithubContext } from './github-context.js'
import { warning } from './log.js'
import { COMMENT_MARKER_PREFIX } from './naming.js'

const TRUSTED_PERMISSIONS = new Set(['admin', 'maintain', 'write'])
/** The identity GITHUB_TOKEN writes as: its own comments must never start a run. */
const ACTIONS_BOT = 'github-actions[bot]'

export type Verdict = { allowed: true } | { allowed: false; reason: string }

interface Sender {
  login?: string
  type?: string
}

/** Asks GitHub for a user's permission on the repository: `permission` and `role_name`. */
export type PermissionLookup = (login: string) => Promise<{ permission?: string; role_name?: string }>

export interface ActorRules {
  /** Logins allowed to trigger a run without write permission. */
  allowedUsers: string[]
  /** Bot logins allowed to trigger a run; '*' for any bot. */
  allowedBots: string[]
  /** null without a github-token: no permission can be asked. */
  lookup: PermissionLookup | null
}

/**
 * Who may start a run (SECURITY in the README): on events a stranger can cause, the actor must
 * have write, maintain or admin permission (asked of the REST API, not read from
 * author_association), or be listed in allowed-users / allowed-bots. The action's own comments
 * and bot never start a run.
 */
export async function checkActor(ctx: GithubContext, { allowedUsers, allowedBots, lookup }: ActorRules): Promise<Verdict> {
  if (!GATED_EVENTS.has(ctx.eventName)) return { allowed: true }
  const sender = (ctx.event.sender ?? {}) as Sender
  const login = sender.login ?? ''
  const text = [ctx.event.comment, ctx.event.review].map(part => (part as { body?: unknown } | undefined)?.body).find(body => typeof body === 'string') as
    string | undefined
  if (text?.includes(COMMENT_MARKER_PREFIX)) return refuse('the triggering comment is one this action wrote (it carries its marker)')
  if (login.toLowerCase() === ACTIONS_BOT) return refuse(`the event was sent by ${ACTIONS_BOT}, the identity this action writes as`)
  if (!login) return refuse('the event names no sender')

  const isBot = sender.type === 'Bot' || login.endsWith('[bot]')
  if (isBot) {
    const name = login.replace(/\[bot\]$/, '').toLowerCase()
    if (allowedBots.includes('*')) {
      warning(`allowed-bots is '*': any bot, including ${login}, can start a run and spend your budget. List the bots by name instead.`)
      return { allowed: true }
    }
    if (allowedBots.some(bot => bot.replace(/\[bot\]$/, '').toLowerCase() === name)) return { allowed: true }
    return refuse(`${login} is a bot; list it in allowed-bots to let it start runs`)
  }
  if (allowedUsers.some(user => user.toLowerCase() === login.toLowerCase())) return { allowed: true }
  if (!lookup) return refuse(`there is no github-token to check the permission of @${login}`)
  let permission: { permission?: string; role_name?: string }
  try {
    permission = await lookup(login)
  } catch (err) {
    return refuse(`the permission of @${login} could not be checked (${(err as Error).message})`)
  }
  if (TRUSTED_PERMISSIONS.has(permission.permission ?? '') || TRUSTED_PERMISSIONS.has(permission.role_name ?? '')) return { allowed: true }
  return refuse(
    `@${login} has ${permission.role_name ?? permission.permission ?? 'no'} permission on ${ctx.repository}; write, maintain or admin is needed (or list them in allowed-users)`
  )
}

interface PullRequest {
  number?: number
  head?: { sha?: string; repo?: { full_name?: string } | null }
  base?: { sha?: string; repo?: { full_name?: string } | null }
}

/**
 * Fork pull requests. On `pull_request` GitHub gives a fork's workflow no secrets, so explain the
 * options. On `pull_request_target` the fork's code runs with this repository's secrets, so it
 * is only uploaded with allow-fork-code, and then only at the head SHA the event approved.
 */
export function checkForkCode(ctx: GithubContext, checkout: string | null, allowForkCode: boolean): Verdict {
  const pr = ctx.event.pull_request as PullRequest | undefined
  const head = pr?.head?.repo?.full_name
  const base = pr?.base?.repo?.full_name ?? ctx.repository
  if (!pr || !head || head.toLowerCase() === base.toLowerCase()) return { allowed: true }

  if (ctx.eventName === 'pull_request') {
    return refuse(
      `pull request #${pr.number} comes from the fork ${head}, and GitHub gives workflows of fork pull requests no secrets. ` +
        "Options: run on `pull_request_target` with a maintainer-applied label (and `allow-fork-code: true` to run on the fork's code), " +
        'run from `issue_comment` where a maintainer asks for it, or push the branch to this repository.'
    )
  }
  if (ctx.eventName !== 'pull_request_target' || !checkout) return { allowed: true }
  const approved = pr.head?.sha
  const checkedOut = gitHead(checkout)
  if (checkedOut && (checkedOut === ctx.sha || checkedOut === pr.base?.sha)) return { allowed: true }
  if (!allowForkCode) {
    return refuse(
      `the checkout (${checkedOut?.slice(0, 7) ?? 'unknown'}) is not ${ctx.repository}'s own code but fork code from ${head}, which would run with this repository's secrets. ` +
        'Set `allow-fork-code: true` only in a workflow a maintainer approves (e.g. a label), or check out the base branch.'
    )
  }
  if (checkedOut !== approved) {
    return refuse(
      `the checkout is at ${checkedOut?.slice(0, 7) ?? 'unknown'}, not at the approved head ${approved?.slice(0, 7)} of pull request #${pr.number}: ` +
        'a push after approval is not run. Check out `${{ github.event.pull_request.head.sha }}`.'
    )
  }
  return { allowed: true }
}

function gitHead(dir: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

function refuse(reason: string): Verdict {
  return { allowed: false, reason }
}
