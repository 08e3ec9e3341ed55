// Streaming (BENCHMARKS.md): throughput, memory and the re-fetch after a WebSocket drop, with
// 100 007 events sampled every 50 ms from the action's events.jsonl and /proc.
import { closeSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { bulkScript } from '../../test/simulator/index.js'
import { agentWindow, firstConversation, jobFor, mb, medianBy, procStatus, progress, route, simulator, type Figure } from './common.js'
import { round } from './numbers.js'

const STREAM_DROP_AT = 90_000
const STREAM_RUNS = 3

export type StreamRun = Awaited<ReturnType<typeof streamRun>>

/** The clean runs and the one with the drop; `referencePeakRssMb` is the floor of the peak RSS figure. */
export async function streaming(referencePeakRssMb: number): Promise<{ figures: Figure[]; clean: StreamRun[]; dropped: StreamRun }> {
  const clean: StreamRun[] = []
  for (let i = 1; i <= STREAM_RUNS; i++) {
    progress(`Streaming ${i}/${STREAM_RUNS}: 100 000 events (one observation in a hundred of 50 KB)`)
    clean.push(await streamRun({}))
  }
  progress(`Streaming: the same, with the WebSocket dropped after ${STREAM_DROP_AT} frames`)
  const dropped = await streamRun({ wsDropAfterEvents: STREAM_DROP_AT })

  const fast = medianBy(clean, r => r.actionEventsPerS)
  const peak = Math.max(...clean.map(r => r.peakRssMb), dropped.peakRssMb)
  const growth = (r: StreamRun) => r.rssMbAt['100000'] / r.rssMbAt['10000']
  const flat = medianBy(clean, growth)
  const drop = dropped.drop
  const figures: Figure[] = [
    {
      figure: `Streaming throughput (median of ${STREAM_RUNS})`,
      unit: 'events/s',
      measured: fast.actionEventsPerS,
      reference: fast.simEventsPerS,
      referenceLabel: 'simulator publish rate',
      ratio: fast.actionEventsPerS / fast.simEventsPerS,
      target: '≥ 20 000 events/s',
      pass: fast.actionEventsPerS >= 20_000 && clean.every(r => r.complete)
    },
    {
      figure: 'Peak RSS (100 000 events, all runs)',
      unit: 'MB',
      measured: peak,
      reference: referencePeakRssMb,
      referenceLabel: 'core-only bundle process',
      ratio: peak / referencePeakRssMb,
      target: '≤ 150 MB',
      pass: peak <= 150
    },
    {
      figure: `RSS growth 10k → 100k (median of ${STREAM_RUNS})`,
      unit: 'MB',
      measured: round(flat.rssMbAt['100000'] - flat.rssMbAt['10000'], 1),
      reference: flat.rssMbAt['10000'],
      referenceLabel: 'RSS at 10k events',
      ratio: growth(flat),
      target: 'flat: RSS(100k) ≤ 1.25 × RSS(10k)',
      pass: growth(flat) <= 1.25
    },
    {
      figure: `Re-fetched after WS drop at ${STREAM_DROP_AT / 1000}k`,
      unit: 'events',
      measured: drop.itemsFetched,
      reference: drop.missedAtDrop,
      referenceLabel: 'events missed at the drop',
      ratio: drop.itemsFetched / drop.missedAtDrop,
      target: `≤ 1 history (${dropped.events})`,
      pass: drop.itemsFetched <= dropped.events && dropped.complete
    }
  ]
  return { figures, clean, dropped }
}

interface Sample {
  t: number
  lines: number
  published: number
  rssKb: number
  hwmKb: number
  /** CPU time of the action so far (user + system), ms. */
  cpuMs: number
}

async function streamRun(faults: { wsDropAfterEvents?: number }) {
  const sim = await simulator({ provisioningMs: 300, script: bulkScript, faults })
  const job = jobFor(sim)
  const samples: Sample[] = []
  const searches: Array<{ at: number; items: number; pageId?: string }> = []
  let drop: { at: number; published: number } | undefined
  // What each events/search returned, and when the drop happened: watched through the simulator's taps.
  sim.taps.eventsSearched = ({ items, pageId }) => searches.push({ at: Date.now(), items, pageId })
  sim.taps.socketsDropped = () => (drop ??= { at: Date.now(), published: firstConversation(sim)?.events.length ?? 0 })

  let pid: number | undefined
  const counter = new LineCounter(job.dir)
  const started = Date.now()
  const sampler = setInterval(() => {
    const status = procStatus(pid)
    if (!status) return
    samples.push({ t: Date.now() - started, lines: counter.count(), published: firstConversation(sim)?.events.length ?? 0, ...status })
  }, 50)
  try {
    const result = await job.main(child => (pid = child.pid))
    clearInterval(sampler)
    if (result.code !== 0) throw new Error(`streaming run exited ${result.code}: ${result.stdout.slice(-2000)}`)
    const conversation = firstConversation(sim)!
    const events = conversation.events.length
    const ids = conversation.events.map(e => String(e.id))
    const complete = sameIds(counter.file, ids)

    // The first sample at or past n events; the last one when the action exited before a sample saw all of them.
    const at = (n: number, key: 'lines' | 'published') => samples.find(s => s[key] >= n) ?? samples.at(-1)
    const window = (key: 'lines' | 'published') => [at(10_000, key), at(100_000, key)] as const
    const rate = (key: 'lines' | 'published') => {
      const [a, b] = window(key)
      return a && b && b.t > a.t ? round(((b[key] - a[key]) * 1000) / (b.t - a.t)) : NaN
    }
    const [a, b] = window('lines')
    const eventsPerCpuS = a && b && b.cpuMs > a.cpuMs ? round(((b.lines - a.lines) * 1000) / (b.cpuMs - a.cpuMs)) : NaN
    const rssMbAt: Record<string, number> = {}
    const checkpoints: Record<string, number> = {}
    for (const n of [10_000, 50_000, 100_000]) {
      rssMbAt[n] = mb(at(n, 'lines')?.rssKb ?? NaN)
      checkpoints[n] = at(n, 'lines')?.lines ?? NaN
    }

    let dropInfo = { itemsFetched: 0, searchRequests: 0, missedAtDrop: NaN, resumedFrom: NaN, publishedAtDrop: NaN }
    if (drop) {
      const after = searches.filter(s => s.at >= drop!.at)
      // The first page after the drop starts at the last event the action had: everything after it was missed.
      const resumedFrom = conversation.events.findIndex(e => e.id === after[0]?.pageId)
      dropInfo = {
        itemsFetched: after.reduce((n, s) => n + s.items, 0),
        searchRequests: after.length,
        resumedFrom,
        missedAtDrop: events - 1 - resumedFrom,
        publishedAtDrop: drop.published
      }
    }
    // REST polls of the conversation while it ran (the one after it ended collects the final state).
    const { runAt, finalAt } = agentWindow(sim)
    const restPolls = sim.requests.filter(r => route(r) === 'agent GET /api/conversations/{id}' && r.at > runAt && r.at < finalAt).map(r => r.at)
    return {
      events,
      complete,
      wallMs: result.elapsedMs,
      actionEventsPerS: rate('lines'),
      simEventsPerS: rate('published'),
      eventsPerCpuS,
      peakRssMb: mb(Math.max(...samples.map(s => s.hwmKb).filter(Number.isFinite))),
      rssMbAt,
      rssCheckpointLines: checkpoints,
      eventsFileMb: round(statSync(counter.file).size / 1e6, 1),
      drop: dropInfo,
      conversationRestPolls: restPolls.length,
      conversationRestPollMinIntervalMs: restPolls.length > 1 ? Math.min(...restPolls.slice(1).map((t, i) => t - restPolls[i])) : null,
      samples: samples.filter((_, i) => i % 4 === 0)
    }
  } finally {
    clearInterval(sampler)
    counter.close()
    rmSync(job.dir, { recursive: true, force: true })
    await sim.close()
  }
}

/** Counts the lines of the job's events.jsonl as it grows, reading only what was appended. */
class LineCounter {
  file = ''
  private fd: number | undefined
  private offset = 0
  private lines = 0
  private readonly buffer = Buffer.alloc(4 << 20)

  constructor(private readonly dir: string) {}

  count(): number {
    if (this.fd === undefined) {
      const found = readdirSync(this.dir, { recursive: true, encoding: 'utf8' }).find(p => basename(p) === 'events.jsonl')
      if (!found) return 0
      this.file = join(this.dir, found)
      this.fd = openSync(this.file, 'r')
    }
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset)
      if (n === 0) return this.lines
      this.offset += n
      for (let i = this.buffer.indexOf(10); i !== -1 && i < n; i = this.buffer.indexOf(10, i + 1)) this.lines++
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
  }
}

/** events.jsonl holds exactly the simulator's log: every event once, in order. */
function sameIds(file: string, ids: string[]): boolean {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  // The id leads each line as the server sends it; parse the line only if it does not.
  const idOf = (line: string) => /^\{"id":"([^"]+)"/.exec(line)?.[1] ?? (JSON.parse(line) as { id?: string }).id
  return lines.length === ids.length && lines.every((line, i) => idOf(line) === ids[i])
}
