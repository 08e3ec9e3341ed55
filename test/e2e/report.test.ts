import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startGithubStub, type GithubStub } from '../github/server.js'
import { longScript } from '../simulator/index.js'
import { jobFor, simulator } from './helpers.js'
import { when } from '../harness/runner.js'
import { pullRequestEvent } from '../harness/fixtures.js'

const stubs: GithubStub[] = []
afterEach(async () => {
  await Promise.all(stubs.splice(0).map(stub => stub.close()))
})

async function github(options: Parameters<typeof startGithubStub>[0] = {}): Promise<GithubStub> {
  const stub = await startGithubStub({ permissions: { maintainer: 'write' }, ...options })
  stubs.push(stub)
  return stub
}

const PR = 42
const prEvent = pullRequestEvent(PR, 'maintainer')

/** A pull_request job wired to the simulator and the GitHub stub. */
function prJob(
  sim: Awaited<ReturnType<typeof simulator>>,
  gh: GithubStub,
  inputs: Record<string, string> = {},
  matrix?: unknown,
  env: Record<string, string> = {}
) {
  return jobFor(sim, inputs, {
    env: { ...gh.env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_WORKFLOW: 'agent', GITHUB_RUN_ID: '777', ...env },
    event: prEvent,
    githubToken: gh.token,
    matrix
  })
}

const RATE_LIMITED = { 'x-ratelimit-remaining': '0', 'retry-after': '1' }

const calls = (gh: GithubStub, method: string, pathPart: string) => gh.requests.filter(r => r.method === method && r.path.includes(pathPart)).length

