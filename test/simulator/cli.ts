import { parseArgs } from 'node:util'
import { scripts, startSimulator } from './index.js'

/** `tsx test/simulator/cli.ts [--port N] [--version X] [--provisioning-ms N] [--script NAME] [--verbose]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      version: { type: 'string' },
      'provisioning-ms': { type: 'string' },
      script: { type: 'string', default: 'default' },
      verbose: { type: 'boolean', default: false }
    }
  })
  const script = scripts[values.script ?? 'default']
  if (!script) throw new Error(`Unknown script '${values.script}'. Known: ${Object.keys(scripts).join(', ')}`)
  const sim = await startSimulator({
    port: values.port === undefined ? undefined : Number(values.port),
    serverVersion: values.version,
    provisioningMs: values['provisioning-ms'] === undefined ? undefined : Number(values['provisioning-ms']),
    script,
    log: line => {
      if (values.verbose || line.startsWith('OpenAPI')) console.log(line)
    }
  })
  console.log(`Runtime API listening on ${sim.url} (X-API-Key: ${sim.runtimeApiKey})`)
  const shutdown = () => void sim.close().then(() => process.exit(0))
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
