import { failStep } from './log.js'
import { runMain } from './run.js'

// Exit once done: an open keep-alive socket must not hold the job step.
await runMain().catch(failStep)
process.exit()
