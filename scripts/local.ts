// `npm run local`: the action's sources (not dist/) under @github/local-action, main then post,
// against the simulator, with inputs from a dotenv file as local-action expects.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../test/harness/runner.js'
import { startSimulator } from '../test/simulator/index.js'

const sim = await startSimulator({ provisioningMs: 500 })
const dir = mkdtempSync(join(tmpdir(), 'ohrr-local-'))
const env = {
  INPUT_PROMPT: 'Say hello from a local run.',
  'INPUT_LLM-API-KEY': 'local-llm-key-not-a-secret',
  'INPUT_RUNTIME-API-URL': sim.url,
  'INPUT_RUNTIME-API-KEY': sim.runtimeApiKey,
  'INPUT_UPLOAD-WORKSPACE': 'false',
  'INPUT_UPLOAD-ARTIFACTS': 'false',
  INPUT_COMMENT: 'false',
  // local-action copies action.yml defaults as written; expressions are the runner's to evaluate.
  INPUT_MATRIX: 'null',
  'INPUT_GITHUB-TOKEN': '',
  RUNNER_TEMP: dir,
  OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${sim.registryUrl}`
}
const envFile = join(dir, '.env')
writeFileSync(
  envFile,
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n'
)

const bin = join(REPO_ROOT, 'node_modules', '.bin', 'local-action')
// Asynchronous: the simulator answers from this same process.
const child = spawn(bin, ['run', REPO_ROOT, 'src/run.ts', envFile, '--post', 'src/cleanup.ts'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
  env: { ...process.env, ...env }
})
const result = await new Promise<{ status: number | null }>(resolve => child.on('close', status => resolve({ status })))
const running = sim.runtimes.filter(r => r.status !== 'stopped').length
const finished = sim.runtimes.length === 1 && [...sim.runtimes[0].conversations.values()][0]?.executionStatus === 'finished'
console.log(`\nlocal-action exited ${result.status}; runtimes started ${sim.runtimes.length}, still running ${running}; conversation finished: ${finished}`)
await sim.close()
rmSync(dir, { recursive: true, force: true })
process.exit(result.status === 0 && running === 0 && finished ? 0 : 1)
