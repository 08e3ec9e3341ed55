// Bundles each entry point with ncc: `node scripts/package.js [outDir]` (default dist/).
// The dist freshness test builds into a temporary directory with this same script.
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const outDir = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

for (const entry of ['main', 'post']) {
  execFileSync(process.execPath, [ncc, 'build', join(root, 'src', `${entry}.ts`), '-o', join(outDir, entry), '--minify', '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit'
  })
}
