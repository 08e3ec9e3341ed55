import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RequestValidator } from './openapi.js'
import type { AgentScript } from './scripts.js'
import type { Faults, RecordedRequest, SimTaps } from './types.js'
import type { ServerFeatures } from './version.js'

/** What every part of the simulator shares: settings, faults, and the records tests inspect. */
export interface SimContext {
  readonly runtimeApiKey: string
  readonly serverVersion: string
  readonly reportedVersion: string
  readonly features: ServerFeatures
  readonly provisioningMs: number
  /** Read at each /run: Simulator.script may replace it at any time. */
  script: AgentScript
  readonly faults: Faults
  readonly taps: SimTaps
  readonly validator: RequestValidator
  record(request: RecordedRequest): void
  validationError(line: string): void
  log(line: string): void
  /** A runtime's conversation persisted an event (taps.event; drives faults.stopRuntimeAfterEvents). */
  eventPublished(event: Readonly<Record<string, unknown>>, where: { runtimeId: string; conversationId: string }): void
  /** An event frame went out on a WebSocket (drives faults.wsDropAfterEvents). */
  frameSent(): void
}

export interface ListeningServer {
  server: Server
  url: string
}

export async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/**
 * Agent servers ready to be handed out. Binding a port is asynchronous, but
 * Simulator.addRuntime must return a runtime (with its URL) at once, so one is kept ready.
 */
export class ServerPool {
  private spare: ListeningServer[] = []
  private refill?: Promise<void>

  async fill(): Promise<void> {
    while (this.spare.length < 2) this.spare.push(await newServer())
  }

  takeNow(): ListeningServer {
    const server = this.spare.shift()
    if (!server) throw new Error('simulator: no agent server ready; await a moment between addRuntime calls')
    this.refill ??= this.fill().finally(() => (this.refill = undefined))
    return server
  }

  async close(): Promise<void> {
    await this.refill
    for (const { server } of this.spare.splice(0)) server.close()
  }
}

export async function newServer(): Promise<ListeningServer> {
  const server = createServer()
  return { server, url: await listen(server) }
}
