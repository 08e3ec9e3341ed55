// The simulator part's report: the table of figures, the details behind each row, bench.json.
import { cpus } from 'node:os'
import { join } from 'node:path'
import { rmSync, writeFileSync } from 'node:fs'
import { REPO_ROOT } from '../../test/harness/runner.js'
import type { ColdStart } from './cold-start.js'
import { WORK, type Figure } from './common.js'
import { fmt, round } from './numbers.js'
import type { ScriptedRun } from './scripted.js'
import type { StreamRun } from './streaming.js'

/** What bench.json keeps behind the table, in this order. */
export interface Details {
  coldStart: ColdStart['coldStart']
  referencePeakRssMb: number
  bundle: ColdStart['bundle']
  scriptedRuns: ScriptedRun[]
  streaming: { clean: StreamRun[]; dropped: StreamRun }
}

export function report(figures: Figure[], details: Details, benchStarted: number): void {
  const rows = figures.map(f => [
    f.figure,
    `${fmt(f.measured)} ${f.unit}`,
    f.reference === null ? '—' : `${fmt(f.reference)} ${f.unit} (${f.referenceLabel})`,
    f.ratio === null ? '—' : f.figure.startsWith('Overhead') ? `${(f.ratio * 100).toFixed(2)} %` : `${f.ratio.toFixed(2)}×`,
    f.target,
    f.pass ? 'PASS' : 'FAIL'
  ])
  const header = ['figure', 'measured', 'reference', 'ratio', 'target', 'pass/fail']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ')
  const cpu = cpus()
  console.log(`\nOn ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}:\n${line(header)}\n${widths.map(w => '-'.repeat(w)).join('-|-')}`)
  for (const row of rows) console.log(line(row))

  const failed = figures.filter(f => !f.pass)
  console.log(failed.length ? `\nFAIL: ${failed.map(f => f.figure).join('; ')}` : '\nAll targets met.')

  const { coldStart: cold, bundle, scriptedRuns: runs, streaming: streams } = details
  console.log('\nCold start (ms, spawn → first request at the simulator):')
  console.log(`  action    ${cold.actionMs.join(' ')}`)
  console.log(`  reference ${cold.referenceMs.join(' ')}`)
  console.log('Bundle files:')
  for (const f of bundle.files)
    console.log(`  ${f.file.padEnd(22)} ${fmt(f.bytes / 1e6).padStart(6)} MB  ${f.when}${f.holds.length ? ` (holds ${f.holds.join(', ')})` : ''}`)
  console.log('Scripted runs (ms): wall = cold start + before /start + provisioning + readiness lag + setup + agent + wrap-up')
  for (const r of runs) {
    const b = r.breakdownMs
    console.log(
      `  P ${r.provisioningMs}: wall ${r.wallMs} = ${b.coldStart} + ${b.beforeStart} + ${b.provisioning} + ${b.readinessLag} + ${b.setup} + ${b.agent} + ${b.wrapUp};` +
        ` A ${r.agentMs}, overhead ${r.overheadMs}; readiness lag ${r.readinessLagMs} (SDK ${r.sdkLagMs})`
    )
  }
  const mid = runs[1].requests
  console.log(`Requests of one run (P ${runs[1].provisioningMs}): ${mid.runtimeApi} Runtime API, ${mid.agentServer} agent server, ${mid.registry} registry`)
  for (const [name, n] of Object.entries(mid.byRoute)) console.log(`  ${String(n).padStart(3)}  ${name}`)
  console.log(
    `  status polls while provisioning: mean interval ${runs.map(r => r.requests.statusPollMeanIntervalMs).join('/')} ms, shortest ${runs.map(r => r.requests.statusPollMinIntervalMs).join('/')} ms (bound: 500 ms);` +
      ` agent-server requests before ready: ${runs.reduce((n, r) => n + r.requests.agentBeforeReady, 0)};` +
      ` conversation REST polls while the socket streamed: ${runs.reduce((n, r) => n + r.requests.conversationPollsWhileStreaming, 0)}`
  )
  for (const [name, s] of [...streams.clean.map((r, i) => [`clean ${i + 1}`, r] as const), ['dropped', streams.dropped] as const]) {
    console.log(
      `Streaming (${name}): ${s.events} events, events.jsonl ${s.eventsFileMb} MB, ${s.complete ? 'complete and in order' : 'INCOMPLETE OR OUT OF ORDER'}, wall ${s.wallMs} ms;` +
        ` ${fmt(s.actionEventsPerS)} events/s (simulator ${fmt(s.simEventsPerS)}), ${fmt(s.eventsPerCpuS)} events per CPU-second of the action;` +
        ` RSS at 10k/50k/100k events ${s.rssMbAt['10000']}/${s.rssMbAt['50000']}/${s.rssMbAt['100000']} MB, peak ${s.peakRssMb} MB`
    )
    if (name === 'dropped') {
      const d = s.drop
      console.log(
        `  drop after ${d.publishedAtDrop} published; the action resumed from event ${d.resumedFrom}: ${d.searchRequests} events/search requests returned ${d.itemsFetched} events` +
          ` for ${d.missedAtDrop} missed; conversation REST polls ${s.conversationRestPolls} (min interval ${s.conversationRestPollMinIntervalMs ?? '—'} ms)`
      )
    }
  }

  const machine = { cpus: cpu.length, cpuModel: cpu[0]?.model, node: process.version, platform: `${process.platform}-${process.arch}` }
  writeFileSync(
    join(REPO_ROOT, 'bench.json'),
    `${JSON.stringify({ date: new Date().toISOString(), durationS: round((Date.now() - benchStarted) / 1000), machine, figures, details }, null, 2)}\n`
  )
  console.log(`\nWrote bench.json (${round((Date.now() - benchStarted) / 1000)} s).`)
  rmSync(WORK, { recursive: true, force: true })
}
