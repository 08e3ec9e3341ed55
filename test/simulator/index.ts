import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { listen, newServer, ServerPool, type SimContext } from './context.js'
import { loadValidator } from './openapi.js'
import { startRegistry } from './registry.js'
import { Runtime } from './runtime.js'
import { runtimeApiListener } from './runtime-api.js'
import { Sandbox } from './sandbox.js'
import { defaultScript } from './scripts.js'
import type { AgentScript } from './scripts.js'
import { NO_FAULTS, type Faults, type RecordedRequest, type SimRuntime, type SimTaps, type Simulator, type SimulatorOptions } from './types.js'
import { featuresOf } from './version.js'

export type { Faults, RecordedRequest, SimConversation, SimRuntime, SimTaps, Simulator, SimulatorOptions } from './types.js'
export type { AgentScript, AgentStep, StepContext } from './scripts.js'
export type { HangRoute } from './hang.js'
export { bulkScript, defaultScript, editScript, errorScript, longScript, scripts, stuckScript } from './scripts.js'

/** Beside the repository, not part of it: /work/shared/agent-server-openapi.json for /work/main. */
const DEFAULT_OPENAPI = fileURLToPath(new URL('../../../shared/agent-server-openapi.json', import.meta.url))

/** Starts a Runtime API on 127.0.0.1 (ephemeral port unless `port` is given); runtimes start agent servers of their own. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const log = options.log ?? (() => {})
  const runtimeApiKey = options.runtimeApiKey ?? 'sim-runtime-key'
  const serverVersion = options.serverVersion ?? '1.43.1'
  const faults: Faults = { ...NO_FAULTS, hang: [], ...options.faults }
  const requests: RecordedRequest[] = []
  const validationErrors: string[] = []
  const runtimes: Runtime[] = []
  const pool = new ServerPool()
  const taps: SimTaps = {}
  const record = (request: RecordedRequest): void => {
    requests.push(request)
    taps.request?.(request)
  }

  const ctx: SimContext = {
    runtimeApiKey,
    serverVersion,
    reportedVersion: options.reportedVersion ?? serverVersion,
    features: featuresOf(serverVersion),
    provisioningMs: options.provisioningMs ?? 300,
    script: options.script ?? defaultScript,
    faults,
    taps,
    validator: loadValidator(options.openapiPath === undefined ? DEFAULT_OPENAPI : options.openapiPath, log),
    record,
    validationError: line => {
      validationErrors.push(line)
      log(`validation error: ${line}`)
    },
    log,
    eventPublished: (event, where) => {
      taps.event?.(event, where)
      if (faults.stopRuntimeAfterEvents === null || --faults.stopRuntimeAfterEvents > 0) return
      faults.stopRuntimeAfterEvents = null
      const runtime = runtimes.find(r => r.runtimeId === where.runtimeId)
      log(`fault: tearing down runtime ${where.runtimeId} mid-run`)
      void runtime?.stop()
    },
    frameSent: () => {
      if (faults.wsDropAfterEvents === null || --faults.wsDropAfterEvents > 0) return
      faults.wsDropAfterEvents = null
      log('fault: dropping every event WebSocket')
      taps.socketsDropped?.()
      for (const runtime of runtimes) runtime.dropEventSockets()
    }
  }

  const startRuntime = async (sessionId: string, image: string, body: Record<string, unknown>): Promise<Runtime> => {
    const runtime = new Runtime(ctx, await newServer(), Sandbox.create('runtime'), { sessionId, image, startBody: body })
    runtimes.push(runtime)
    log(`runtime ${runtime.runtimeId} started for session ${sessionId} (agent server ${runtime.url})`)
    return runtime
  }

  const api = createServer(runtimeApiListener(ctx, { runtimes, startRuntime }))
  const url = await listen(api, options.port ?? 0)
  await pool.fill()
  const registry = await startRegistry(record, faults)

  return {
    url,
    runtimeApiKey,
    runtimes,
    requests,
    validationErrors,
    faults,
    taps,
    get script(): AgentScript {
      return ctx.script
    },
    set script(script: AgentScript) {
      ctx.script = script
    },
    registryUrl: registry.url,
    registry: registry.state,
    addRuntime(init): SimRuntime {
      const runtime = new Runtime(ctx, pool.takeNow(), Sandbox.create('runtime'), {
        sessionId: init.sessionId,
        image: 'ghcr.io/openhands/agent-server:main-python',
        status: init.status,
        podStatus: init.podStatus ?? 'ready',
        createdAt: init.createdAt
      })
      runtimes.push(runtime)
      return runtime
    },
    async close(): Promise<void> {
      await Promise.all(runtimes.map(r => r.dispose()))
      await pool.close()
      await registry.close()
      await new Promise<void>(resolve => {
        api.close(() => resolve())
        api.closeAllConnections()
      })
    }
  }
}
