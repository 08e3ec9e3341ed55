import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/runner.js'

describe('local runs with @github/local-action', () => {
  it('`npm run local` runs the sources, main then post, against the simulator', () => {
    const run = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/local.ts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 })
    expect(run.stdout).toContain('::set-output name=status::finished')
    expect(run.stdout).toContain('local-action exited 0; runtimes started 1, still running 0; conversation finished: true')
    expect(run.status).toBe(0)
  }, 150_000)
})
