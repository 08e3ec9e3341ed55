// The SDK comparison's report: one table of both sides, the details behind it, bench-sdk.json,
// and the closing `vs SDK client` line that `npm run bench` ends with.
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../../test/harness/runner.js'
import { fmt as formatNumber, median, round } from './numbers.js'
import { SIDES, type Run, type Side } from './sdk-measure.js'
import { loadAtRunStarts, RELEASE, SIGTERM_AFTER_MS } from './sdk-run.js'

interface Row {
  figure: string
  action: string
  sdk: string
  ratio: number | null
  target: string
  pass: boolean | null
}

export interface SdkRuns {
  main: Record<Side, Run[]>
  lag: Record<number, Record<Side, Run[]>>
  bulk: Record<Side, Run[]>
  cancel: Record<Side, Run[]>
  upload: Record<Side, Run[]>
}

/** What the scenarios were, for the labels, and what the report writes beside the runs. */
export interface SdkSetup {
  runsPerSide: number
  provisioningMs: number
  checkoutBytes: number
  /** One line per run, in order. */
  log: string[]
  startedAt: number
}

/** Prints the table, the details and the closing `vs SDK client` line, writes bench-sdk.json; true when every target is met. */
export function report(all: SdkRuns, setup: SdkSetup): boolean {
  const { runsPerSide, provisioningMs, checkoutBytes, log, startedAt } = setup
  const { main, lag, bulk, cancel, upload } = all
  const rows: Row[] = []
  const stat = (runs: Run[], key: (r: Run) => number): { median: number; min: number; max: number } => {
    const values = runs.map(key)
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
  }
  const spread = (s: { median: number; min: number; max: number }, unit: string): string => `${fmt(s.median)} ${unit} [${fmt(s.min)}–${fmt(s.max)}]`
  const failedRuns = [
    ...main.action,
    ...main.sdk,
    ...Object.values(lag).flatMap(r => [...r.action, ...r.sdk]),
    ...bulk.action,
    ...bulk.sdk,
    ...upload.action
  ].filter(r => r.exitCode !== 0)

  const overhead = { action: stat(main.action, r => r.overheadMs), sdk: stat(main.sdk, r => r.overheadMs) }
  const overheadRatio = overhead.action.median / overhead.sdk.median
  rows.push({
    figure: `Overhead wall − (P + A), P ${provisioningMs / 1000} s, A ~10 s`,
    action: spread(overhead.action, 'ms'),
    sdk: spread(overhead.sdk, 'ms'),
    ratio: overheadRatio,
    target: '≤ 0.5× and ≤ 300 ms',
    pass: overheadRatio <= 0.5 && overhead.action.median <= 300
  })
  rows.push({
    figure: '  of which: start → first request',
    action: spread(
      stat(main.action, r => r.startToFirstRequestMs),
      'ms'
    ),
    sdk: spread(
      stat(main.sdk, r => r.startToFirstRequestMs),
      'ms'
    ),
    ratio: median(main.action.map(r => r.startToFirstRequestMs)) / median(main.sdk.map(r => r.startToFirstRequestMs)),
    target: '—',
    pass: null
  })
  const lagRatios: number[] = []
  for (const [readyAtMs, runs] of Object.entries(lag)) {
    const a = stat(runs.action, r => r.readinessLagMs)
    const s = stat(runs.sdk, r => r.readinessLagMs)
    lagRatios.push(a.median / s.median)
    rows.push({
      figure: `Readiness lag, pod ready at ${Number(readyAtMs) / 1000} s`,
      action: spread(a, 'ms'),
      sdk: spread(s, 'ms'),
      ratio: a.median / s.median,
      target: '≤ 0.25×',
      pass: a.median / s.median <= 0.25
    })
  }
  const requests = { action: stat(main.action, r => r.runtimeRequests), sdk: stat(main.sdk, r => r.runtimeRequests) }
  const requestsRatio = requests.action.median / requests.sdk.median
  rows.push({
    figure: `Runtime API requests / run (P ${provisioningMs / 1000} s)`,
    action: spread(requests.action, ''),
    sdk: spread(requests.sdk, ''),
    ratio: requestsRatio,
    target: '≤ 2×',
    pass: requestsRatio <= 2
  })
  const agent = { action: stat(main.action, r => r.agentRequests), sdk: stat(main.sdk, r => r.agentRequests) }
  rows.push({
    figure: `Agent-server requests / run (P ${provisioningMs / 1000} s)`,
    action: spread(agent.action, ''),
    sdk: spread(agent.sdk, ''),
    ratio: agent.action.median / agent.sdk.median,
    target: '—',
    pass: null
  })
  const rss = { action: stat(main.action, r => r.peakRssMb), sdk: stat(main.sdk, r => r.peakRssMb) }
  rows.push({
    figure: 'Peak RSS of the client process',
    action: spread(rss.action, 'MB'),
    sdk: spread(rss.sdk, 'MB'),
    ratio: rss.action.median / rss.sdk.median,
    target: '—',
    pass: null
  })
  const ev = (runs: Run[]): string => {
    const e = runs.map(r => r.events)
    if (e.some(x => !x)) return 'no events read'
    const sum = (k: 'server' | 'delivered' | 'lost' | 'duplicated' | 'extra'): number => e.reduce((n, x) => n + x![k], 0)
    return `${sum('delivered')}/${sum('server')} delivered, ${sum('lost')} lost, ${sum('duplicated')} dup`
  }
  const clean = (runs: Run[]): boolean => runs.every(r => r.events && r.events.lost === 0 && r.events.duplicated === 0 && r.events.extra === 0)
  rows.push({
    figure: `~2 000-event run (${runsPerSide} runs, vs REST search)`,
    action: ev(bulk.action),
    sdk: ev(bulk.sdk),
    ratio: null,
    target: 'none lost or duplicated',
    pass: clean(bulk.action)
  })
  const stopped = (runs: Run[]): string => {
    const times = runs.map(r => r.cancel?.stoppedAfterSigintMs)
    const all = times.every(t => t !== null && t !== undefined)
    const known = times.filter((t): t is number => typeof t === 'number')
    return all
      ? `${runs.length}/${runs.length} stopped, ${spread(
          stat(runs, r => r.cancel!.stoppedAfterSigintMs!),
          'ms'
        )}`
      : `${known.length}/${runs.length} stopped`
  }
  rows.push({
    figure: 'Cancel: runtime stopped after SIGINT',
    action: stopped(cancel.action),
    sdk: stopped(cancel.sdk),
    ratio: null,
    target: 'every run ≤ 7,500 ms',
    pass: cancel.action.every(r => r.cancel?.stopped && r.cancel.stoppedAfterSigintMs !== null && r.cancel.stoppedAfterSigintMs <= SIGTERM_AFTER_MS)
  })
  const prompt = { action: stat(upload.action, r => r.readyToPromptMs), sdk: stat(main.sdk, r => r.readyToPromptMs) }
  rows.push({
    figure: `Ready → prompt sent, ${checkoutBytes / 1e6} MB checkout (SDK: no upload)`,
    action: spread(prompt.action, 'ms'),
    sdk: spread(prompt.sdk, 'ms'),
    ratio: prompt.action.median / prompt.sdk.median,
    target: '≤ 1,000 ms',
    pass: prompt.action.median <= 1_000
  })
  rows.push({
    figure: '  the same without a checkout',
    action: spread(
      stat(main.action, r => r.readyToPromptMs),
      'ms'
    ),
    sdk: spread(prompt.sdk, 'ms'),
    ratio: median(main.action.map(r => r.readyToPromptMs)) / prompt.sdk.median,
    target: '—',
    pass: null
  })

  const header = ['figure', 'action', 'SDK client', 'ratio', 'target', 'pass']
  const cells = rows.map(r => [
    r.figure,
    r.action,
    r.sdk,
    r.ratio === null || !Number.isFinite(r.ratio) ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)))
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i])).join(' | ')
  const cpu = cpus()
  const load = loadAtRunStarts
  const loadAverages = load.map(l => l.toFixed(1))
  console.log(
    `\nvs SDK client: agent server, openhands-sdk and openhands-workspace ${RELEASE}; on ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version},` +
      ` ${new Date().toISOString().slice(0, 10)}; load average at the runs' starts ${median(load).toFixed(1)} [${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}].` +
      ` Medians [min–max] of ${runsPerSide} interleaved runs.`
  )
  console.log(`${line(header)}\n${widths.map(w => '-'.repeat(w)).join('-|-')}`)
  for (const c of cells) console.log(line(c))

  console.log('\nRequests of the median-overhead run of each side (P 5 s), by route:')
  for (const side of SIDES) {
    const run = [...main[side]].sort((a, b) => a.overheadMs - b.overheadMs)[1] ?? main[side][0]
    console.log(
      `  ${side}: Runtime API ${JSON.stringify(run.runtimeRoutes)}; agent server ${JSON.stringify(run.agentRoutes)}; 503s before ready ${run.refusedBeforeReady}`
    )
  }
  for (const side of SIDES) {
    console.log(
      `  ${side} runs (P 5 s): ` +
        main[side]
          .map(
            r =>
              `wall ${r.wallMs} = P ${fmt(r.provisionedMs)} (server up ${fmt(r.serverUpMs)}) + A ${fmt(r.agentMs)} + ${fmt(r.overheadMs)}; lag ${fmt(r.readinessLagMs)}, first call ${fmt(r.readyToFirstCallMs)}, prompt ${fmt(r.readyToPromptMs)}; LLM ${r.llmRequests} (+${r.titleCalls} title); cost ${r.cost}`
          )
          .join(' | ')
    )
  }
  for (const side of SIDES) {
    console.log(
      `  cancel, ${side}: ` +
        cancel[side]
          .map(
            r =>
              `stopped ${r.cancel?.stopped ? `at +${r.cancel.stoppedAfterSigintMs} ms` : 'no'}, exited at +${fmt(r.cancel?.exitedAfterSigintMs ?? NaN)} ms, signals ${r.cancel?.signals.join(', ')}, agent interrupted ${r.cancel?.interrupted ? 'yes' : 'no'}`
          )
          .join(' | ')
    )
  }
  for (const side of SIDES) console.log(`  events, ${side}: ${bulk[side].map(r => JSON.stringify(r.events)).join(' ')}`)
  if (failedRuns.length) console.log(`  runs that did not exit 0: ${failedRuns.map(r => `${r.side} (exit ${r.exitCode})`).join(', ')}`)

  const judged = rows.filter(r => r.pass !== null)
  const pass = judged.every(r => r.pass) && failedRuns.length === 0
  writeFileSync(
    join(REPO_ROOT, 'bench-sdk.json'),
    `${JSON.stringify({ date: new Date().toISOString(), durationS: round((Date.now() - startedAt) / 1000), release: RELEASE, loadAverages, rows, runs: all, log }, null, 2)}\n`
  )
  const failed = judged.filter(r => !r.pass).map(r => r.figure.trim())
  console.log(
    failed.length || failedRuns.length ? `\nFAIL: ${[...failed, ...(failedRuns.length ? ['runs that did not exit 0'] : [])].join('; ')}` : '\nAll targets met.'
  )
  console.log(`Wrote bench-sdk.json (${round((Date.now() - startedAt) / 1000)} s).`)
  console.log(
    `vs SDK client ${RELEASE}: overhead ${overheadRatio.toFixed(2)}x, readiness lag ${Math.max(...lagRatios).toFixed(2)}x, runtime requests ${requestsRatio.toFixed(2)}x`
  )
  return pass
}

const fmt = (n: number): string => formatNumber(n, 0)
