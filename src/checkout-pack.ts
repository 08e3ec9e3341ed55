import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, type Stats } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'

const run = promisify(execFile)
const gzipAsync = promisify(gzip)
const MB = 1024 * 1024

/** In the archive: the paths the sandbox checks out from .git's index (the files that are on the runner as the index has them). */
export const CHECKOUT_LIST = '.git/ohrr-checkout'

export interface PackedCheckout {
  data: Buffer
  /** Files of the checkout (tracked and untracked, as on disk). */
  files: number
  /** Of those, sent as they are; the rest is checked out from .git in the sandbox. */
  sent: number
  /** Nothing sent and nothing deleted: the index checked out is the checkout as it is. */
  clean: boolean
  packMs: number
}

/**
 * One archive of the checkout: .git (its config replaced by a copy without credentials:
 * actions/checkout persists the token as `http.<url>.extraheader`, in submodules' configs too, or
 * in a file pulled in by `includeIf`), the list of files that the sandbox can check out from
 * .git's index because they are on the runner exactly as the index has them (bytes and mode), and
 * every other file git does not ignore, as it is. Git's packs are compressed already: they go
 * into a gzip member of their own, stored, after the rest (level 6). Off the main thread, so it
 * can run while the runtime provisions without delaying the status polls.
 */
