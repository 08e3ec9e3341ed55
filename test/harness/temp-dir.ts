import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Folders the tests and the simulator make in the temp dir; each must be gone when the run ends. */
const OURS = /^(ohrr|ohsim|github-stub)-/

/**
 * Vitest global setup: the workers get a temp dir of their own (TMPDIR), and the run fails
 * (exit code 1) if the tests left any of their folders in it, pass or fail.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ohrr-tests-'))
  process.env.TMPDIR = dir
  return () => {
    const left = readdirSync(dir).filter(name => OURS.test(name))
    rmSync(dir, { recursive: true, force: true })
    if (!left.length) return
    console.error(`\nThe tests left ${left.length} folder(s) in the temp dir: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}`)
    process.exitCode = 1
  }
}
