import { runPost } from './cleanup.js'
import { failStep } from './log.js'

await runPost().catch(failStep)
process.exit()
