import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readGithubContext, type GithubContext } from '../../src/github-context.js'
import { InputError, readSettings } from '../../src/inputs.js'
import { messageList } from '../../src/input-rules.js'
import { canonicalMatrix, defaultImage, sessionId, sessionPrefix } from '../../src/naming.js'

const ctx = (over: Partial<GithubContext> = {}): GithubContext => ({
  eventName: 'push',
  event: {},
  sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  repository: 'octo-org/octo-repo',
  runId: '4242',
  runAttempt: 1,
  job: 'agent',
  workflow: 'agent',
  serverUrl: 'https://github.com',
  workspace: '/tmp',
  runnerTemp: '/tmp/runner',
  ...over
})

/** The inputs as the runner gives them (INPUT_* variables), for one call. */
const reader = (inputs: Record<string, string>) => inputs
async function readSettingsFrom(inputs: Record<string, string>, context: GithubContext) {
  const names = Object.keys(process.env).filter(name => name.startsWith('INPUT_'))
  const saved = Object.fromEntries(names.map(name => [name, process.env[name]]))
  for (const name of names) delete process.env[name]
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  try {
    return await readSettings(context)
  } finally {
    for (const name of Object.keys(process.env).filter(name => name.startsWith('INPUT_'))) delete process.env[name]
    Object.assign(process.env, saved)
  }
}
const followUps = (value: string) => messageList('follow-up', value)
const valid = { prompt: 'Fix the bug', 'llm-api-key': 'sk-llm-0123456789', 'runtime-api-key': 'rt-0123456789' }

describe('readSettings', () => {
  it('reads the baseline inputs of mode aggregate, with their defaults, and names a bad one', async () => {
    const plain = await readSettingsFrom(reader({ mode: 'aggregate' }), ctx())
    expect(plain.aggregate).toMatchObject({ baseline: null, costChangeThreshold: 25, failOnRegression: false })
    const nightly = await readSettingsFrom(
      reader({ mode: 'aggregate', baseline: ' baseline/**/aggregate.json ', 'cost-change-threshold': '10.5', 'fail-on-regression': 'true' }),
      ctx()
    )
    expect(nightly.aggregate).toMatchObject({ baseline: 'baseline/**/aggregate.json', costChangeThreshold: 10.5, failOnRegression: true })
    await expect(readSettingsFrom(reader({ mode: 'aggregate', 'cost-change-threshold': '25%', 'fail-on-regression': 'yes' }), ctx())).rejects.toThrow(
      /Input 'cost-change-threshold' must be a number greater than 0[\s\S]*Input 'fail-on-regression' must be true or false; got 'yes'/
    )
  })

  it('applies the documented defaults', async () => {
    const s = await readSettingsFrom(reader(valid), ctx())
    expect(s).toMatchObject({
      prompt: 'Fix the bug',
      llm: { model: 'anthropic/claude-sonnet-4-5-20250929', baseUrl: null },
      runtimeApi: { url: 'https://runtime.eval.all-hands.dev' },
      image: 'ghcr.io/openhands/agent-server:a1b2c3d-python-amd64',
      imagePullPolicy: 'IfNotPresent',
      resourceFactor: 1,
      startupTimeoutMs: 600_000,
      runTimeoutMs: 3_600_000,
      maxIterations: 500,
      workingDir: '/workspace/project',
      onExit: 'stop'
    })
    expect(s.sessionId).toMatch(/^ohrr-[0-9a-f]{8}-4242-agent-[0-9a-f]{8}$/)
    expect(s.outputDir.startsWith('/tmp/runner/openhands-remote-run/')).toBe(true)
  })

  it('names every bad input at once, without calling anything', async () => {
    const bad = { ...valid, 'resource-factor': '3', 'startup-timeout': '-5', 'on-exit': 'explode', 'working-dir': 'relative/dir', 'runtime-api-url': 'ftp://x' }
    await expect(readSettingsFrom(reader(bad), ctx())).rejects.toThrowError(InputError)
    try {
      await readSettingsFrom(reader(bad), ctx())
    } catch (err) {
      const message = (err as Error).message
      for (const name of ['resource-factor', 'startup-timeout', 'on-exit', 'working-dir', 'runtime-api-url']) expect(message).toContain(`'${name}'`)
    }
  })

  it("refuses a working-dir that holds the agent server's own data (/workspace/conversations, /workspace/bash_events)", async () => {
    for (const dir of ['/workspace', '/workspace/', '/workspace/conversations', '/workspace/bash_events/x']) {
      await expect(readSettingsFrom(reader({ ...valid, 'working-dir': dir }), ctx()), dir).rejects.toThrowError(
        /'working-dir' must not hold the agent server's own data/
      )
    }
    for (const dir of ['/workspace/project', '/workspace/conversations-app', '/srv/repo']) {
      expect((await readSettingsFrom(reader({ ...valid, 'working-dir': dir }), ctx())).workingDir).toBe(dir)
    }
  })

  it('builds the default agent with its condenser unless condenser is false', async () => {
    expect((await readSettingsFrom(reader(valid), ctx())).agent).toEqual({ kind: 'openhands', condenser: true })
    expect((await readSettingsFrom(reader({ ...valid, condenser: 'false' }), ctx())).agent).toEqual({ kind: 'openhands', condenser: false })
    await expect(readSettingsFrom(reader({ ...valid, condenser: 'maybe' }), ctx())).rejects.toThrowError(/'condenser'/)
  })

  it('requires both keys and a prompt', async () => {
    await expect(readSettingsFrom(reader({}), ctx())).rejects.toThrowError(/'llm-api-key' is required[\s\S]*'runtime-api-key' is required|'runtime-api-key'/)
    await expect(readSettingsFrom(reader({ ...valid, prompt: '' }), ctx())).rejects.toThrowError(/'prompt' or 'prompt-file' is required/)
    await expect(readSettingsFrom(reader({ ...valid, 'prompt-file': 'x.md' }), ctx())).rejects.toThrowError(/exclusive/)
  })

  it('reads prompt-file relative to the workspace and rejects a missing one', async () => {
    await expect(readSettingsFrom(reader({ ...valid, prompt: '', 'prompt-file': 'nope.md' }), ctx())).rejects.toThrowError(
      /'prompt-file': cannot read 'nope.md' \(ENOENT\)/
    )
  })

  it('never puts a secret into an error message', async () => {
    const secret = 'sk-very-secret-value-999'
    try {
      await readSettingsFrom(reader({ ...valid, 'llm-api-key': secret, 'llm-model': 'has space' }), ctx())
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).not.toContain(secret)
      expect((err as Error).message).toContain("'llm-model'")
    }
  })

  it('accepts the documented enumerations case-insensitively and normalises them', async () => {
    const s = await readSettingsFrom(
      reader({ ...valid, 'image-pull-policy': 'always', 'on-exit': 'PAUSE', 'resource-factor': '8', 'runtime-api-url': 'http://127.0.0.1:9/' }),
      ctx()
    )
    expect([s.imagePullPolicy, s.onExit, s.resourceFactor, s.runtimeApi.url]).toEqual(['Always', 'pause', 8, 'http://127.0.0.1:9'])
  })
})

