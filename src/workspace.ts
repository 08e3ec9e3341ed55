import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import type { Capabilities } from './agent-server/capabilities.js'
import type { AgentServer } from './agent-server/client.js'
import { CHECKOUT_LIST, packCheckout, type PackedCheckout } from './checkout-pack.js'
import { formatDuration, info } from './log.js'

export { packCheckout, type PackedCheckout } from './checkout-pack.js'

const run = promisify(execFile)

/** git's empty tree: the base when there was no checkout to upload. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
const MB = 1024 * 1024

export interface SandboxRepo {
  /** HEAD of the uploaded checkout, null when nothing was uploaded. */
  baseCommit: string | null
  /** Tree of exactly what was uploaded (tracked and untracked files as on the runner): what changes are measured against. */
  baseTree: string
}

export interface Changes {
  /** The patch on the runner; null when the agent changed nothing (no file is written). */
  patchFile: string | null
  /** Paths touched by the agent (both sides of a rename). */
  changedFiles: string[]
  /** Lines added and removed per file (a rename under its new path); null counts for a binary file. */
  files: FileStat[]
  bytes: number
}

export interface FileStat {
  path: string
  additions: number | null
  deletions: number | null
}

export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkspaceError'
  }
}

/**
 * Sends the runner's checkout (files git does not ignore, plus .git as checked out, with every
 * credential stripped from its config) into `workingDir` as one archive, unpacked with one
 * command: the files that are as .git's index has them are checked out of it there, the others
 * come in the archive. The checkout as it is is recorded as the base for the agent's changes.
 * Without a checkout it only makes `workingDir` a git repository, so the agent's work can still
 * come back as a patch.
 */
export async function uploadWorkspace(
  server: AgentServer,
  capabilities: Capabilities,
  opts: { checkout: string | null; workingDir: string; limitMb: number; packed?: Promise<PackedCheckout>; signal?: AbortSignal }
): Promise<SandboxRepo> {
  const { signal } = opts
  const wd = shellQuote(opts.workingDir)
  if (!opts.checkout) {
    await sandboxCommand(
      server,
      `mkdir -p ${wd} && cd ${wd} && (git rev-parse --git-dir >/dev/null 2>&1 || git init -q)`,
      'Preparing the working directory',
      signal
    )
    return { baseCommit: null, baseTree: EMPTY_TREE }
  }
  const started = Date.now()
  const archive = await (opts.packed ?? packCheckout(opts.checkout))
  const size = archive.data.length
  if (size > opts.limitMb * MB) {
    throw new WorkspaceError(
      `The checkout packs to ${(size / MB).toFixed(1)} MB, over upload-limit-mb (${opts.limitMb} MB): raise the limit, or set upload-workspace: false.`
    )
  }
  const remote = `/tmp/ohrr-checkout-${randomBytes(6).toString('hex')}.tar.gz`
  await server.uploadFile(remote, archive.data, capabilities.fileQueryRoutes, signal)
  const uploaded = Date.now()
  const out = await sandboxCommand(server, unpackCommand(wd, remote, archive.clean), 'Unpacking the checkout in the sandbox', signal)
  const [head, tree] = out.trim().split('\n').slice(-2)
  const packing = opts.packed ? ` (packed in ${formatDuration(archive.packMs)} while the runtime started)` : ''
  const took = `${formatDuration(Date.now() - started)} (sent in ${formatDuration(uploaded - started)}, unpacked in ${formatDuration(Date.now() - uploaded)})`
  const fromGit = archive.files - archive.sent
  info(
    `Uploaded ${archive.files} files (${fromGit} checked out from .git, ${archive.sent} sent; ${(size / MB).toFixed(1)} MB packed) in ${took}${packing}; base commit ${head}.`
  )
  return { baseCommit: head === 'none' ? null : head, baseTree: tree }
}

/**
 * Unpacks, checks out the listed files from the runner's index as raw bytes (the attributes that
 * convert are switched off for that: they end as on the runner), then snapshots the working tree
 * as a tree (the index reset to HEAD afterwards), so the patch applies to the runner's checkout as
 * it is. `add -A` is left out when the checked-out index is the whole checkout; where it runs, a
 * sent file's ctime differs from its index entry's, so it is never taken as unchanged.
 */
