import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../harness/runner.js'

/**
 * The agent-server releases the real-server tier runs against: the newest the registry serves,
 * and the oldest 1.x at or above 1.11 that users still pin (query-parameter socket auth,
 * path-parameter file routes, no /interrupt, no agent_final_response).
 */
export const RELEASES = { newest: '1.58.2', oldest: '1.11.0' } as const

/**
 * The day after each release was published: dependencies are resolved as of then (pip
 * --uploaded-prior-to), since the server does not cap them and later releases break old
 * servers (1.11.0 fails to import with fastapi 0.165).
 */
export const PUBLISHED_BEFORE: Record<string, string> = { '1.58.2': '2026-10-27T00:00:00Z', '1.11.0': '2026-02-05T00:00:00Z' }

/** Where `npm run real-server:setup` installs (git-ignored). */
export const INSTALL_DIR = join(REPO_ROOT, '.real-server')

/** What the set-up wrote for one release. */
export interface Installed {
  version: string
  /** The venv's python, as seen from inside `root` (or the host when root is null). */
  python: string
  /** A Debian 13 root the server runs in (chroot) when the host's Python is older than 3.12; null = on the host. */
  root: string | null
  packages: Record<string, string>
}

export function installedRelease(version: string): Installed | undefined {
  const file = join(INSTALL_DIR, version, 'installed.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Installed) : undefined
}
