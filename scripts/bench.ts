// `npm run bench`: what the built action (dist/main/index.js) adds to a run, measured on the
// simulator, each figure beside its reference from the same run. Prints a table, then details,
// and writes bench.json; then the action against the SDK's own client on real agent servers
// (scripts/bench/sdk.ts), which ends with the `vs SDK client` line. Exits 1 when a target of
// either is missed. BENCH_SDK=0 leaves the SDK comparison out. BENCHMARKS.md explains every figure;
// each benchmark is a module of scripts/bench/.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { coldStart } from './bench/cold-start.js'
import { ACTION, WORK } from './bench/common.js'
import { report } from './bench/report.js'
import { requestEconomyFigures, scriptedRuns } from './bench/scripted.js'
import { RELEASE } from './bench/sdk-run.js'
import { sdkBench } from './bench/sdk.js'
import { streaming } from './bench/streaming.js'

const benchStarted = Date.now()
if (!existsSync(ACTION)) {
  console.error(`${ACTION} is missing: build the action first with \`npm run package\`.`)
  process.exit(1)
}
rmSync(WORK, { recursive: true, force: true })
mkdirSync(WORK, { recursive: true })
const cold = await coldStart()
const scripted = await scriptedRuns()
const streams = await streaming(cold.referencePeakRssMb)
const figures = [...cold.figures, ...scripted.figures, ...streams.figures, ...requestEconomyFigures(scripted.runs, streams.dropped)]
report(
  figures,
  {
    coldStart: cold.coldStart,
    referencePeakRssMb: cold.referencePeakRssMb,
    bundle: cold.bundle,
    scriptedRuns: scripted.runs,
    streaming: { clean: streams.clean, dropped: streams.dropped }
  },
  benchStarted
)
const skipSdk = process.env.BENCH_SDK === '0'
if (skipSdk) console.log(`\nvs SDK client ${RELEASE}: skipped (BENCH_SDK=0); its targets are unverified.`)
const sdkTargetsMet = skipSdk || (await sdkBench())
if (figures.some(f => !f.pass) || !sdkTargetsMet) process.exitCode = 1
