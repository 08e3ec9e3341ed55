import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Json } from '../simulator/events.js'
import type { ApiRuntime } from '../simulator/runtime-api.js'
import { randomLetters } from '../simulator/runtime.js'
import type { Installed } from './releases.js'

/** Where the venvs are seen from inside a pod: bound here, so a checkout under /tmp is reachable after /tmp is replaced. */
const POD_INSTALL = '/opt/ohrr-real-server'
/** With a provisioning time, how long before ready the pod is `running` (its container up, not yet Ready), as the server's own start-up would be. */
const RUNNING_MS = 2_000

export interface PodOptions {
  install: Installed
  /** The install folder on the host (bound to POD_INSTALL inside the pod). */
  installDir: string
  sessionId: string
  image: string
  startBody: Json
  /** Called with each line of the server's output (for debugging a test). */
  log?: (line: string) => void
  /**
   * Provisioning time P: the pod is `pending` (scheduling, image pull), `running` for the last
   * RUNNING_MS before P once its server answers, and `ready` only once P has passed since /start,
   * however soon the server was up; a server slower than P makes it ready when it answers.
   * Unset: `ready` as soon as the server answers.
   */
  provisioningMs?: number
  /** Started ahead of any /start (a warm pool): not ready, nor counted from, until `adopt()` hands it to a session. */
  warm?: boolean
}

/**
 * A runtime whose pod is a real agent-server process: its own port and session key, and its own
 * `/workspace` and `/tmp` (bound from a temp folder in a private mount namespace), in a PID
 * namespace so that stopping it ends the server and everything it started (tmux, commands).
 * The server runs from `/`, as in the Runtime API's pods, so its conversations and bash events
 * land in /workspace/conversations and /workspace/bash_events as they do there.
 */
export class RealPod implements ApiRuntime {
  readonly runtimeId = randomLetters(16)
  readonly sessionApiKey = randomBytes(24).toString('base64url')
  sessionId: string
  image: string
  startBody: Json
  startedAt = Date.now()
  createdAt = this.startedAt
  /** Host folder standing for the pod's /workspace; /tmp is beside it. */
  readonly dir: string
  status: 'running' | 'paused' | 'stopped' = 'running'
  readyAt?: number
  /** When the server first answered /health (the container up; the pod may not be ready yet). */
  serverUpAt?: number
  stoppedAt?: number
  pausedAt?: number
  restartCount = 0
  port = 0
  private child?: ChildProcess
  private exited?: { code: number | null; signal: string | null }
  private healthTimer?: NodeJS.Timeout
  private readyTimer?: NodeJS.Timeout
  private readonly logFile: string
  private adopted: boolean

  constructor(private readonly options: PodOptions) {
    this.sessionId = options.sessionId
    this.image = options.image
    this.startBody = options.startBody
    this.dir = mkdtempSync(join(tmpdir(), 'ohrr-pod-'))
    this.logFile = join(this.dir, 'server.log')
    this.adopted = !options.warm
  }

  /** Hands a warm pod to a session: P counts from now. Its server keeps the environment it was started with. */
  adopt(sessionId: string, image: string, startBody: Json): void {
    this.sessionId = sessionId
    this.image = image
    this.startBody = startBody
    this.startedAt = this.createdAt = Date.now()
    this.adopted = true
    this.scheduleReady()
  }

