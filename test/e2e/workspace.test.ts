import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { when, type Job } from '../harness/runner.js'
import { editScript, type AgentScript } from '../simulator/index.js'
import { jobFor, readJson, simulator } from './helpers.js'
import { git, snapshot, treeOnDisk } from './workspace-helpers.js'

const TOKEN = 'ghs_checkoutTokenCanary0123456789abcdefAB'
const URL_TOKEN = 'ghp_urlTokenCanary0123456789abcdefghijklmn'

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

/** The tree the action took as the base of the agent's changes (the conversation's tag). */
function baseTree(sim: Awaited<ReturnType<typeof simulator>>): unknown {
  const create = sim.requests.find(r => r.method === 'POST' && r.path === '/api/conversations')
  return (create?.body as { tags?: Record<string, string> } | undefined)?.tags?.ohrrbasetree
}

const running = (command: string): AgentScript => ({
  steps: [
    { type: 'llm', cost: 0.01, promptTokens: 3000, completionTokens: 120 },
    { type: 'terminal', command },
    { type: 'finish', message: 'Done.' }
  ]
})

/** On top of makeCheckout: a committed file in each kind git knows, then every local state the sandbox must get as it is on disk. */
function changeLocally(dir: string): void {
  const write = (path: string, content: string, mode = 0o644): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
    chmodSync(join(dir, path), mode)
  }
  write('.gitattributes', '*.crlf text eol=crlf\n')
  write('lf.crlf', 'one\ntwo\n')
  write('run.sh', '#!/bin/sh\necho run\n', 0o755)
  write('plain.sh', '#!/bin/sh\necho plain\n')
  write('staged.txt', 'v1\n')
  write('was-dir/inner.txt', 'inner\n')
  write('was-file', 'a file\n')
  symlinkSync('README.md', join(dir, 'link'))
  symlinkSync('README.md', join(dir, 'relinked'))
  symlinkSync('nowhere', join(dir, 'dangling'))
  symlinkSync('docs', join(dir, 'dir-link'))
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'third')
  // Local changes, none committed.
  writeFileSync(join(dir, 'README.md'), '# Demo\n\nEdited on the runner.\n')
  rmSync(join(dir, 'gone.txt'))
  git(dir, 'rm', '-q', 'old_name.txt')
  write('staged.txt', 'v2\n')
  git(dir, 'add', 'staged.txt')
  write('staged.txt', 'v1\n')
  write('new-staged.txt', 'added, not committed\n')
  git(dir, 'add', 'new-staged.txt')
  chmodSync(join(dir, 'plain.sh'), 0o755)
  chmodSync(join(dir, 'run.sh'), 0o644)
  rmSync(join(dir, 'relinked'))
  symlinkSync('tool.sh', join(dir, 'relinked'))
  rmSync(join(dir, 'was-dir'), { recursive: true })
  write('was-dir', 'now a file\n')
  rmSync(join(dir, 'was-file'))
  write('was-file/inside.txt', 'now a directory\n')
  write('untracked.txt', 'untracked\n')
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

  it('recreates every local state of the checkout in the sandbox, sending only what differs from .git, and the patch applies back', async () => {
    const sim = await simulator({
      script: running("printf 'agent\\n' >> README.md && printf 'x\\n' > agent.txt && rm staged.txt && ln -s plain.sh agent-link")
    })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    changeLocally(job.workspace)
    const before = treeOnDisk(job.workspace)
    const { main, result } = await runOn(job)

    expect(main.outputs.status).toBe('finished')
    // README.md, staged.txt, plain.sh, run.sh, relinked, was-dir, was-file/inside.txt and untracked.txt differ from the index; the rest comes from .git.
    expect(main.stdout).toMatch(/^Uploaded 19 files \(11 checked out from \.git, 8 sent; /m)
    expect(baseTree(sim)).toBe(before)
    expect(result.base_commit).toBe(git(job.workspace, 'rev-parse', 'HEAD').trim())
    const sandboxRepo = join(sim.runtimes[0].sandboxDir, 'workspace', 'project')
    // Raw bytes as on the runner, though .gitattributes would have git write CRLF.
    expect(readFileSync(join(sandboxRepo, 'lf.crlf'), 'utf8')).toBe('one\ntwo\n')
    expect(readlinkSync(join(sandboxRepo, 'dangling'))).toBe('nowhere')
    expect(main.outputs['changed-files'].split('\n').sort()).toEqual(['README.md', 'agent-link', 'agent.txt', 'staged.txt'])
    expect(snapshot(job.workspace)).toEqual(snapshot(sandboxRepo))
    expect(readFileSync(join(job.workspace, 'README.md'), 'utf8')).toBe('# Demo\n\nEdited on the runner.\nagent\n')
    expect(readlinkSync(join(job.workspace, 'agent-link'))).toBe('plain.sh')
    expect(existsSync(join(job.workspace, 'gone.txt'))).toBe(false)
  })

  it('sends a committed file once, in .git, not again beside it', async () => {
    const sim = await simulator({ script: editScript })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    // 2 MB that do not compress: the archive holds them once (in the pack) if the checkout is not sent beside .git.
    writeFileSync(join(job.workspace, 'random.bin'), randomBytes(2 * 1024 * 1024))
    git(job.workspace, 'add', '-A')
    git(job.workspace, 'commit', '-q', '-m', 'random')
    git(job.workspace, 'gc', '-q')
    const before = treeOnDisk(job.workspace)
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('finished')
    expect(baseTree(sim)).toBe(before)
    const packedMb = Number(/^Uploaded \d+ files \(\d+ checked out from \.git, 0 sent; ([\d.]+) MB packed\)/m.exec(main.stdout)?.[1])
    expect(packedMb).toBeGreaterThanOrEqual(2)
    expect(packedMb).toBeLessThan(3)
    const sent = readFileSync(join(sim.runtimes[0].sandboxDir, 'workspace', 'project', 'random.bin'))
    expect(sent.equals(readFileSync(join(job.workspace, 'random.bin')))).toBe(true)
  })

  it('takes a shallow clone, as actions/checkout makes by default', async () => {
    const sim = await simulator({ script: editingScript })
    const job = jobFor(sim)
    const origin = join(job.dir, 'origin')
    mkdirSync(origin)
    makeCheckout(origin)
    git(job.dir, 'clone', '-q', '--depth', '1', `file://${origin}`, job.workspace)
    writeFileSync(join(job.workspace, 'README.md'), '# Demo\n\nChanged before the run.\n')
    writeFileSync(join(job.workspace, 'notes.txt'), 'untracked\n')
    const before = treeOnDisk(job.workspace)
    const { main } = await runOn(job)

    expect(main.outputs.status).toBe('finished')
    expect(baseTree(sim)).toBe(before)
    const sandboxRepo = join(sim.runtimes[0].sandboxDir, 'workspace', 'project')
    expect(git(sandboxRepo, 'rev-parse', '--is-shallow-repository').trim()).toBe('true')
    expect(git(sandboxRepo, 'log', '--format=%s').trim()).toBe('second')
    expect(snapshot(job.workspace)).toEqual(snapshot(sandboxRepo))
    expect(readFileSync(join(job.workspace, 'README.md'), 'utf8')).toBe('# Demo\n\nChanged before the run.\nedited line\n')
  })

  it('takes a repository without a commit: every file is sent', async () => {
    const sim = await simulator({ script: running("printf 'more\\n' >> staged.txt && printf 'new\\n' > new.txt") })
    const job = jobFor(sim)
    git(job.workspace, 'init', '-q', '-b', 'main')
    writeFileSync(join(job.workspace, 'staged.txt'), 'staged\n')
    writeFileSync(join(job.workspace, 'loose.sh'), '#!/bin/sh\n', { mode: 0o755 })
    symlinkSync('staged.txt', join(job.workspace, 'link'))
    git(job.workspace, 'add', 'staged.txt')
    const before = treeOnDisk(job.workspace)
    const { main, result } = await runOn(job)

    expect(main.outputs.status).toBe('finished')
    expect(main.stdout).toMatch(/^Uploaded 3 files \(1 checked out from \.git, 2 sent; .*; base commit none\.$/m)
    expect(result.base_commit).toBeNull()
    expect(baseTree(sim)).toBe(before)
    expect(main.outputs['changed-files'].split('\n').sort()).toEqual(['new.txt', 'staged.txt'])
    expect(snapshot(job.workspace)).toEqual(snapshot(join(sim.runtimes[0].sandboxDir, 'workspace', 'project')))
    expect(readFileSync(join(job.workspace, 'staged.txt'), 'utf8')).toBe('staged\nmore\n')
  })

  it('takes a sparse checkout: the files outside it stay out, and are not taken as deleted', async () => {
    const sim = await simulator({ script: running("printf 'agent\\n' >> in/a.txt") })
    const job = jobFor(sim)
    const origin = join(job.dir, 'origin')
    mkdirSync(origin)
    makeCheckout(origin)
    for (const path of ['in/a.txt', 'out/b.txt']) {
      mkdirSync(join(origin, path, '..'), { recursive: true })
      writeFileSync(join(origin, path), `${path}\n`)
    }
    git(origin, 'add', '-A')
    git(origin, 'commit', '-q', '-m', 'dirs')
    git(job.dir, 'clone', '-q', `file://${origin}`, job.workspace)
    git(job.workspace, 'sparse-checkout', 'set', 'in')
    const before = treeOnDisk(job.workspace)
    const { main } = await runOn(job)

    expect(main.outputs.status).toBe('finished')
    expect(baseTree(sim)).toBe(before)
    const sandboxRepo = join(sim.runtimes[0].sandboxDir, 'workspace', 'project')
    expect(existsSync(join(sandboxRepo, 'out'))).toBe(false)
    expect(main.outputs['changed-files']).toBe('in/a.txt')
    expect(snapshot(job.workspace)).toEqual(snapshot(sandboxRepo))
  })

  it('never lets the persisted checkout token into the sandbox, a submodule’s neither', async () => {
    const sim = await simulator({ script: editingScript })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    // actions/checkout with `submodules: true` persists the token in each submodule's config too.
    const lib = join(job.dir, 'lib')
    mkdirSync(lib)
    git(lib, 'init', '-q', '-b', 'main')
    writeFileSync(join(lib, 'lib.txt'), 'a library\n')
    git(lib, 'add', '-A')
    git(lib, '-c', 'user.name=CI', '-c', 'user.email=ci@example.com', 'commit', '-q', '-m', 'lib')
    git(job.workspace, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', `file://${lib}`, 'lib')
    git(job.workspace, 'commit', '-q', '-m', 'submodule')
    git(
      join(job.workspace, 'lib'),
      'config',
      'http.https://github.com/.extraheader',
      `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
    )
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('finished')
    expect(main.outputs['changed-files'].split('\n')).not.toContain('lib')
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

  it('leaves no copy of the checkout behind when the run fails while it is still being packed', async () => {
    const sim = await simulator({ faults: { podFailed: true } })
    const job = jobFor(sim)
    makeCheckout(job.workspace)
    // Big enough that packing is still under way when the pod fails: 400 files of 64 KB of noise.
    for (let i = 0; i < 400; i++) writeFileSync(join(job.workspace, `noise-${i}.bin`), randomBytes(64 * 1024))
    git(job.workspace, 'add', '-A')
    git(job.workspace, 'commit', '-q', '-m', 'noise')
    const { main } = await runOn(job)
    expect(main.outputs.status).toBe('error')
    expect(main.stdout).toMatch(/failed to start/)
    const runnerTemp = job.env.RUNNER_TEMP
    const left = [runnerTemp, job.env.TMPDIR ?? '']
      .flatMap(dir => (dir && existsSync(dir) ? readdirSync(dir) : []))
      .filter(name => name.startsWith('ohrr-pack-'))
    expect(left).toEqual([])
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