describe('defaultImage', () => {
  it('uses the PR head SHA on pull_request events, not the merge commit', async () => {
    const event = { pull_request: { head: { sha: 'fedcba9876543210fedcba9876543210fedcba98' } } }
    expect(defaultImage(ctx({ eventName: 'pull_request', event }))).toBe('ghcr.io/openhands/agent-server:fedcba9-python-amd64')
    expect(defaultImage(ctx({ eventName: 'pull_request_target', event }))).toBe('ghcr.io/openhands/agent-server:fedcba9-python-amd64')
  })
  it('uses GITHUB_SHA elsewhere, and main without one', async () => {
    expect(defaultImage(ctx())).toBe('ghcr.io/openhands/agent-server:a1b2c3d-python-amd64')
    expect(defaultImage(ctx({ sha: '' }))).toBe('ghcr.io/openhands/agent-server:main-python-amd64')
  })
})

describe('sessionId', () => {
  it('is deterministic per cell and differs between cells', async () => {
    const cell = (json: string) => canonicalMatrix(json)
    const a = sessionId('', ctx(), cell('{"task":"a","model":"x"}'))
    expect(sessionId('', ctx(), cell('{"model":"x","task":"a"}'))).toBe(a)
    expect(sessionId('', ctx(), cell('{"task":"b","model":"x"}'))).not.toBe(a)
    expect(sessionId('', ctx({ job: 'other' }), cell('{"task":"a","model":"x"}'))).not.toBe(a)
    expect(a.startsWith(sessionPrefix('octo-org/octo-repo'))).toBe(true)
    expect(sessionPrefix('octo-org/other')).not.toBe(sessionPrefix('octo-org/octo-repo'))
  })
  it('rejects malformed ids and matrix values', async () => {
    expect(() => sessionId('has space', ctx(), 'null')).toThrowError(/'session-id'/)
    expect(() => canonicalMatrix('{nope')).toThrowError(/'matrix' must be JSON/)
    expect(sessionId('my-session_1.2', ctx(), 'null')).toBe('my-session_1.2')
  })
})