  get workspaceDir(): string {
    return join(this.dir, 'workspace')
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get podStatus(): string {
    if (this.status !== 'running') return 'not found'
    if (this.exited) return 'failed'
    if (this.readyAt) return 'ready'
    if (this.options.provisioningMs !== undefined)
      return this.serverUpAt && Date.now() >= this.startedAt + this.options.provisioningMs - RUNNING_MS ? 'running' : 'pending'
    return this.child ? 'running' : 'pending'
  }

  async start(): Promise<void> {
    // A resumed pod keeps its port: the URL the Runtime API handed out (and the proxy in front) stays valid.
    this.port ||= await freePort()
    mkdirSync(join(this.dir, 'workspace'), { recursive: true })
    mkdirSync(join(this.dir, 'tmp', 'home'), { recursive: true })
    const { install } = this.options
    const root = install.root ?? ''
    const python = install.root ? install.python : install.python.replace(this.options.installDir, POD_INSTALL)
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
    const binds = [
      ...(install.root ? [] : [`mkdir -p ${POD_INSTALL} && mount --bind ${q(this.options.installDir)} ${POD_INSTALL}`]),
      `mkdir -p ${root}/workspace && mount --bind ${q(join(this.dir, 'workspace'))} ${root}/workspace`,
      `mount --bind ${q(join(this.dir, 'tmp'))} ${root}/tmp`,
      ...(install.root ? [`mount -t proc proc ${root}/proc`, `mount --bind /dev ${root}/dev`, `mount --bind /dev/pts ${root}/dev/pts`] : [])
    ]
    const server = `${python} -m openhands.agent_server --host 127.0.0.1 --port ${this.port}`
    const script = `set -e; ${binds.join(' && ')}; cd /; exec ${install.root ? `chroot ${q(root)} ` : ''}${server}`
    const environment = (this.startBody.environment ?? {}) as Record<string, string>
    const out = openSync(this.logFile, 'a')
    // setpriv: the pod dies with the test process; unshare --kill-child: with unshare, the whole PID namespace.
    this.child = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', 'unshare', '--mount', '--propagation', 'private', '--fork', '--pid', '--mount-proc', '--kill-child', '--', 'sh', '-c', script],
      {
        stdio: ['ignore', out, out],
        env: {
          ...environment,
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: '/tmp/home',
          LANG: 'C.UTF-8',
          OH_SESSION_API_KEYS_0: this.sessionApiKey,
          SESSION_API_KEY: this.sessionApiKey,
          OH_ENABLE_VSCODE: '0',
          OH_PRELOAD_TOOLS: '0',
          LITELLM_LOCAL_MODEL_COST_MAP: 'True'
        }
      }
    )
    closeSync(out)
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal }
      clearInterval(this.healthTimer)
      clearTimeout(this.readyTimer)
    })
    this.healthTimer = setInterval(() => void this.probe(), 100)
  }

  private async probe(): Promise<void> {
    if (this.readyAt || this.exited) return
    const ok = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(1_000) })
      .then(res => res.ok)
      .catch(() => false)
    if (!ok || this.readyAt || this.exited || this.serverUpAt) return
    this.serverUpAt = Date.now()
    clearInterval(this.healthTimer)
    this.scheduleReady()
  }

  /** Ready once the server is up and P has passed since /start. */
  private scheduleReady(): void {
    if (!this.adopted || !this.serverUpAt || this.readyAt || this.exited) return
    const readyIn = this.startedAt + (this.options.provisioningMs ?? 0) - Date.now()
    if (readyIn <= 0) this.readyAt = Date.now()
    else this.readyTimer = setTimeout(() => (this.readyAt = this.exited ? undefined : Date.now()), readyIn)
  }

  /** The server's output so far. */
  serverLog(): string {
    try {
      return readFileSync(this.logFile, 'utf8')
    } catch {
      return ''
    }
  }

  sessionView(): Json {
    const podStatus = this.podStatus
    return {
      runtime_id: this.runtimeId,
      url: this.url,
      session_api_key: this.sessionApiKey,
      status: this.status,
      pod_status: podStatus,
      restart_count: this.restartCount,
      restart_reasons: [],
      container_statuses: [],
      events: [],
      pod_logs: podStatus === 'failed' ? this.serverLog().slice(-2_000) : '',
      image: this.image
    }
  }

  listView(): Json {
    return {
      runtime_id: this.runtimeId,
      session_id: this.sessionId,
      status: this.status,
      url: this.url,
      session_api_key: this.sessionApiKey,
      image: this.image,
      created_at: new Date(this.createdAt).toISOString()
    }
  }

  startView(): Json {
    return { runtime_id: this.runtimeId, url: this.url, session_api_key: this.sessionApiKey, status: this.status }
  }

  /**
   * A paused pod keeps its files (the conversation is on disk) but not its processes. The server
   * is shut down as a pod's container is, with SIGTERM first: killed outright it would leave its
   * conversations' owner leases held, and a restarted server would not serve them until they expire.
   */
  async pause(): Promise<void> {
    if (this.status !== 'running') return
    await this.kill(true)
    this.status = 'paused'
    this.pausedAt = Date.now()
  }

  async resume(): Promise<void> {
    if (this.status !== 'paused') return
    this.status = 'running'
    this.readyAt = undefined
    this.serverUpAt = undefined
    this.exited = undefined
    await this.start()
  }

  async stop(): Promise<void> {
    if (this.status === 'stopped') return
    this.status = 'stopped'
    this.stoppedAt = Date.now()
    await this.kill()
  }

  /** Whether the server process (or anything of its namespace) is still alive. */
  get alive(): boolean {
    return this.child !== undefined && this.exited === undefined
  }

  private async kill(graceful = false): Promise<void> {
    clearInterval(this.healthTimer)
    clearTimeout(this.readyTimer)
    const child = this.child
    if (!child || this.exited) return
    const gone = new Promise<void>(resolve => child.once('exit', () => resolve()))
    // unshare's child is the server (the PID namespace's init); unshare exits when it does.
    const server = graceful ? namespaceInit(child.pid) : undefined
    if (server) {
      process.kill(server, 'SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await gone
      clearTimeout(timer)
      return
    }
    child.kill('SIGKILL')
    await gone
  }

  async dispose(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function namespaceInit(pid: number | undefined): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]
    return first ? Number(first) : undefined
  } catch {
    return undefined
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
