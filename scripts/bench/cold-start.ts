// Cold start and eagerly loaded bundle (BENCHMARKS.md): the built action against a core-only
// bundle, spawned the same way, timed from spawn to the simulator receiving its first request.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { REPO_ROOT, type Job } from '../../test/harness/runner.js'
import type { Simulator } from '../../test/simulator/index.js'
import { ACTION, DIST, WORK, jobFor, mb, procStatus, progress, simulator, type Figure } from './common.js'
import { median } from './numbers.js'

const COLD_RUNS = 31
const COLD_WARMUP = 3
/** Strings that only the code of these modules contains (Octokit's user agent, the artifact service's RPC name). */
const HEAVY_MODULES: Record<string, string> = { Octokit: 'octokit-core.js', '@actions/artifact': 'github.actions.results.api.v1.ArtifactService' }

export interface BundleFile {
  file: string
  bytes: number
  when: 'eager' | 'later in the run' | 'not loaded'
  holds: string[]
}

export interface ColdStart {
  figures: Figure[]
  coldStart: { runs: number; warmup: number; actionMs: number[]; referenceMs: number[]; actionMedianMs: number; referenceMedianMs: number }
  /** Peak RSS of the core-only bundle's process: the floor of the peak RSS figure. */
  referencePeakRssMb: number
  bundle: { eagerBytes: number; referenceBytes: number; files: BundleFile[] }
}

export async function coldStart(): Promise<ColdStart> {
  progress('Building the reference bundle (ncc, flags of scripts/package.js)')
  const referenceDir = join(WORK, 'reference')
  const ncc = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  execFileSync(
    process.execPath,
    [ncc, 'build', join(REPO_ROOT, 'scripts', 'bench-reference.ts'), '-o', referenceDir, '--minify', '--license', 'licenses.txt', '--quiet'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit'
    }
  )
  const reference = join(referenceDir, 'index.js')

  progress(`Cold start: ${COLD_RUNS} interleaved runs of each bundle, start → first request`)
  const sim = await simulator({ provisioningMs: 50 })
  const action: number[] = []
  const floor: number[] = []
  let floorRssKb = 0
  try {
    for (let i = 0; i < COLD_RUNS + COLD_WARMUP; i++) {
      // Alternate which goes first, so neither always runs on a just-warmed machine.
      const pair = i % 2 === 0 ? (['action', 'reference'] as const) : (['reference', 'action'] as const)
      for (const which of pair) {
        const job = jobFor(sim)
        const env: Record<string, string> = which === 'action' ? {} : { INPUT_URL: `${sim.registryUrl}/v2/` }
        const run = await timeToFirstRequest(sim, which === 'action' ? ACTION : reference, job, env)
        rmSync(job.dir, { recursive: true, force: true })
        if (i < COLD_WARMUP) continue
        if (which === 'action') action.push(run.ms)
        else {
          floor.push(run.ms)
          floorRssKb = Math.max(floorRssKb, run.hwmKb)
        }
      }
    }
  } finally {
    await sim.close()
  }
  const ratio = median(action) / median(floor)
  const figures: Figure[] = [
    {
      figure: 'Cold start (start → 1st request)',
      unit: 'ms',
      measured: median(action),
      reference: median(floor),
      referenceLabel: 'core-only bundle',
      ratio,
      target: '≤ 1.2×',
      pass: ratio <= 1.2
    }
  ]

  progress('Bundle: which files of dist/main a run loads, and when')
  const files = await loadedFiles()
  const eagerBytes = files.filter(f => f.when === 'eager').reduce((n, f) => n + f.bytes, 0)
  const referenceBytes = statSync(reference).size
  figures.push({
    figure: 'Eagerly loaded bundle',
    unit: 'MB',
    measured: eagerBytes / 1e6,
    reference: referenceBytes / 1e6,
    referenceLabel: 'core-only bundle',
    ratio: eagerBytes / referenceBytes,
    target: '≤ 1.5 MB',
    pass: eagerBytes <= 1.5e6
  })
  return {
    figures,
    coldStart: {
      runs: COLD_RUNS,
      warmup: COLD_WARMUP,
      actionMs: action,
      referenceMs: floor,
      actionMedianMs: median(action),
      referenceMedianMs: median(floor)
    },
    referencePeakRssMb: mb(floorRssKb),
    bundle: { eagerBytes, referenceBytes, files }
  }
}

/** Spawns a bundle as the runner would and returns the ms from spawn to its first request at the simulator. */
async function timeToFirstRequest(sim: Simulator, bundle: string, job: Job, env: Record<string, string>): Promise<{ ms: number; hwmKb: number }> {
  const childEnv = { ...job.env, ...job.inputEnv(), ...env }
  const index = sim.requests.length
  const started = Date.now()
  const child = spawn(process.execPath, [bundle], { env: childEnv, cwd: job.dir, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.resume()
  child.stderr.resume()
  try {
    const at = await firstRequestFrom(sim, index, child)
    return { ms: at - started, hwmKb: procStatus(child.pid)?.hwmKb ?? 0 }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await once(child, 'close')
    }
  }
}

async function firstRequestFrom(sim: Simulator, index: number, child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 15_000
  while (sim.requests.length <= index) {
    if (Date.now() > deadline) throw new Error(`${basename(String(child.spawnargs[1]))} made no request within 15 s`)
    await sleep(1)
  }
  return sim.requests[index].at
}

/** One default run with an ESM loader hook that logs every file the process loads, with the time. */
async function loadedFiles(): Promise<BundleFile[]> {
  const log = join(WORK, 'loaded-files.txt')
  const hooks = join(WORK, 'load-hooks.mjs')
  const register = join(WORK, 'register-hooks.mjs')
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs'\n` +
      `export async function load(url, context, next) {\n` +
      `  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, Date.now() + ' ' + url + '\\n')\n` +
      `  return next(url, context)\n}\n`
  )
  writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
  writeFileSync(log, '')
  const sim = await simulator({ provisioningMs: 50 })
  try {
    const job = jobFor(sim, {}, { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` })
    await job.main()
    rmSync(job.dir, { recursive: true, force: true })
    const firstRequestAt = sim.requests[0]?.at ?? Infinity
    const loads = new Map<string, number>()
    for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      const [at, url] = line.split(' ')
      const file = fileURLToPath(url)
      if (!loads.has(file)) loads.set(file, Number(at))
    }
    return readdirSync(DIST)
      .filter(name => name.endsWith('.js'))
      .map(name => {
        const file = join(DIST, name)
        const at = loads.get(file)
        const text = readFileSync(file, 'utf8')
        const holds = Object.entries(HEAVY_MODULES)
          .filter(([, marker]) => text.includes(marker))
          .map(([name]) => name)
        const when = at === undefined ? ('not loaded' as const) : at <= firstRequestAt ? ('eager' as const) : ('later in the run' as const)
        return { file: `dist/main/${name}`, bytes: statSync(file).size, when, holds }
      })
  } finally {
    await sim.close()
  }
}
