import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { when, type Job } from '../harness/runner.js'
import { editScript, type AgentScript } from '../simulator/index.js'
import { jobFor, readJson, simulator } from './helpers.js'

const TOKEN = 'ghs_checkoutTokenCanary0123456789abcdefAB'
const URL_TOKEN = 'ghp_urlTokenCanary0123456789abcdefghijklmn'
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd } })

/** A checkout as actions/checkout leaves it: history, a persisted token, an ignored build dir, an untracked file. */
function makeCheckout(dir: string): string {
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'ci@example.com')
  git(dir, 'config', 'user.name', 'CI')
  const files: Record<string, string | Buffer> = {
    'README.md': '# Demo\n\nA project.\n',
    'gone.txt': 'this file will be deleted\n',
    'old_name.txt': Array.from({ length: 20 }, (_, i) => `line ${i} of a file that gets renamed`).join('\n') + '\n',
    'tool.sh': '#!/bin/sh\necho tool\n',
    'docs/with space/ünïcode.txt': 'héllo wörld\n',
    'logo.bin': Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]),
    '.gitignore': 'build/\n'
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'initial')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'second')
  mkdirSync(join(dir, 'build'))
  writeFileSync(join(dir, 'build', 'output.txt'), 'ignored build output\n')
  writeFileSync(join(dir, 'notes.txt'), 'untracked, not ignored\n')
  const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
  git(dir, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basic}`)
  git(dir, 'config', `includeIf.gitdir:${dir}/.git.path`, '/tmp/git-credentials-canary.config')
  git(dir, 'config', 'credential.helper', 'store')
  git(dir, 'config', 'remote.origin.url', `https://x-access-token:${URL_TOKEN}@github.com/octo-org/octo-repo`)
  return git(dir, 'rev-parse', 'HEAD').trim()
}

const EDITS =
  "printf 'edited line\\n' >> README.md && printf 'brand new\\n' > new_file.txt && rm gone.txt && mv old_name.txt renamed.txt && " +
  "printf '\\000\\001\\002\\377' > data.bin && printf 'more\\n' >> 'docs/with space/ünïcode.txt' && chmod +x tool.sh && printf 'x' >> logo.bin"
const editingScript: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.01, promptTokens: 3000, completionTokens: 120 },
    { type: 'terminal', command: EDITS },
    { type: 'finish', message: 'Edited the project.' }
  ]
}

/** Files git does not ignore, with their bytes and executable bit. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const file of git(dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean).sort()) {
    const path = join(dir, file)
    try {
      out[file] = `${statSync(path).mode & 0o111 ? 'x' : '-'} ${readFileSync(path).toString('base64')}`
    } catch {
      /* tracked but deleted */
    }
  }
  return out
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
}

async function runOn(job: Job) {
  const main = await job.main()
  return { main, result: readJson(main.outputs['result-file']) }
}