describe('followUps', () => {
  it('reads one message per line, or a YAML list whose items may span lines', async () => {
    expect(await followUps('')).toEqual([])
    expect(await followUps('first\n\nsecond\n')).toEqual(['first', 'second'])
    // YAML folds a plain item's continuation lines with a space; `- |` keeps the line breaks.
    expect(await followUps('- first\n- "second: quoted"\n- third\n  continues here\n')).toEqual(['first', 'second: quoted', 'third continues here'])
    expect(await followUps('- |\n  third\n  continues here\n- fourth\n')).toEqual(['third\ncontinues here', 'fourth'])
  })

  it('parses a flow list as a list, and refuses nested items or broken YAML naming the input', async () => {
    expect(await followUps('[first, "second, with a comma"]')).toEqual(['first', 'second, with a comma'])
    await expect(followUps('- first\n- - nested\n')).rejects.toThrowError("Input 'follow-up', item 2: a message must be text, not a list.")
    await expect(followUps('- first\n- key: value\n')).rejects.toThrowError("Input 'follow-up', item 2: a message must be text, not a mapping.")
    await expect(followUps('[first, second')).rejects.toThrowError(/^Input 'follow-up' is not a valid YAML list/)
  })
})

describe('inputs that are legal but odd', () => {
  it('refuses working-dir / and other system directories, naming the input', async () => {
    for (const dir of ['/', '//', '/usr', '/etc/', '/proc/1', '/tmp']) {
      await expect(readSettingsFrom(reader({ ...valid, 'working-dir': dir }), ctx())).rejects.toThrowError(/Input 'working-dir' must be a project directory/)
    }
    expect((await readSettingsFrom(reader({ ...valid, 'working-dir': '/srv/app' }), ctx())).workingDir).toBe('/srv/app')
    expect((await readSettingsFrom(reader({ ...valid, 'working-dir': '/home/user/project' }), ctx())).workingDir).toBe('/home/user/project')
  })

  it('warns when a key would travel over plain http:// to another machine', async () => {
    const remote = await readSettingsFrom(
      reader({ ...valid, 'runtime-api-url': 'http://runtime.example.com', 'llm-base-url': 'http://llm.example.com/v1' }),
      ctx()
    )
    expect(remote.notices).toEqual([
      "Input 'runtime-api-url' is plain http:// to runtime.example.com: the API key travels in clear text. Use https://.",
      "Input 'llm-base-url' is plain http:// to llm.example.com: the API key travels in clear text. Use https://."
    ])
    expect(
      (await readSettingsFrom(reader({ ...valid, 'runtime-api-url': 'http://127.0.0.1:8000', 'llm-base-url': 'https://llm.example.com' }), ctx())).notices
    ).toEqual([])
  })

  it('refuses a sandbox secret given twice, and keeps a value exactly as written after the =', async () => {
    await expect(readSettingsFrom(reader({ ...valid, 'sandbox-secrets': 'TOKEN=abcd1234\nTOKEN=efgh5678' }), ctx())).rejects.toThrowError(
      "Input 'sandbox-secrets', line 2: TOKEN is given twice."
    )
    expect((await readSettingsFrom(reader({ ...valid, 'sandbox-secrets': ' TOKEN = spaced value ' }), ctx())).sandboxSecrets).toEqual({
      TOKEN: ' spaced value '
    })
  })
})

describe('the event payload', () => {
  it('fails on pull_request and comment events when GITHUB_EVENT_PATH cannot be read, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ohrr-event-'))
    try {
      const broken = join(dir, 'event.json')
      writeFileSync(broken, '{"pull_request": ')
      expect(() => readGithubContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'missing.json') })).toThrowError(
        `Cannot read the pull_request event payload GITHUB_EVENT_PATH '${join(dir, 'missing.json')}' (ENOENT).`
      )
      expect(() => readGithubContext({ GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: broken })).toThrowError(
        `Cannot read the issue_comment event payload GITHUB_EVENT_PATH '${broken}'`
      )
      expect(readGithubContext({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: broken }).event).toEqual({})
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
