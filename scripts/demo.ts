// `npm run demo`: the built action (main, then post with the saved state) against the local
// simulator, with no keys and no network. Prints what a user sees in the job log.
import { Job } from '../test/harness/runner.js'
import { startSimulator } from '../test/simulator/index.js'

const sim = await startSimulator({ provisioningMs: 1_500 })
const job = new Job({
  inputs: {
    prompt: 'The test in tests/test_app.py fails. Find the bug and fix it.',
    'llm-api-key': 'demo-llm-key-not-a-secret',
    'runtime-api-url': sim.url,
    'runtime-api-key': sim.runtimeApiKey
  },
  env: { OPENHANDS_REGISTRY_MIRROR: `ghcr.io=${sim.registryUrl}` },
  echo: true
})

console.log(`Simulated Runtime API at ${sim.url}\n\n=== main step ===`)
const main = await job.main()
console.log('\n=== post step ===')
const post = await job.post()

console.log('\n=== outputs ===')
for (const [name, value] of Object.entries(main.outputs)) console.log(`${name.padEnd(18)} ${value.replace(/\n/g, '\n' + ' '.repeat(19))}`)
const running = sim.runtimes.filter(r => r.status !== 'stopped').length
console.log(`\nRuntimes started: ${sim.runtimes.length}, still running: ${running}. Main exited ${main.code}, post exited ${post.code}.`)
console.log(`The job's files (events.jsonl, result.json, the summary) are kept in ${job.dir}; remove it when done.`)
await sim.close()
process.exit(main.code === 0 && post.code === 0 && running === 0 ? 0 : 1)