describe('the sticky PR comment, summary and artifact', () => {
  it('creates one comment, then only edits it, and ends with the final state and links', async () => {
    const sim = await simulator({ script: longScript })
    const gh = await github()
    const main = await prJob(sim, gh, { 'timeout-minutes': '0.1' }).main()
    expect(main.outputs.status).toBe('timeout')

    expect(calls(gh, 'POST', `/issues/${PR}/comments`)).toBe(1)
    expect(calls(gh, 'PATCH', '/issues/comments/')).toBeGreaterThanOrEqual(2) // live progress, then the final state
    expect(gh.comments).toHaveLength(1)
    const body = gh.comments[0].body
    expect(body).toMatch(/^<!-- openhands-remote-run:[0-9a-f]{8} -->\n### ⏱️ OpenHands agent run timed out/)
    expect(body).toContain('timeout-minutes (0.1) reached')
    expect(body).toContain('[Run log](https://github.com/octo-org/octo-repo/actions/runs/777)')
    expect(body).toMatch(/\[Artifacts\]\(https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/777\/artifacts\/\d+\)/)
    expect(main.outputs['comment-url']).toBe(gh.comments[0].html_url)
    // Live progress was shown while the agent ran.
    const edits = gh.requests.filter(r => r.method === 'PATCH').map(r => (r.body as { body: string }).body)
    expect(edits.some(b => b.includes('### ⏳ OpenHands agent running') && /\*\*Steps:\*\* \d+/.test(b))).toBe(true)
    expect(gh.validationErrors).toEqual([])

    // The artifact holds events.jsonl and result.json byte for byte, under a name with the job.
    expect(gh.artifacts.map(a => a.name)).toEqual(['openhands-agent'])
    const files = gh.artifacts[0].files
    expect(files['events.jsonl'].equals(readFileSync(main.outputs['events-file']))).toBe(true)
    expect(files['result.json'].equals(readFileSync(main.outputs['result-file']))).toBe(true)
  })

  it('edits the same comment on a re-run of the job, and keeps matrix cells apart', async () => {
    const sim = await simulator()
    const gh = await github()
    for (const [task, attempt] of [
      ['a', '1'],
      ['b', '1'],
      ['a', '2']
    ]) {
      const main = await prJob(sim, gh, {}, { task }, { GITHUB_RUN_ATTEMPT: attempt }).main()
      expect(main.outputs.status).toBe('finished')
    }
    expect(gh.comments).toHaveLength(2)
    expect(calls(gh, 'POST', `/issues/${PR}/comments`)).toBe(2)
    expect(gh.comments.every(c => c.body.includes('### ✅ OpenHands agent finished'))).toBe(true)
    expect(new Set(gh.comments.map(c => c.body.split('\n')[0])).size).toBe(2)
    expect(gh.artifacts.map(a => a.name)).toEqual(['openhands-agent-a', 'openhands-agent-b', 'openhands-agent-a-attempt-2'])
    expect(gh.validationErrors).toEqual([])
  })

  it('brings the comment to a final state when the run is cancelled', async () => {
    const sim = await simulator({ script: longScript })
    const gh = await github()
    const job = prJob(sim, gh)
    const main = await job.main(when('[action] terminal: $ echo step 3', child => child.kill('SIGINT')))
    expect(main.outputs.status).toBe('cancelled')
    await job.post()
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0].body).toContain('### 🚫 OpenHands agent run cancelled')
    expect(gh.artifacts).toHaveLength(1) // uploaded by the post step
  })

  it('post finalises the comment of a main step that was killed', async () => {
    const sim = await simulator({ script: longScript })
    const gh = await github()
    const job = prJob(sim, gh)
    await job.main(
      when(
        '[action] terminal: $ echo step 3',
        child => child.kill('SIGKILL'),
        () => gh.comments.length === 1
      )
    )
    expect(gh.comments[0].body).toMatch(/OpenHands agent (starting|running)/)
    const post = await job.post()
    expect(post.code).toBe(0)
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0].body).toContain('### 🚫 OpenHands agent run cancelled')
    expect(gh.comments[0].body).toContain('The main step ended without a result')
    expect(sim.runtimes[0].status).toBe('stopped')
    expect(job.summary()).toContain('🚫 cancelled')
    // What is known is reported: cost and tokens of the last stats in events.jsonl, the ids from the state.
    expect(gh.comments[0].body).not.toContain('$0.0000')
    expect(gh.comments[0].body).toMatch(/\| [1-9][\d,]* prompt · [1-9][\d,]* completion/)
    expect(job.summary()).toContain(`\`${sim.runtimes[0].runtimeId}\``)
    expect(job.summary()).toMatch(/\| Conversation \| `[0-9a-f-]{8,}` \|/)
  })

  it('warns once, naming the permission, when the token cannot comment, and the run goes on', async () => {
    const sim = await simulator()
    const gh = await github({ missingPermission: { 'issues-write': true } })
    const main = await prJob(sim, gh).main()
    expect(main.outputs.status).toBe('finished')
    expect(main.code).toBe(0)
    const warnings = main.stdout.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('`pull-requests: write`')
    expect(calls(gh, 'POST', '/comments')).toBe(1)
  })

  it('posts nothing with comment: false, nor on a push event', async () => {
    const sim = await simulator()
    const gh = await github()
    await prJob(sim, gh, { comment: 'false' }).main()
    await jobFor(sim, {}, { env: { ...gh.env }, githubToken: gh.token }).main()
    expect(gh.requests.filter(r => r.path.includes('/comments'))).toEqual([])
  })

  it('survives a rate limit on an edit and still lands the final state', async () => {
    const sim = await simulator({ script: longScript })
    const gh = await github()
    const job = prJob(sim, gh, { 'timeout-minutes': '0.08' })
    const main = await job.main(when('echo step 2', () => gh.failNext(403, 'API rate limit exceeded', RATE_LIMITED)))
    expect(main.outputs.status).toBe('timeout')
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0].body).toContain('### ⏱️ OpenHands agent run timed out')
  })

  it('waits out a rate limit that hits the final edit itself', async () => {
    const sim = await simulator()
    const gh = await github()
    const main = await prJob(sim, gh).main(when('EXAMPLE_COST', () => gh.failNext(403, 'API rate limit exceeded', RATE_LIMITED)))
    expect(main.outputs.status).toBe('finished')
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0].body).toContain('### ✅ OpenHands agent finished')
    expect(gh.requests.filter(r => r.method === 'PATCH').length).toBeGreaterThanOrEqual(2)
  })
})
