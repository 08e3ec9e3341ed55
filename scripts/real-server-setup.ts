// `npm run real-server:setup`: installs the pinned real OpenHands agent server releases (with the
// tools and the SDK's own client of the same release) into .real-server/, for the test tier in
// test/real/. Uses the host's Python when it is >= 3.12, else a Debian 13 root made with
// debootstrap. Root on Linux only (the pods use namespaces); with --if-possible, elsewhere it
// says why and does nothing, except under CI=true. A second run with nothing to do takes a moment.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { INSTALL_DIR, PUBLISHED_BEFORE, RELEASES, installedRelease, type Installed } from '../test/real/releases.js'

const PACKAGES = ['openhands-agent-server', 'openhands-tools', 'openhands-sdk', 'openhands-workspace']
const DEBIAN_ROOT = join(INSTALL_DIR, 'debian13')
/** Inside the Debian root, where the venvs live. */
const ROOT_VENVS = '/opt/openhands'

const started = Date.now()
const log = (line: string): void => console.log(`[real-server:setup ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`)

async function main(): Promise<void> {
  // Each pod gets private mount and PID namespaces (test/real/pod.ts): that takes root on Linux.
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    const why = 'the real agent server tier needs root on Linux'
    if (process.argv.includes('--if-possible') && process.env.CI !== 'true') return log(`skipped: ${why}; its tests will say so and skip`)
    throw new Error(why)
  }
  mkdirSync(INSTALL_DIR, { recursive: true })
  const wanted = [...new Set(Object.values(RELEASES))]
  const missing = wanted.filter(version => !isInstalled(version))
  for (const version of wanted.filter(v => !missing.includes(v))) log(`agent server ${version}: already installed (${describe(installedRelease(version)!)})`)
  if (missing.length === 0) return log('nothing to do')

  const hostPython = await findHostPython()
  let root: string | null = null
  if (hostPython) log(`host Python: ${hostPython.path} (${hostPython.version})`)
  else {
    log('no Python >= 3.12 on the host: using a Debian 13 root')
    root = await debianRoot()
  }
  await Promise.all(missing.map(version => install(version, hostPython?.path ?? null, root)))
  log('done')
}

function isInstalled(version: string): boolean {
  const installed = installedRelease(version)
  if (!installed) return false
  const python = installed.root ? join(installed.root, installed.python) : installed.python
  return existsSync(python) && PACKAGES.every(name => installed.packages[name] === version)
}

async function install(version: string, hostPython: string | null, root: string | null): Promise<void> {
  const t0 = Date.now()
  const dir = join(INSTALL_DIR, version)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const venv = root ? `${ROOT_VENVS}/${version}` : join(dir, 'venv')
  const inRoot = (args: string[]): string[] => (root ? ['chroot', root, ...args] : args)
  const python = `${venv}/bin/python`
  await run(inRoot([hostPython ?? '/usr/bin/python3', '-m', 'venv', venv]), `venv for ${version}`)
  const pip = [python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check']
  // --uploaded-prior-to needs pip 26.
  await run(inRoot([...pip, '--upgrade', 'pip>=26']), 'pip install --upgrade pip')
  // The server does not pin the SDK it imports: without the exact pin pip may pick another release.
  const pins = PACKAGES.map(name => `${name}==${version}`)
  await run(inRoot([...pip, '--uploaded-prior-to', PUBLISHED_BEFORE[version], ...pins]), `pip install ${pins.join(' ')}`)
  const listed = JSON.parse(await run(inRoot([python, '-m', 'pip', 'list', '--format', 'json', '--disable-pip-version-check']), 'pip list')) as Array<{
    name: string
    version: string
  }>
  const packages = Object.fromEntries(listed.filter(p => PACKAGES.includes(p.name) || p.name === 'litellm').map(p => [p.name, p.version]))
  const installed: Installed = { version, python, root, packages }
  writeFileSync(join(dir, 'installed.json'), `${JSON.stringify(installed, null, 2)}\n`)
  if (!PACKAGES.every(name => packages[name] === version)) throw new Error(`agent server ${version}: pip installed ${JSON.stringify(packages)}`)
  log(`agent server ${version}: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${describe(installed)})`)
}

function describe(installed: Installed): string {
  const where = installed.root ? 'Debian 13 root' : 'host Python'
  return `${Object.entries(installed.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}; ${where}`
}

/** python3.12+ on PATH, or one pyenv has installed (its shims fail for versions that are not selected). */
async function findHostPython(): Promise<{ path: string; version: string } | null> {
  const candidates = ['python3.14', 'python3.13', 'python3.12', 'python3']
  const pyenv = join(homedir(), '.pyenv', 'versions')
  if (existsSync(pyenv)) {
    const { readdirSync } = await import('node:fs')
    for (const name of readdirSync(pyenv).sort().reverse()) candidates.push(join(pyenv, name, 'bin', 'python3'))
  }
  for (const candidate of candidates) {
    const out = await run([candidate, '-c', 'import sys, venv; print(sys.executable, "%d.%d.%d" % sys.version_info[:3])'], candidate, true).catch(() => '')
    const [path, version] = out.trim().split(' ')
    const [major, minor] = (version ?? '').split('.').map(Number)
    if (path && major === 3 && minor >= 12) return { path, version }
  }
  return null
}

/** Debian 13 (trixie) ships Python 3.13; debootstrap from the mirror apt already uses. */
async function debianRoot(): Promise<string> {
  const stamp = join(DEBIAN_ROOT, '.ohrr-ready')
  if (existsSync(stamp)) {
    log(`Debian 13 root: already at ${DEBIAN_ROOT}`)
    return DEBIAN_ROOT
  }
  const t0 = Date.now()
  if (!(await run(['sh', '-c', 'command -v debootstrap'], 'debootstrap?', true).catch(() => ''))) {
    await run(['apt-get', 'update', '-qq'], 'apt-get update')
    await run(['apt-get', 'install', '-y', '-qq', 'debootstrap'], 'apt-get install debootstrap')
  }
  rmSync(DEBIAN_ROOT, { recursive: true, force: true })
  const include = 'python3,python3-venv,tmux,git,ca-certificates,procps'
  await run(['debootstrap', '--variant=minbase', `--include=${include}`, 'trixie', DEBIAN_ROOT, aptMirror()], 'debootstrap trixie')
  mkdirSync(join(DEBIAN_ROOT, 'workspace'), { recursive: true })
  writeFileSync(join(DEBIAN_ROOT, 'etc', 'resolv.conf'), readFileSync('/etc/resolv.conf'))
  writeFileSync(stamp, '')
  log(`Debian 13 root: made in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return DEBIAN_ROOT
}

function aptMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue
    const text = readFileSync(file, 'utf8')
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(text)?.[1]
    if (uri) return uri
  }
  throw new Error('No Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list')
}

/** Runs a command; its output is kept and shown only when it fails (pip is noisy). */
function run(command: string[], what: string, quiet = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_NO_INPUT: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => {
      if (code === 0) return resolve(stdout)
      if (!quiet)
        console.error(
          `${what} failed (exit ${code}):\n${stderr
            .split('\n')
            .filter(l => !l.startsWith('WARNING: Location'))
            .join('\n')
            .slice(-4000)}`
        )
      reject(new Error(`${what} failed (exit ${code})`))
    })
  })
}

await main().catch(err => {
  console.error(`real-server:setup: ${(err as Error).message}`)
  process.exit(1)
})
