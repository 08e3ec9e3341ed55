import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startGithubStub, type GithubStub } from '../github/server.js'
import type { AgentScript } from '../simulator/index.js'
import { jobFor, simulator } from './helpers.js'

/**
 * Distinct fake secrets for every secret input, plus sandbox secrets the simulated agent prints
 * (as an agent can, in ways the server's own masking misses). After a run, none of them may be
 * anywhere the action wrote or posted.
 */
const CANARY = {
  llm: 'sk-ant-canaryLLM0000000000000000000001',
  runtime: 'rt-canaryRUNTIME000000000000002',
  github: 'ghs_canaryGITHUB00000000000000000000000003',
  sandboxA: 'canary-sandbox-secret-A-000004',
  sandboxB: 'canary sandbox secret B with spaces 000005'
}

const stubs: GithubStub[] = []
afterEach(async () => {
  await Promise.all(stubs.splice(0).map(stub => stub.close()))
})

const leakyScript = (end: 'finish' | 'error'): AgentScript => ({
  steps: [
    { type: 'llm', cost: 0.002, promptTokens: 900, completionTokens: 40 },
    { type: 'terminal', command: 'env | grep DEPLOY', output: `DEPLOY_TOKEN=${CANARY.sandboxA}\nNOTE=${CANARY.sandboxB}\n`, exitCode: 0 },
    { type: 'message', text: `I found the key ${CANARY.llm} and the runtime key ${CANARY.runtime}.` },
    end === 'finish'
      ? { type: 'finish', message: `Done. Token was ${CANARY.github}; deploy token ${CANARY.sandboxA}.` }
      : { type: 'error', code: 'AgentError', detail: `crashed while holding ${CANARY.sandboxB} and ${CANARY.llm}` }
  ]
})

describe('no secret leaks', () => {
  it.each(['finish', 'error'] as const)('a run that ends in %s leaves no secret anywhere it wrote or posted', async end => {
    const sim = await simulator({ runtimeApiKey: CANARY.runtime, script: leakyScript(end) })
    const gh = await startGithubStub({ token: CANARY.github, permissions: { maintainer: 'write' } })
    stubs.push(gh)
    const event = {
      action: 'created',
      issue: { number: 5, pull_request: {} },
      comment: { body: 'please fix' },
      sender: { login: 'maintainer', type: 'User' },
      repository: { full_name: 'octo-org/octo-repo' }
    }
    const job = jobFor(
      sim,
      { 'llm-api-key': CANARY.llm, 'sandbox-secrets': `DEPLOY_TOKEN=${CANARY.sandboxA}\nNOTE=${CANARY.sandboxB}` },
      { env: { ...gh.env, GITHUB_EVENT_NAME: 'issue_comment' }, event, githubToken: CANARY.github }
    )
    const main = await job.main()
    const post = await job.post()
    expect(main.outputs.status).toBe(end === 'finish' ? 'finished' : 'error')

    const secrets = [...Object.values(CANARY), sim.runtimes[0].sessionApiKey]
    const places: Record<string, string> = {
      'main stdout': main.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n'),
      'main stderr': main.stderr,
      'post stdout': post.stdout,
      GITHUB_OUTPUT: readFileSync(job.files.output, 'utf8'),
      GITHUB_STATE: readFileSync(job.files.state, 'utf8'),
      'step summary': job.summary(),
      'result.json': readFileSync(main.outputs['result-file'], 'utf8'),
      'events.jsonl': readFileSync(main.outputs['events-file'], 'utf8'),
      // No patch is written when the agent changed nothing.
      'changes.patch': main.outputs['patch-file'] ? readFileSync(main.outputs['patch-file'], 'utf8') : '',
      'PR comment (final)': gh.comments.map(c => c.body).join('\n'),
      'PR comment (every edit)': gh.requests.map(r => JSON.stringify(r.body ?? '')).join('\n'),
      artifact: gh.artifacts.flatMap(a => Object.values(a.files).map(f => f.toString('utf8'))).join('\n'),
      'Runtime API /start': JSON.stringify(sim.runtimes[0].startBody)
    }
    expect(gh.comments).toHaveLength(1)
    expect(gh.artifacts).toHaveLength(1)
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${place} holds ${secret}`).toBe(false)
    }
    // The secrets did their job: masked in the log, sandbox secrets through the secrets API, not /start.
    for (const secret of [CANARY.llm, CANARY.runtime, CANARY.github, CANARY.sandboxA, CANARY.sandboxB]) expect(main.stdout).toContain(`::add-mask::${secret}`)
    const conversation = [...sim.runtimes[0].conversations.values()][0]
    expect(Object.fromEntries(conversation.secrets)).toEqual({ DEPLOY_TOKEN: CANARY.sandboxA, NOTE: CANARY.sandboxB })
    expect((sim.runtimes[0].startBody as { environment: object }).environment).toEqual({})
    expect(places['events.jsonl']).toContain('I found the key *** and the runtime key ***.')
  })
})
