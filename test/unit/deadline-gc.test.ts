import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/runner.js'

const run = promisify(execFile)

/** Runs test/unit/gc/hanging-call.ts in a child with the garbage collector forced every 5 ms. */
async function hangingCall(mode: 'attempts' | 'phase'): Promise<{ outcome: string; requests: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', join(REPO_ROOT, 'test/unit/gc/hanging-call.ts'), mode], {
    cwd: REPO_ROOT,
    timeout: 20_000
  })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { outcome: string; requests: number }
}

describe('deadlines under a forced garbage collector (Node 20 lost AbortSignal.any timers)', () => {
  it('ends each stuck attempt of an idempotent call and retries it, then fails naming the timeout', async () => {
    const result = await hangingCall('attempts')
    expect(result.outcome).toBe('Test GET /hang failed: AttemptTimeout: no answer within 0.3s')
    expect(result.requests).toBe(3)
  })

  it('holds a phase deadline while a request of the phase hangs', async () => {
    const result = await hangingCall('phase')
    // Not the request's own 5 s attempt timeout ("AttemptTimeout: no answer within 5s"): the phase deadline fired first.
    expect(result.outcome).toBe('Test POST /hang failed: phase over')
    expect(result.requests).toBe(1)
  })
})
