// `npm run demo`: the built action (main, then post with the saved state) on a pull request whose
// test fails, with no keys and no network. The agent fixes the bug: with the real OpenHands agent
// server and a scripted LLM when `npm run real-server:setup` has installed it (root on Linux),
// else with the simulator. The patch is applied, the test passes on the "runner", and the demo
// prints the step summary and the PR comment as a user would see them.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGithubStub } from '../test/github/server.js'
import { pullRequestEvent } from '../test/harness/fixtures.js'
import { Job } from '../test/harness/runner.js'
import { failingCheckout, fixScript } from '../test/real/fixtures.js'
import { LLM_MODEL, startScriptedLlm } from '../test/real/llm.js'
import { RELEASES, installedRelease } from '../test/real/releases.js'
import { startRealRuntimeApi } from '../test/real/runtime-api.js'
import { startSimulator, type AgentScript } from '../test/simulator/index.js'

const PROMPT = 'The test in test_calc.py fails. Find the bug and fix it.'
const release = RELEASES.newest
const real = process.platform === 'linux' && process.getuid?.() === 0 && installedRelease(release) !== undefined

/** The simulator's agent does the same fix as the scripted LLM drives the real one to do. */
const simulatedFix: AgentScript = {
  steps: [
    { type: 'llm', cost: 0.0004, promptTokens: 2_100, completionTokens: 60 },
    { type: 'terminal', command: 'python3 test_calc.py', output: 'AssertionError: add(2, 3) = -1\n', exitCode: 1 },
    { type: 'llm', cost: 0.0005, promptTokens: 2_600, completionTokens: 90 },
    { type: 'edit', path: 'calc.py', content: 'def add(a, b):\n    return a + b\n' },
    { type: 'llm', cost: 0.0005, promptTokens: 3_000, completionTokens: 50 },
    { type: 'terminal', command: 'python3 test_calc.py', output: 'ok\n', exitCode: 0 },
    { type: 'llm', cost: 0.0005, promptTokens: 3_200, completionTokens: 40 },
    { type: 'finish', message: 'add() subtracted; it adds now and test_calc.py passes.' }
  ]
}

const closers: Array<() => Promise<void>> = []
let backend: { inputs: Record<string, string>; env: Record<string, string>; label: string }
if (real) {
  const llm = await startScriptedLlm(fixScript())
  const api = await startRealRuntimeApi(release)
  closers.push(
    () => llm.close(),
    () => api.close()
  )
  backend = {
    inputs: { 'runtime-api-url': api.url, 'runtime-api-key': api.runtimeApiKey, 'llm-model': LLM_MODEL, 'llm-base-url': llm.baseUrl },
    env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${api.registryUrl}` },
    label: `the real OpenHands agent server ${release} (a scripted LLM on 127.0.0.1, a simulated Runtime API)`
  }
} else {
  const sim = await startSimulator({ provisioningMs: 1_500, script: simulatedFix })
  closers.push(() => sim.close())
  backend = {
    inputs: { 'runtime-api-url': sim.url, 'runtime-api-key': sim.runtimeApiKey },
    env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${sim.registryUrl}` },
    label: 'the simulator (npm run real-server:setup installs the real agent server, which the demo then uses)'
  }
}
const gh = await startGithubStub({ permissions: { octocat: 'write' } })
closers.push(() => gh.close())

const job = new Job({
  inputs: { prompt: PROMPT, 'llm-api-key': 'demo-llm-key-not-a-secret', 'startup-timeout': '120', ...backend.inputs },
  env: { ...backend.env, ...gh.env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_WORKFLOW: 'agent', GITHUB_RUN_ID: '777' },
  event: pullRequestEvent(7, 'octocat'),
  githubToken: gh.token,
  echo: true
})
failingCheckout(job.workspace)
const runTest = (): { ok: boolean; output: string } => {
  const run = spawnSync('python3', ['test_calc.py'], { cwd: job.workspace, encoding: 'utf8' })
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim().split('\n').at(-1) ?? '' }
}

const before = runTest()
console.log(
  `Pull request #7 of octo-org/octo-repo: test_calc.py ${before.ok ? 'passes' : `fails (${before.output})`}.\nThe agent runs on ${backend.label}.\n\n=== main step ===`
)
const main = await job.main()
console.log('\n=== post step ===')
const post = await job.post()

console.log('\n=== outputs ===')
for (const [name, value] of Object.entries(main.outputs)) console.log(`${name.padEnd(18)} ${value.replace(/\n/g, '\n' + ' '.repeat(19))}`)
const after = runTest()
const diff = execFileSync('git', ['diff', '--stat'], { cwd: job.workspace, encoding: 'utf8' }).trim()
console.log(`\n=== the runner's checkout after the step ===\n${diff || '(unchanged)'}\ntest_calc.py ${after.ok ? 'passes' : `still fails (${after.output})`}.`)
console.log(`\n=== step summary (${job.files.summary}) ===\n${job.summary()}`)
const comment = gh.comments.at(-1)
console.log(`\n=== PR comment (${comment?.html_url ?? 'none posted'}) ===\n${comment?.body ?? ''}`)
console.log(
  `\n=== files ===\nresult.json  ${main.outputs['result-file']}\nevents.jsonl ${main.outputs['events-file']}\npatch        ${main.outputs['patch-file']}`
)
console.log(`checkout     ${job.workspace}\nThe demo keeps its job folder: ${job.dir} (remove it with rm -r).`)

await Promise.all(closers.map(close => close()))
const ok = main.code === 0 && post.code === 0 && !before.ok && after.ok && readFileSync(join(job.workspace, 'calc.py'), 'utf8').includes('a + b')
console.log(`\nDemo ${ok ? 'passed' : 'FAILED'}: main exited ${main.code}, post ${post.code}; ran against ${backend.label}.`)
process.exit(ok ? 0 : 1)
