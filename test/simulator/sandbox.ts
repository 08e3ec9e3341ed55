import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** Top-level sandbox directories whose absolute paths are redirected when they appear in a command. */
const MAPPED_ROOTS = ['workspace', 'tmp', 'home']

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface RunOptions {
  /** Absolute sandbox path; default '/'. */
  cwd?: string
  timeoutMs?: number
  env?: Record<string, string>
  signal?: AbortSignal
  /** Called with output as it arrives (already mapped back to sandbox paths). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void
}

/**
 * The runtime's filesystem: a host temp directory that stands for the pod's '/'.
 * Commands run on the host with bash, in the mapped cwd; absolute /workspace, /tmp and /home
 * paths in the command text are rewritten into the sandbox and the sandbox root is removed
 * from their output. This keeps tests off the host's real /workspace; it is not isolation.
 */
export class Sandbox {
  private constructor(readonly root: string) {}

  static create(label: string): Sandbox {
    const root = mkdtempSync(path.join(tmpdir(), `ohsim-${label}-`))
    const sandbox = new Sandbox(root)
    const home = sandbox.hostPath('/home/openhands')
    for (const dir of MAPPED_ROOTS) mkdirSync(path.join(root, dir), { recursive: true })
    mkdirSync(home, { recursive: true })
    // An isolated git config: the host's own (signing, hooks, identity) must not leak in.
    writeFileSync(
      path.join(home, '.gitconfig'),
      '[user]\n\tname = openhands\n\temail = openhands@all-hands.dev\n[init]\n\tdefaultBranch = main\n[safe]\n\tdirectory = *\n'
    )
    return sandbox
  }

  /** Host path of an absolute sandbox path; '..' cannot climb out of the sandbox. */
  hostPath(sandboxPath: string): string {
    return path.join(this.root, path.posix.resolve('/', sandboxPath))
  }

  /** Sandbox form of a host path inside the sandbox. */
  sandboxPath(hostPath: string): string {
    const rel = path.relative(this.root, hostPath)
    return '/' + rel.split(path.sep).join('/')
  }

  rewriteCommand(command: string): string {
    const pattern = new RegExp(`(^|[\\s'"=:;|&(<>])(/(?:${MAPPED_ROOTS.join('|')}))(?=[/\\s'";|&)<>]|$)`, 'g')
    return command.replace(pattern, (match, lead: string, abs: string, offset: number) =>
      command.startsWith(this.root, offset + lead.length) ? match : `${lead}${this.root}${abs}`
    )
  }

  unmapOutput(output: string): string {
    return output.split(this.root).join('')
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: this.hostPath('/home/openhands'),
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      GIT_CEILING_DIRECTORIES: this.root,
      GIT_CONFIG_NOSYSTEM: '1',
      ...extra
    }
  }

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const cwd = this.hostPath(options.cwd ?? '/')
    if (!isDirectory(cwd)) {
      return { exitCode: -1, stdout: '', stderr: `Error executing command: no such directory: ${options.cwd}`, timedOut: false }
    }
    const child = spawn('bash', ['-c', this.rewriteCommand(command)], {
      cwd,
      env: this.env(options.env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out = { stdout: '', stderr: '' }
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8')
      child[stream].on('data', (chunk: string) => {
        const mapped = this.unmapOutput(chunk)
        out[stream] += mapped
        options.onOutput?.(stream, mapped)
      })
    }
    let timedOut = false
    const kill = () => killGroup(child.pid)
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true
          kill()
        }, options.timeoutMs)
      : undefined
    options.signal?.addEventListener('abort', kill, { once: true })
    return new Promise(resolve => {
      const finish = (exitCode: number, error?: string) => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', kill)
        if (error) out.stderr += `Error executing command: ${error}`
        resolve({ exitCode: timedOut ? -1 : exitCode, ...out, timedOut })
      }
      child.on('error', err => finish(-1, err.message))
      child.on('close', code => finish(code ?? -1))
    })
  }

  /** Creates a conversation's working_dir and runs `git init` there unless it is inside a repository already. */
  async prepareWorkingDir(workingDir: string): Promise<void> {
    const dir = this.hostPath(workingDir)
    await mkdir(dir, { recursive: true })
    for (let d = dir; d.startsWith(this.root); d = path.dirname(d)) {
      if (existsSync(path.join(d, '.git'))) return
      if (d === this.root) break
    }
    await this.run('git init -q', { cwd: workingDir, timeoutMs: 10_000 })
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true })
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** SIGTERM the command's process group, SIGKILL it if still there a second later. */
function killGroup(pid: number | undefined): void {
  if (!pid) return
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig)
    } catch {
      // already gone
    }
  }
  signal('SIGTERM')
  setTimeout(() => signal('SIGKILL'), 1000).unref()
}
