import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, lstatSync, readFileSync, readlinkSync, rmSync, type Stats } from 'node:fs'
import { join } from 'node:path'

const gitWith = (env: Record<string, string>, cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, ...env } })

/** git without the host's config, so the tests see the same on every machine. */
export const git = (cwd: string, ...args: string[]): string => gitWith({}, cwd, ...args)

/** Files git does not ignore, with their bytes and executable bit; symbolic links by their target. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const file of git(dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean).sort()) {
    const path = join(dir, file)
    const stat = lstatOrNothing(path) // nothing: tracked but deleted
    if (stat?.isSymbolicLink()) out[file] = `-> ${readlinkSync(path)}`
    else if (stat?.isFile()) out[file] = `${stat.mode & 0o111 ? 'x' : '-'} ${readFileSync(path).toString('base64')}`
  }
  return out
}

function lstatOrNothing(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/** The tree of the checkout as it is on disk (what git does not ignore), with its own index left as it is. */
export function treeOnDisk(dir: string): string {
  const index = join(dir, '..', 'expected-index')
  rmSync(index, { force: true })
  if (existsSync(join(dir, '.git', 'index'))) copyFileSync(join(dir, '.git', 'index'), index)
  gitWith({ GIT_INDEX_FILE: index }, dir, 'add', '-A')
  const tree = gitWith({ GIT_INDEX_FILE: index }, dir, 'write-tree').trim()
  rmSync(index)
  return tree
}
