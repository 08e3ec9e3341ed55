import { createServer as createHttpServer } from 'node:http'
import { connect, createServer, type Socket } from 'node:net'
import { listen } from '../simulator/context.js'
import type { Json } from '../simulator/events.js'
import { startRegistry } from '../simulator/registry.js'
import { runtimeApiListener } from '../simulator/runtime-api.js'
import { NO_FAULTS, type Faults, type RecordedRequest } from '../simulator/types.js'
import { RealPod } from './pod.js'
import { INSTALL_DIR, installedRelease } from './releases.js'

export interface RealRuntimeApi {
  url: string
  runtimeApiKey: string
  /** Every pod started, in order. */
  pods: RealPod[]
  /** Runtime API and registry requests (agent-server requests go straight to the real server). */
  requests: RecordedRequest[]
  validationErrors: string[]
  faults: Faults
  registryUrl: string
  /** Proxies between the action and each pod's server, by runtime id: cut its sockets on demand. */
  proxies: Map<string, CuttingProxy>
  /** Resolves when the warm pod's server answers (at once without `warm`). */
  warmedUp(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface RealRuntimeApiOptions {
  log?: (line: string) => void
  /**
   * Provisioning time of every pod (RealPod's `provisioningMs`). With it set, the pod's URL answers
   * 503 until the pod is ready, as an ingress does before its pod passes the readiness probe.
   */
  provisioningMs?: number
  /**
   * Start one pod's server before any /start and hand it to the first /start (a warm pool), so
   * that P is the provisioning time alone, not the server's own start-up on a loaded machine.
   */
  warm?: boolean
}

/**
 * The simulated Runtime API (test/simulator/runtime-api.ts) whose `POST /start` launches a real
 * agent server of `version` as the pod. The URL it hands out is a proxy in front of the server,
 * so a test can drop the events socket as a flaky ingress would.
 */
export async function startRealRuntimeApi(version: string, options: RealRuntimeApiOptions = {}): Promise<RealRuntimeApi> {
  const install = installedRelease(version)
  if (!install) throw new Error(`agent server ${version} is not installed: run npm run real-server:setup`)
  const requests: RecordedRequest[] = []
  const validationErrors: string[] = []
  const faults: Faults = { ...NO_FAULTS }
  const pods: RealPod[] = []
  const proxies = new Map<string, CuttingProxy>()
  const runtimeApiKey = 'real-runtime-api-key'

  const launch = async (sessionId: string, image: string, body: Json, warm: boolean): Promise<ProxiedPod> => {
    const pod = new ProxiedPod({
      install,
      installDir: INSTALL_DIR,
      sessionId,
      image,
      startBody: body,
      log: options.log,
      provisioningMs: options.provisioningMs,
      warm
    })
    await pod.start()
    const proxy = await startCuttingProxy(pod.port, options.provisioningMs === undefined ? undefined : () => pod.readyAt !== undefined)
    pod.proxyUrl = proxy.url
    proxies.set(pod.runtimeId, proxy)
    return pod
  }
  let warmPod = options.warm ? await launch('', '', {}, true) : undefined
  const startRuntime = async (sessionId: string, image: string, body: Json): Promise<RealPod> => {
    const pod = warmPod ?? (await launch(sessionId, image, body, false))
    if (pod === warmPod) {
      warmPod = undefined
      pod.adopt(sessionId, image, body)
    }
    pods.push(pod)
    return pod
  }
  const warming = warmPod

  const api = createHttpServer(
    runtimeApiListener(
      { runtimeApiKey, faults, record: request => requests.push(request), validationError: line => validationErrors.push(line) },
      { runtimes: pods, startRuntime }
    )
  )
  const url = await listen(api)
  const registry = await startRegistry(request => requests.push(request), faults)
  return {
    url,
    runtimeApiKey,
    pods,
    requests,
    validationErrors,
    faults,
    registryUrl: registry.url,
    proxies,
    async warmedUp(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs
      while (warming && !warming.serverUpAt) {
        if (!warming.alive || Date.now() > deadline) throw new Error(`the warm pod's server did not come up:\n${warming.serverLog().slice(-2_000)}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    },
    async close() {
      await Promise.all([...pods, ...(warmPod ? [warmPod] : [])].map(pod => pod.dispose()))
      await Promise.all([...proxies.values()].map(proxy => proxy.close()))
      await registry.close()
      await new Promise<void>(resolve => {
        api.close(() => resolve())
        api.closeAllConnections()
      })
    }
  }
}

/** A pod whose advertised URL is the proxy's. */
class ProxiedPod extends RealPod {
  proxyUrl = ''
  override get url(): string {
    return this.proxyUrl || super.url
  }
}

/** The URL the pod's own process listens on (for the test's own requests to the real server). */
export function directUrl(pod: RealPod): string {
  return `http://127.0.0.1:${pod.port}`
}

export interface CuttingProxy {
  url: string
  /** Request lines seen going to the server (method and path, query cut off), in order; 'WS' for socket upgrades; `refused` when answered 503 before ready. */
  readonly requests: Array<{ method: string; path: string; at: number; refused?: boolean }>
  /** Destroys every open WebSocket connection (as an ingress timing out would); new ones are let through. */
  cutSockets(): number
  close(): Promise<void>
}

/** A TCP proxy that knows which of its connections are WebSocket upgrades; with `open`, it answers 503 while `open()` is false. */
async function startCuttingProxy(targetPort: number, open?: () => boolean): Promise<CuttingProxy> {
  const sockets = new Set<{ client: Socket; upstream?: Socket; upgrade: boolean }>()
  const requests: CuttingProxy['requests'] = []
  const requestLine = (chunk: Buffer): { method: string; path: string } | undefined => {
    const line = /^(GET|POST|PUT|PATCH|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1', 0, 2_048))
    return line ? { method: line[1], path: line[2].split('?')[0] } : undefined
  }
  const server = createServer(client => {
    const entry: { client: Socket; upstream?: Socket; upgrade: boolean } = { client, upgrade: false }
    sockets.add(entry)
    const end = (): void => {
      sockets.delete(entry)
      client.destroy()
      entry.upstream?.destroy()
    }
    client.on('error', end).on('close', end)
    client.once('data', (first: Buffer) => {
      entry.upgrade = /^GET [^\r\n]*\r\n(?:[^\r\n]+\r\n)*?upgrade: *websocket/im.test(first.toString('latin1'))
      if (open && !open()) {
        const line = requestLine(first)
        if (line) requests.push({ method: entry.upgrade ? 'WS' : line.method, path: line.path, at: Date.now(), refused: true })
        client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 20\r\nconnection: close\r\n\r\nno healthy upstream\n')
        return
      }
      const upstream = connect(targetPort, '127.0.0.1')
      entry.upstream = upstream
      upstream.on('error', end).on('close', end)
      const note = (chunk: Buffer): void => {
        const line = requestLine(chunk)
        if (line) requests.push({ method: entry.upgrade ? 'WS' : line.method, path: line.path, at: Date.now() })
      }
      note(first)
      client.on('data', note)
      upstream.write(first)
      client.pipe(upstream)
      upstream.pipe(client)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutSockets() {
      let cut = 0
      for (const entry of sockets) {
        if (!entry.upgrade) continue
        entry.client.destroy()
        entry.upstream?.destroy()
        cut++
      }
      return cut
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const entry of sockets) {
          entry.client.destroy()
          entry.upstream?.destroy()
        }
        server.close(() => resolve())
      })
  }
}
