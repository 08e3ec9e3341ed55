import type { HangRoute } from './hang.js'
import type { RegistryState } from './registry.js'
import type { AgentScript } from './scripts.js'

/**
 * Callbacks that see what the simulator does, the moment it does it: for tests and the bench,
 * instead of patching its classes. Each one is called synchronously, before the simulator goes on.
 */
export interface SimTaps {
  /** Every request to any of its servers, as `requests` records it (WebSocket handshakes with method 'WS'). */
  request?(request: RecordedRequest): void
  /** Every event a conversation adds to its log (what events/search serves; not the WebSocket-only full_state). */
  event?(event: Readonly<Record<string, unknown>>, where: { runtimeId: string; conversationId: string }): void
  /** A page of events/search was served: the page asked for (undefined: the first) and how many events it held. */
  eventsSearched?(search: { runtimeId: string; conversationId: string; pageId: string | undefined; items: number }): void
  /** faults.wsDropAfterEvents fired: every conversation-event WebSocket is dropped right after this returns. */
  socketsDropped?(): void
}

export interface SimulatorOptions {
  /** Expected X-API-Key of the Runtime API; a wrong or missing key answers 401. */
  runtimeApiKey?: string
  /** Agent-server version reported by /server_info; selects the routes of that version (protocol.md §B.14). */
  serverVersion?: string
  /** What /server_info says, when it should differ from the behaviour (e.g. a dev build that reports no release). */
  reportedVersion?: string
  /** Time from /start (or /resume) until pod_status 'ready'; 'pending' turns 'running' at half of it. */
  provisioningMs?: number
  /** What the scripted agent does on each /run. */
  script?: AgentScript
  faults?: Partial<Faults>
  /** OpenAPI description used to validate request bodies; null = no validation. */
  openapiPath?: string | null
  log?: (line: string) => void
  /** Port of the Runtime API; default ephemeral. Agent servers always get ephemeral ports. */
  port?: number
}

export interface Simulator {
  /** Runtime API base URL, e.g. http://127.0.0.1:41234 */
  url: string
  runtimeApiKey: string
  /** Every runtime ever started, in order. */
  runtimes: SimRuntime[]
  /** Every HTTP request to both servers, in order; WebSocket connections have method 'WS'. */
  requests: RecordedRequest[]
  /** Requests that did not match the OpenAPI description or protocol.md rules. */
  validationErrors: string[]
  /** Mutable at run time; the counting faults count down as they fire. */
  faults: Faults
  /** Mutable at run time: callbacks that see every request and event as it happens. */
  taps: SimTaps
  /** What the scripted agent does on each /run; may be replaced at any time, and applies from the next /run. */
  script: AgentScript
  /** Base URL of the container registry stub (map ghcr.io to it with OPENHANDS_REGISTRY_MIRROR). */
  registryUrl: string
  /** What the registry stub holds: every image exists unless listed here. */
  registry: RegistryState
  /** `createdAt` (epoch ms) backdates the runtime's created_at in GET /list; null leaves created_at out. */
  addRuntime(init: { sessionId: string; status: 'running' | 'paused' | 'stopped'; podStatus?: string; createdAt?: number | null }): SimRuntime
  close(): Promise<void>
}

export interface SimRuntime {
  readonly runtimeId: string
  readonly sessionId: string
  /** 'running' | 'paused' | 'stopped' */
  readonly status: string
  /** 'pending' | 'running' | 'ready' | 'crashloopbackoff' | 'failed' | 'not found' */
  readonly podStatus: string
  readonly url: string
  readonly sessionApiKey: string
  readonly image: string
  /** The /start request body as received (undefined for addRuntime). */
  readonly startBody: unknown
  readonly startedAt: number
  /** What GET /list gives as created_at (startedAt unless addRuntime set it); null = no timestamp. */
  readonly createdAt: number | null
  readonly stoppedAt?: number
  readonly pausedAt?: number
  /** When pod_status last became 'ready'. */
  readonly readyAt?: number
  readonly restartCount: number
  /** Host directory that stands for the sandbox's '/'. */
  readonly sandboxDir: string
  readonly conversations: ReadonlyMap<string, SimConversation>
}

export interface SimConversation {
  readonly id: string
  readonly executionStatus: string
  /** The persisted event log, as served by events/search. */
  readonly events: readonly Record<string, unknown>[]
  /** Secrets as sent by the client (unmasked), by name. */
  readonly secrets: ReadonlyMap<string, string>
  /** How many runs have been started. */
  readonly runCount: number
  /** The create-conversation request body as received. */
  readonly request: Record<string, unknown>
}

export interface RecordedRequest {
  server: 'runtime' | 'agent' | 'registry'
  runtimeId?: string
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: unknown
  /** Date.now() when the request arrived. */
  at: number
}

export interface Faults {
  /** pod_status goes to 'crashloopbackoff' (restart reasons OOMKilled) instead of 'ready'. */
  crashLoop: boolean
  /** pod_status goes to 'failed', with pod_logs. */
  podFailed: boolean
  /** pod_status stays 'pending'. */
  neverReady: boolean
  /** The next N Runtime API requests answer 503. */
  runtimeApiErrors: number
  /** The next N Runtime API requests answer 429 with Retry-After: 1. */
  runtimeApi429: number
  /** After N more event frames have been sent (over all sockets), every event WebSocket is dropped without a close frame; then the fault resets to null. */
  wsDropAfterEvents: number | null
  /** WebSockets are accepted and authenticated but never sent anything. */
  wsSilent: boolean
  /** After N more events are published, the runtime that published the Nth is torn down (as a force-stop); then the fault resets to null. */
  stopRuntimeAfterEvents: number | null
  /** For this long after the agent server starts answering, GET /sessions still says pod_status 'running'. */
  statusLagMs: number
  /** Deferred init: for this long after the pod is ready, /health answers ok while every /api route answers 503 (protocol.md B.3). */
  deferredInitMs: number
  /** The next N agent-server /api requests answer 503 'no available server'. */
  agentServerErrors: number
  /** POST /start of a new runtime answers 429 with Retry-After: 1 while this many runtimes are running; null = no limit. */
  maxRunning: number | null
  /** Requests (registry, Runtime API, agent server, WebSocket handshake) that are read and never answered (hang.ts). */
  hang: HangRoute[]
}

export const NO_FAULTS: Faults = {
  crashLoop: false,
  podFailed: false,
  neverReady: false,
  runtimeApiErrors: 0,
  runtimeApi429: 0,
  wsDropAfterEvents: null,
  wsSilent: false,
  stopRuntimeAfterEvents: null,
  agentServerErrors: 0,
  deferredInitMs: 0,
  statusLagMs: 0,
  maxRunning: null,
  hang: []
}