export async function packCheckout(checkout: string, signal?: AbortSignal): Promise<PackedCheckout> {
  const started = Date.now()
  // The runner's temp folder, which it empties after the job: a copy of the checkout never outlives the job.
  const staging = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'ohrr-pack-'))
  try {
    const tree = await workingTree(checkout)
    signal?.throwIfAborted()
    const gitEntries = readdirSync(join(checkout, '.git'), { recursive: true, withFileTypes: true }).map(entry =>
      join(entry.parentPath, entry.name).slice(checkout.length + 1)
    )
    const configs = gitEntries.filter(path => /^\.git\/(modules\/.+\/)?config(\.worktree)?$|^\.git\/worktrees\/[^/]+\/config\.worktree$/.test(path))
    const packs = gitEntries.filter(path => /^\.git\/objects\/pack\/[^/]+\.pack$/.test(path))
    const skip = new Set([...configs, ...packs, CHECKOUT_LIST])
    // Directories too (git needs refs/ even when it is empty), so tar runs with --no-recursion.
    const rest = [...tree.send, '.git', ...gitEntries.filter(path => !skip.has(path))]
    const clean = join(staging, 'clean')
    for (const config of configs) {
      mkdirSync(join(clean, dirname(config)), { recursive: true })
      writeFileSync(join(clean, config), readFileSync(join(checkout, config)))
      await stripCredentials(join(clean, config))
    }
    mkdirSync(join(clean, '.git'), { recursive: true })
    writeFileSync(join(clean, CHECKOUT_LIST), tree.fromGit.map(path => `${path}\0`).join(''))
    // One 512-byte record per block, so that the end-of-archive marker is exactly the last two blocks.
    const restTar = await tar(staging, 'rest.tar', checkout, rest, ['-b', '1'], signal)
    await run('tar', ['-b', '1', '-rf', restTar, '-C', clean, ...configs, CHECKOUT_LIST], { signal })
    const packTar = packs.length ? await tar(staging, 'packs.tar', checkout, packs, [], signal) : null
    // gzip members one after the other decompress as one stream: one tar, its packs stored.
    const parts = packTar
      ? [gzipAsync(withoutEndMarker(readFileSync(restTar)), { level: 6 }), gzipAsync(readFileSync(packTar), { level: 0 })]
      : [gzipAsync(readFileSync(restTar), { level: 6 })]
    const data = Buffer.concat(await Promise.all(parts))
    return { data, files: tree.files, sent: tree.send.length, clean: tree.clean, packMs: Date.now() - started }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

async function tar(staging: string, name: string, cwd: string, paths: string[], options: string[], signal?: AbortSignal): Promise<string> {
  const list = join(staging, `${name}.list`)
  writeFileSync(list, paths.join('\0'))
  const file = join(staging, name)
  await run('tar', [...options, '-cf', file, '-C', cwd, '--no-recursion', '--null', '-T', list], { maxBuffer: 16 * MB, signal })
  return file
}

function withoutEndMarker(archive: Buffer): Buffer {
  const end = archive.length - 1024
  if (end < 0 || archive.length % 512 !== 0 || archive.subarray(end).some(byte => byte !== 0)) throw new Error('tar wrote an archive without its end marker')
  return archive.subarray(0, end)
}

/** Removes auth headers, credential helpers, includes and credentials inside URLs from a git config file. */
async function stripCredentials(configFile: string): Promise<void> {
  const git = (...args: string[]) => run('git', ['config', '--file', configFile, ...args])
  const { stdout } = await git('--list', '--name-only').catch(() => ({ stdout: '' }))
  for (const key of new Set(stdout.split('\n').filter(Boolean))) {
    const credentialsInKey = /^url\./i.test(key) && /:\/\/[^/@\s]+@/.test(key)
    if (credentialsInKey || /^http\..*extraheader$|^credential\.|^include\.|^includeif\./i.test(key)) {
      await git('--unset-all', key).catch(() => undefined)
    } else if (/\.(url|pushurl)$/i.test(key)) {
      const { stdout: values } = await git('--get-all', key)
      if (/:\/\/[^/@\s]+@/.test(values))
        await git(
          '--replace-all',
          key,
          values
            .trim()
            .split('\n')[0]
            .replace(/:\/\/[^/@\s]+@/, '://')
        )
    }
  }
}

interface WorkingTree {
  /** Paths sent as they are on disk: untracked, or not as the index has them. */
  send: string[]
  /** Index entries that are on disk exactly as the index has them. */
  fromGit: string[]
  files: number
  clean: boolean
}

/**
 * Compares the checkout with its index, byte for byte (no filters, no end-of-line conversion:
 * the sandbox checks out raw too) and by mode. Entries missing on disk are neither sent nor
 * checked out: `git add -A` in the sandbox records them deleted, as it would on the runner.
 */
async function workingTree(checkout: string): Promise<WorkingTree> {
  const git = (args: string[], input?: string): Promise<string> => output(checkout, args, input)
  const [index, others, partial] = await Promise.all([
    git(['ls-files', '-z', '--stage', '-v']),
    git(['ls-files', '-z', '--others', '--exclude-standard']),
    // A partial clone may lack blobs of the index, which the sandbox cannot fetch: its files are all sent.
    git(['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..+\\.promisor)$']).catch(() => '')
  ])
  const sendAll = partial.trim() !== ''
  const onDisk = diskView(checkout)
  const send = new Set<string>()
  const fromGit: string[] = []
  const toHash: Array<{ path: string; oid: string }> = []
  const present = new Set<string>()
  let deleted = false
  for (const line of index.split('\0').filter(Boolean)) {
    const tab = line.indexOf('\t')
    const [tag, mode, oid, stage] = line.slice(0, tab).split(' ')
    const path = line.slice(tab + 1)
    const stat = onDisk(path)
    if (mode === '160000' && stat?.isDirectory()) fromGit.push(path)
    else if (!stat || stat.isDirectory()) deleted ||= tag.toUpperCase() !== 'S'
    if (!stat || stat.isDirectory()) continue
    present.add(path)
    // The sandbox's checkout leaves skip-worktree and conflicted entries alone; hash-object reads a path a line, unquoting a leading '"'.
    if (tag.toUpperCase() === 'S' || stage !== '0' || modeOf(stat) !== mode || sendAll || /[\n\r"]/.test(path)) send.add(path)
    else if (!stat.isSymbolicLink()) toHash.push({ path, oid })
    else if (blobId(readlinkSync(join(checkout, path), { encoding: 'buffer' }), oid) === oid) fromGit.push(path)
    else send.add(path)
  }
  const hashes = toHash.length ? (await git(['hash-object', '--no-filters', '--stdin-paths'], toHash.map(entry => entry.path).join('\n'))).split('\n') : []
  toHash.forEach((entry, i) => (hashes[i] === entry.oid ? fromGit.push(entry.path) : send.add(entry.path)))
  for (const path of others.split('\0').filter(Boolean)) {
    const stat = onDisk(path)
    if (stat && !stat.isDirectory()) {
      send.add(path)
      present.add(path)
    }
  }
  return { send: [...send], fromGit, files: present.size, clean: !deleted && send.size === 0 }
}

/** lstat of a path in the checkout; undefined when missing or beyond a symbolic link (as git sees it). */
function diskView(checkout: string): (path: string) => Stats | undefined {
  const dirs = new Map<string, boolean>([['.', true]])
  const realDir = (dir: string): boolean => {
    let ok = dirs.get(dir)
    if (ok === undefined) {
      ok = realDir(dirname(dir)) && Boolean(lstatSync(join(checkout, dir), { throwIfNoEntry: false })?.isDirectory())
      dirs.set(dir, ok)
    }
    return ok
  }
  return path => (realDir(dirname(path)) ? lstatSync(join(checkout, path), { throwIfNoEntry: false }) : undefined)
}

function modeOf(stat: Stats): string {
  if (stat.isSymbolicLink()) return '120000'
  return stat.mode & 0o100 ? '100755' : '100644'
}

/** Git's id of a blob with these bytes, in the repository's hash (SHA-1, or SHA-256 for 64-digit ids). */
function blobId(content: Buffer, like: string): string {
  return createHash(like.length === 64 ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex')
}

function output(cwd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`git ${args[0]} failed (exit ${code}): ${err.trim()}`))
    )
    // A git that exits early closes its input: its exit code tells.
    child.stdin.on('error', () => undefined).end(input)
  })
}