function unpackCommand(wd: string, remote: string, clean: boolean): string {
  const attributes = '.git/info/attributes'
  const list = CHECKOUT_LIST
  // Parallel checkout: creating 10 000 files took 6 s one by one, 0.3 s with 8 workers, on 2 cores (git reset --hard: 6 s).
  const checkout =
    `if [ -s ${list} ]; then mkdir -p .git/info; if [ -e ${attributes} ]; then mv ${attributes} ${attributes}.ohrr; fi; ` +
    `echo '* -text -eol -filter -ident -working-tree-encoding' > ${attributes}; ` +
    `git -c core.fsmonitor=false -c checkout.workers=8 checkout-index -f -u -z --stdin < ${list}; ` +
    `rm ${attributes}; if [ -e ${attributes}.ohrr ]; then mv ${attributes}.ohrr ${attributes}; fi; fi; rm -f ${list}`
  const add = clean ? '' : 'git -c core.fsmonitor=false -c core.trustctime=true -c core.checkStat=default add -A; '
  return (
    `set -e; mkdir -p ${wd}; tar -xzf ${remote} -C ${wd}; rm -f ${remote}; cd ${wd}; ${checkout}; ` +
    `git rev-parse --verify -q HEAD || echo none; ${add}tree=$(git write-tree); echo $tree; ` +
    '[ "$tree" = "$(git rev-parse --verify -q HEAD^{tree})" ] || git reset -q'
  )
}

/** The agent's changes as one binary-safe patch (edits, new files, deletions, renames, modes, binaries). */
export async function downloadChanges(
  server: AgentServer,
  capabilities: Capabilities,
  repo: SandboxRepo,
  opts: { workingDir: string; patchFile: string; signal?: AbortSignal }
): Promise<Changes> {
  const { signal } = opts
  const remote = `/tmp/ohrr-changes-${randomBytes(6).toString('hex')}`
  const base = repo.baseTree
  // Both go to files: the command's own output comes back capped at 1 MiB (protocol-notes.md). No change: nothing to download.
  const out = await sandboxCommand(
    server,
    `set -e; cd ${shellQuote(opts.workingDir)}; git add -A; ` +
      `git diff --cached --binary --full-index -M ${base} > ${remote}.patch; git diff --cached --name-status -z -M ${base} > ${remote}.names; git reset -q; ` +
      `if [ -s ${remote}.patch ]; then echo changed; else rm -f ${remote}.patch ${remote}.names; echo unchanged; fi`,
    'Collecting the changes',
    signal
  )
  if (out.trim().split('\n').at(-1) === 'unchanged') return { patchFile: null, changedFiles: [], files: [], bytes: 0 }
  const [patch, names] = await Promise.all([
    server.downloadFile(`${remote}.patch`, capabilities.fileQueryRoutes, signal),
    server.downloadFile(`${remote}.names`, capabilities.fileQueryRoutes, signal)
  ])
  await server.execute(`rm -f ${remote}.patch ${remote}.names`, '/', 30, signal).catch(() => undefined)
  if (!patch.length) return { patchFile: null, changedFiles: [], files: [], bytes: 0 }
  writeFileSync(opts.patchFile, patch)
  return { patchFile: opts.patchFile, changedFiles: parseNameStatus(names.toString('utf8')), files: await patchStat(opts.patchFile), bytes: patch.length }
}

/** `git apply --numstat -z` reads the patch alone, outside any repository: added, removed, path per file, `-` for binaries. */
async function patchStat(patchFile: string): Promise<FileStat[]> {
  const { stdout } = await run('git', ['apply', '--numstat', '-z', patchFile], { maxBuffer: 16 * MB })
  return stdout
    .split('\0')
    .filter(Boolean)
    .map(entry => {
      const [added, removed, ...path] = entry.split('\t')
      const lines = (n: string): number | null => (n === '-' ? null : Number(n))
      return { path: path.join('\t'), additions: lines(added), deletions: lines(removed) }
    })
}

/** Applies the patch to the runner's checkout; a patch that does not apply names its files and stays on disk. */
export async function applyChanges(checkout: string, changes: Changes): Promise<void> {
  if (!changes.patchFile) return
  try {
    await run('git', ['apply', '--binary', '--whitespace=nowarn', changes.patchFile], { cwd: checkout, maxBuffer: 16 * MB })
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '')
    const files = [...new Set([...stderr.matchAll(/^error: (?:patch failed: |)([^:\n]+?)(?::\d+)?(?:: .*)?$/gm)].map(m => m[1]))]
    throw new WorkspaceError(
      `The agent's changes do not apply to the checkout${files.length ? ` (${files.join(', ')})` : ''}; the patch is at ${changes.patchFile}.\n${stderr.trim()}`
    )
  }
}

/** `git diff --name-status -z`: status, path (and the new path of a rename or copy), NUL-separated. */
export function parseNameStatus(out: string): string[] {
  const fields = out.split('\0').filter(Boolean)
  const files: string[] = []
  for (let i = 0; i < fields.length; i++) {
    const status = fields[i]
    if (/^[RC]/.test(status)) files.push(fields[++i], fields[++i])
    else files.push(fields[++i])
  }
  return [...new Set(files.filter(Boolean))]
}

async function sandboxCommand(server: AgentServer, command: string, what: string, signal?: AbortSignal): Promise<string> {
  const result = await server.execute(command, '/', 600, signal)
  if (result.exitCode !== 0) throw new WorkspaceError(`${what} failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().slice(-2_000)}`)
  return result.stdout
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}
