import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/runner.js'

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()

describe('dist/', () => {
  it('is what the sources build to (run `npm run package` and commit dist/)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ohrr-dist-'))
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'package.js'), fresh], { stdio: 'pipe' })
      const committed = join(REPO_ROOT, 'dist')
      expect(files(committed)).toEqual(files(fresh))
      for (const file of files(fresh)) {
        const same = readFileSync(join(committed, file)).equals(readFileSync(join(fresh, file)))
        expect(same, `dist/${file} is stale: run npm run package`).toBe(true)
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true })
    }
  }, 600_000)

  it.each(['main', 'post'])('%s bundle loads and runs under node', entry => {
    // With no inputs and no state: main fails on the first missing input, post has nothing to do.
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', entry, 'index.js')], { env: { PATH: process.env.PATH }, encoding: 'utf8' })
    if (entry === 'main') {
      expect(run.status).toBe(1)
      expect(run.stdout).toContain("Input 'llm-api-key' is required")
    } else {
      expect(run.status).toBe(0)
      expect(run.stderr).toBe('')
    }
  })
})
