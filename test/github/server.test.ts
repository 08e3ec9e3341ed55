import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadGithubOpenApi } from './openapi.js'
import { startGithubStub, type GithubStub } from './server.js'

const OWNER = 'octo-org'
const REPO = 'octo-repo'
const openapi = loadGithubOpenApi()

let stub: GithubStub
afterEach(async () => {
  await stub.close()
})

function client(token = stub.token): ReturnType<typeof getOctokit> {
  return getOctokit(token, { baseUrl: stub.url })
}

/** The stub's answer must be what the official description says GitHub answers. */
function expectDescribed(method: string, path: string, status: number, data: unknown): void {
  expect(openapi.checkResponse(method, path, status, data)).toEqual([])
}

interface Failure {
  status: number
  response: { data: unknown; headers: Record<string, string | undefined> }
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise
  } catch (error) {
    return error as Failure
  }
  throw new Error('expected the request to fail')
}

describe('REST', () => {
  beforeEach(async () => {
    stub = await startGithubStub({ permissions: { Maintainer: 'maintain' } })
  })

  it('creates, lists and updates comments like GitHub', async () => {
    const octokit = client()
    const created = await octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'hello <!-- marker -->' })
    expect(created.status).toBe(201)
    expectDescribed('POST', `/repos/${OWNER}/${REPO}/issues/7/comments`, 201, created.data)
    expect(created.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    expect(created.data.html_url).toBe(`https://github.com/${OWNER}/${REPO}/issues/7#issuecomment-${created.data.id}`)
    expect(created.headers['x-ratelimit-remaining']).toBe('999')

    const listed = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 })
    expectDescribed('GET', `/repos/${OWNER}/${REPO}/issues/7/comments`, 200, listed.data)
    expect(listed.data.map(c => c.body)).toEqual(['hello <!-- marker -->'])

    const updated = await octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: created.data.id, body: 'edited <!-- marker -->' })
    expectDescribed('PATCH', `/repos/${OWNER}/${REPO}/issues/comments/${created.data.id}`, 200, updated.data)
    expect(stub.comments).toHaveLength(1)
    expect(stub.comments[0].body).toBe('edited <!-- marker -->')

    const missing = await failure(octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: 1, body: 'x' }))
    expect(missing.status).toBe(404)
    expect(missing.response.data).toMatchObject({ message: 'Not Found' })
    expect(stub.validationErrors).toEqual([])
  })

  it('paginates with per_page, page and a Link header', async () => {
    for (let i = 0; i < 5; i++) stub.addComment(3, `c${i}`)
    stub.addComment(4, 'elsewhere')
    const octokit = client()
    const first = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 3, per_page: 2 })
    expect(first.data.map(c => c.body)).toEqual(['c0', 'c1'])
    expect(first.headers.link).toContain('page=2>; rel="next"')
    expect(first.headers.link).toContain('page=3>; rel="last"')
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: OWNER, repo: REPO, issue_number: 3, per_page: 2 })
    expect(all.map(c => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])

    for (let i = 0; i < 120; i++) stub.addComment(5, `m${i}`)
    const capped = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 5, per_page: 500 })
    expect(capped.data).toHaveLength(100)
    expect(stub.validationErrors).toEqual([])
  })

  it('answers 401, 403, 422 and forced failures as GitHub does', async () => {
    expect((await failure(client('wrong').rest.repos.get({ owner: OWNER, repo: REPO }))).status).toBe(401)

    const octokit = client()
    const tooLong = await failure(octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x'.repeat(65537) }))
    expect(tooLong.status).toBe(422)
    expect(tooLong.response.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]
    })
    expectDescribed('POST', `/repos/${OWNER}/${REPO}/issues/1/comments`, 422, tooLong.response.data)
    expect((await octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x'.repeat(65536) })).status).toBe(201)
    expect((await failure(octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: '' }))).status).toBe(422)

    stub.failNext(502)
    stub.failNext(403, 'API rate limit exceeded for installation ID 1.', { 'x-ratelimit-remaining': '0' })
    expect((await failure(octokit.rest.repos.get({ owner: OWNER, repo: REPO }))).status).toBe(502)
    const limited = await failure(octokit.rest.repos.get({ owner: OWNER, repo: REPO }))
    expect(limited.status).toBe(403)
    expect(limited.response.headers['x-ratelimit-remaining']).toBe('0')
    expect((await octokit.rest.repos.get({ owner: OWNER, repo: REPO })).status).toBe(200)
    expect(stub.validationErrors).toEqual([])
  })

  it('answers 403 when the token lacks a permission', async () => {
    await stub.close()
    stub = await startGithubStub({ missingPermission: { 'issues-write': true, 'pull-requests-read': true } })
    stub.setPull(2, {})
    const octokit = client()
    const denied = await failure(octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'hi' }))
    expect(denied.status).toBe(403)
    expect(denied.response.data).toMatchObject({ message: 'Resource not accessible by integration' })
    expect((await failure(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 2 }))).status).toBe(403)
    expect(stub.comments).toEqual([])
  })

  it('records requests the description rejects', async () => {
    const octokit = client()
    await failure(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: OWNER, repo: REPO, issue_number: 1, body: 42 as unknown as string })
    )
    expect(stub.validationErrors).toHaveLength(1)
    expect(stub.validationErrors[0]).toMatch(/issues\/create-comment.*body\/body must be string/)

    const unknown = await failure(octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: OWNER, repo: REPO, issue_number: 1 }))
    expect(unknown.status).toBe(404)
    expect(stub.validationErrors[1]).toMatch(/no such operation/)

    await failure(
      octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: OWNER, repo: REPO, issue_number: 'seven' as unknown as number })
    )
    expect(stub.validationErrors[2]).toMatch(/path\.issue_number must be integer/)
    expect(stub.requests.map(r => r.method)).toEqual(['POST', 'GET', 'GET'])
  })

  it('reports collaborator permissions with the legacy mapping', async () => {
    const octokit = client()
    const get = (username: string) => octokit.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username })
    const maintainer = await get('maintainer')
    expectDescribed('GET', `/repos/${OWNER}/${REPO}/collaborators/maintainer/permission`, 200, maintainer.data)
    expect(maintainer.data).toMatchObject({ permission: 'write', role_name: 'maintain', user: { login: 'maintainer' } })
    stub.setPermission('boss', 'admin')
    expect((await get('boss')).data.permission).toBe('admin')
    expect((await get('stranger')).data.permission).toBe('read')
    stub.setRepo(`${OWNER}/${REPO}`, { private: true })
    expect((await get('stranger')).data.permission).toBe('none')
  })

  it('serves pull requests and repositories shaped like the description', async () => {
    stub.setPull(9, { head: { sha: 'c'.repeat(40), ref: 'fix', repo: 'someone/octo-repo' }, base: { ref: 'main', sha: 'd'.repeat(40) }, user: 'someone' })
    const octokit = client()
    const pr = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 9 })
    expectDescribed('GET', `/repos/${OWNER}/${REPO}/pulls/9`, 200, pr.data)
    expect(pr.data.head).toMatchObject({ sha: 'c'.repeat(40), ref: 'fix', repo: { full_name: 'someone/octo-repo', fork: true } })
    expect(pr.data.base).toMatchObject({ sha: 'd'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}`, fork: false } })
    expect((await failure(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 10 }))).status).toBe(404)

    const repo = await octokit.rest.repos.get({ owner: OWNER, repo: REPO })
    expectDescribed('GET', `/repos/${OWNER}/${REPO}`, 200, repo.data)
    expect(stub.validationErrors).toEqual([])
  })
})

describe('artifacts', () => {
  let dir: string
  let saved: Record<string, string | undefined>
  beforeEach(async () => {
    stub = await startGithubStub()
    dir = mkdtempSync(join(tmpdir(), 'github-stub-'))
    saved = Object.fromEntries(Object.keys(stub.env).map(k => [k, process.env[k]]))
    Object.assign(process.env, stub.env)
    // @actions/core writes its ::debug:: workflow commands straight to stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    vi.restoreAllMocks()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('takes an upload from @actions/artifact byte for byte', async () => {
    const events = Buffer.from('{"kind":"MessageEvent"}\n'.repeat(50))
    const patch = Buffer.from([0, 1, 2, 255, 254, 10, 13])
    writeFileSync(join(dir, 'events.jsonl'), events)
    writeFileSync(join(dir, 'changes.patch'), patch)

    const result = await new DefaultArtifactClient().uploadArtifact('openhands-run', [join(dir, 'events.jsonl'), join(dir, 'changes.patch')], dir)

    expect(result.id).toBe(1)
    expect(stub.artifacts).toHaveLength(1)
    expect(stub.artifacts[0]).toMatchObject({ name: 'openhands-run', finalized: true, size: result.size })
    expect(Object.keys(stub.artifacts[0].files).sort()).toEqual(['changes.patch', 'events.jsonl'])
    expect(stub.artifacts[0].files['events.jsonl'].equals(events)).toBe(true)
    expect(stub.artifacts[0].files['changes.patch'].equals(patch)).toBe(true)
    expect(stub.validationErrors).toEqual([])

    const again = await new DefaultArtifactClient().uploadArtifact('openhands-run', [join(dir, 'events.jsonl')], dir).catch((e: unknown) => e)
    expect(String(again)).toMatch(/409/)
  })
})
