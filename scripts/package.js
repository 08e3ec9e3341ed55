// Bundles each entry point with ncc: `node scripts/package.js [outDir]` (default dist/).
// The dist freshness test builds into a temporary directory with this same script.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(import.meta.url), '..', '..')
const outDir = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

for (const entry of ['main', 'post']) {
  // ncc does not empty its output directory: a chunk of an earlier build would linger.
  rmSync(join(outDir, entry), { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', join(root, 'src', `${entry}.ts`), '-o', join(outDir, entry), '--minify', '--license', 'licenses.txt', '--quiet'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
}
