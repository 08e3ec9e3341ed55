import { setTimeout as sleep } from 'node:timers/promises'
import type { getOctokit } from '@actions/github'
import { debug, warning } from '../log.js'

type Octokit = ReturnType<typeof getOctokit>

export interface StickyCommentOptions {
  token: string
  repository: string
  issueNumber: number
  marker: string
  /** A comment main already created (the post step passes it on). */
  commentId?: number
  onCreated?: (id: number, url: string) => void
}

/** Edits are spaced at least this far apart, more as the run grows long (GitHub's content limits). */
const MIN_INTERVAL_MS = 5_000
const MAX_INTERVAL_MS = 60_000
const FINAL_ATTEMPTS = 3

/**
 * One comment per workflow + job + matrix cell, found again by its hidden marker and edited in
 * place. `show` asks for a body and returns at once: edits are throttled, one at a time, and
 * only the newest body is sent. `finish` sends the final body and waits for it. Failures never
 * stop the run: a missing permission is one warning, a rate limit pauses the edits.
 */
export class StickyComment {
  url: string | undefined
  private id: number | undefined
  private octokit: Promise<Octokit> | undefined
  private wanted: string | undefined
  private sent: string | undefined
  private lastSentAt = 0
  private pausedUntil = 0
  private readonly startedAt = Date.now()
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined
  private disabled = false

  constructor(private readonly options: StickyCommentOptions) {
    this.id = options.commentId
  }

  show(body: string): void {
    this.wanted = body
    this.schedule()
  }

  /** Sends `body` now, after any edit under way, waiting out a rate limit; true once GitHub has it. */
  async finish(body: string): Promise<boolean> {
    this.wanted = body
    clearTimeout(this.timer)
    this.timer = undefined
    await this.inFlight
    for (let attempt = 0; attempt < FINAL_ATTEMPTS && this.sent !== body && !this.disabled; attempt++) {
      // The caller bounds the whole wait.
      if (this.pausedUntil > Date.now()) await sleep(this.pausedUntil - Date.now())
      await this.flush()
    }
    return this.sent === body
  }

  private schedule(): void {
    if (this.disabled || this.timer || this.inFlight) return
    const interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, (Date.now() - this.startedAt) / 12))
    const delay = Math.max(0, this.lastSentAt + interval - Date.now(), this.pausedUntil - Date.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, delay)
    this.timer.unref()
  }

  private async flush(): Promise<void> {
    const body = this.wanted
    if (this.disabled || body === undefined || body === this.sent || Date.now() < this.pausedUntil) return
    this.inFlight = this.send(body).then(
      () => {
        this.sent = body
      },
      err => this.handleFailure(err)
    )
    await this.inFlight
    this.inFlight = undefined
    this.lastSentAt = Date.now()
    if (this.wanted !== this.sent) this.schedule()
  }

  private async send(body: string): Promise<void> {
    const octokit = await this.client()
    const [owner, repo] = this.options.repository.split('/')
    this.id ??= await this.find(octokit, owner, repo)
    if (this.id !== undefined) {
      try {
        const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: this.id, body })
        this.url = data.html_url
        return
      } catch (err) {
        // Deleted by someone meanwhile: start a new one.
        if (statusOf(err) !== 404) throw err
      }
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: this.options.issueNumber, body })
    this.id = data.id
    this.url = data.html_url
    this.options.onCreated?.(data.id, data.html_url)
  }

  private async find(octokit: Octokit, owner: string, repo: string): Promise<number | undefined> {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: this.options.issueNumber, per_page: 100 })
    for await (const page of pages) {
      const mine = page.data.find(comment => comment.body?.includes(this.options.marker))
      if (mine) {
        this.url = mine.html_url
        return mine.id
      }
    }
    return undefined
  }

  private handleFailure(err: unknown): void {
    const status = statusOf(err)
    const headers = (err as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}
    if (status === 429 || (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(String((err as Error).message))))) {
      const retryAfter = Number(headers['retry-after'])
      const reset = Number(headers['x-ratelimit-reset']) * 1000
      this.pausedUntil = Number.isFinite(retryAfter) && retryAfter > 0 ? Date.now() + retryAfter * 1000 : reset > Date.now() ? reset : Date.now() + 60_000
      debug(`GitHub rate limit: comment edits paused until ${new Date(this.pausedUntil).toISOString()}.`)
      return
    }
    if (isPermissionError(err) || status === 401) {
      this.disabled = true
      warning(
        `Cannot write the run's comment on #${this.options.issueNumber} (HTTP ${status}): the github-token needs ` +
          "`pull-requests: write` (pull requests) or `issues: write` (issues) in the job's permissions. The run goes on without it."
      )
      return
    }
    warning(`Could not update the run's comment: ${(err as Error).message}`)
  }

  private client(): Promise<Octokit> {
    // Octokit is loaded only on the runs that comment, so other runs do not pay for it.
    this.octokit ??= import('@actions/github').then(({ getOctokit }) => getOctokit(this.options.token))
    return this.octokit
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { status?: number }).status
}

function isPermissionError(err: unknown): boolean {
  return statusOf(err) === 403 && /not accessible|permission/i.test(String((err as Error).message))
}