describe('repository in, changes out', () => {
  it('round-trips a real repository: the runner’s checkout ends equal to the sandbox’s tree, byte for byte', async () => {
    const sim = await simulator({ script: editingScript })
    const job = jobFor(sim)
    const head = makeCheckout(job.workspace)
    chmodSync(join(job.workspace, 'tool.sh'), 0o644)
    const { main, result } = await runOn(job)

    expect(main.outputs.status).toBe('finished')
    // Packed while the runtime provisioned: only the transfer and the unpacking are left after it is ready.
    expect(main.stdout).toMatch(/^Uploaded \d+ files .* \(packed in [\d.]+m?s while the runtime started\); base commit /m)
    const sandboxRepo = join(sim.runtimes[0].sandboxDir, 'workspace', 'project')
    // The sandbox got the checkout with its history, not the ignored build output.
    expect(git(sandboxRepo, 'log', '--format=%s', '-n', '2').trim().split('\n')).toEqual(['second', 'initial'])
    expect(readFileSync(join(sandboxRepo, 'notes.txt'), 'utf8')).toBe('untracked, not ignored\n')
    expect(() => statSync(join(sandboxRepo, 'build'))).toThrow()
    expect(result.base_commit).toBe(head)

    expect(snapshot(job.workspace)).toEqual(snapshot(sandboxRepo))
    expect(statSync(join(job.workspace, 'tool.sh')).mode & 0o100).toBe(0o100)
    expect(readFileSync(join(job.workspace, 'data.bin'))).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(main.outputs['changed-files'].split('\n').sort()).toEqual(
      ['README.md', 'data.bin', 'docs/with space/ünïcode.txt', 'gone.txt', 'logo.bin', 'new_file.txt', 'old_name.txt', 'renamed.txt', 'tool.sh'].sort()
    )
    const patch = readFileSync(main.outputs['patch-file'], 'utf8')
    expect(patch).toContain('rename from old_name.txt')
    expect(patch).toContain('GIT binary patch')
    expect(patch).toContain('new mode 100755')
    expect(sim.validationErrors).toEqual([])
  })

  it('never lets the persisted checkout token into the sandbox', async () => {
    const sim = await simulator({ script: editingScript })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('finished')
    const canaries = [TOKEN, URL_TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64'), 'git-credentials-canary']
    const files = allFiles(sim.runtimes[0].sandboxDir)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file).toString('latin1')
      for (const canary of canaries) expect(text.includes(canary), `${file} holds ${canary}`).toBe(false)
    }
    // The sandbox's remote still points at the repository, without credentials.
    const sandboxRepo = join(sim.runtimes[0].sandboxDir, 'workspace', 'project')
    expect(git(sandboxRepo, 'config', 'remote.origin.url').trim()).toBe('https://github.com/octo-org/octo-repo')
  })

  it('names the files and keeps the patch when the changes do not apply', async () => {
    const sim = await simulator({ script: editingScript })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    const main = await job.main(when('Prompt sent', () => writeFileSync(join(job.workspace, 'README.md'), 'changed on the runner meanwhile\n')))
    expect(main.code).toBe(1)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toMatch(/::error::The agent's changes do not apply to the checkout \(README\.md\)/)
    expect(readFileSync(main.outputs['patch-file'], 'utf8')).toContain('diff --git a/README.md b/README.md')
  })

  it('without a checkout, still brings back what the agent made', async () => {
    const sim = await simulator({ script: editScript })
    const job = jobFor(sim)
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('finished')
    expect(main.outputs['changed-files']).toBe('SIMULATED_CHANGE.md')
    expect(readFileSync(main.outputs['patch-file'], 'utf8')).toContain('+This file was written by the simulated agent.')
    expect(sim.requests.some(r => r.path.startsWith('/api/file/upload'))).toBe(false)
    const result = JSON.parse(readFileSync(main.outputs['result-file'], 'utf8')) as { changes: unknown }
    expect(result.changes).toEqual({ files: [{ path: 'SIMULATED_CHANGE.md', additions: 1, deletions: 0 }], additions: 1, deletions: 0 })
    expect(job.summary()).toContain('| Changes | 1 file, +1 −0 |')
    expect(job.summary()).toContain('| `SIMULATED_CHANGE.md` | +1 | −0 |')
  })

  it('refuses a checkout over upload-limit-mb before sending it', async () => {
    const sim = await simulator()
    const job = jobFor(sim, { 'upload-limit-mb': '0.001' })
    makeCheckout(job.workspace)
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toMatch(/The checkout packs to [\d.]+ MB, over upload-limit-mb \(0\.001 MB\)/)
    expect(sim.requests.some(r => r.path.startsWith('/api/file/upload'))).toBe(false)
    expect(sim.runtimes[0].status).toBe('stopped')
  })

  it('works with a v1.11 server’s path-parameter file routes', async () => {
    const sim = await simulator({ script: editingScript, serverVersion: '1.11.4' })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('finished')
    expect(sim.requests.some(r => r.path.startsWith('/api/file/upload//tmp/'))).toBe(true)
    expect(snapshot(job.workspace)).toEqual(snapshot(join(sim.runtimes[0].sandboxDir, 'workspace', 'project')))
  })
})
