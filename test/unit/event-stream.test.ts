import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { capabilitiesOf } from '../../src/agent-server/capabilities.js'
import type { AgentServer } from '../../src/agent-server/client.js'
import { EventStream } from '../../src/agent-server/events.js'
import type { AgentEvent } from '../../src/agent-server/types.js'

const event = (id: string): AgentEvent => ({ id, kind: 'MessageEvent', source: 'agent', timestamp: '2026-12-03T09:00:00.000000' }) as AgentEvent
const stateUpdate = (id: string, value: string): AgentEvent =>
  ({ id, kind: 'ConversationStateUpdateEvent', source: 'environment', key: 'execution_status', value }) as AgentEvent
/** What a real server sends first on subscribing to a conversation it has not loaded: a state event that is in no log. */
const unsavedIdle = stateUpdate('unsaved-idle', 'idle')
const send = (socket: WebSocket, ...events: AgentEvent[]): void => events.forEach(e => socket.send(JSON.stringify(e)))

const servers: WebSocketServer[] = []
const streams: EventStream[] = []
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close()
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate()
    server.close()
  }
})

interface FakeServer {
  server: AgentServer
  /** page_id of every events/search, in order (undefined: from the start). */
  searches: Array<string | undefined>
  /** Searches for a page id the log does not hold, answered with the log from event 0. */
  replays: number
  /** The server side of every connection, in order, once authenticated. */
  sockets: WebSocket[]
  /** While set, events/search waits for it. */
  gate?: Promise<void>
}

/**
 * An agent server as v1.58.2 answers events/search: `page_id` inclusive, pages of `pageSize`, and
 * an id it never stored answered with the log from event 0. Its socket runs `script` per
 * connection, once the client has authenticated.
 */
async function fakeServer(log: AgentEvent[], script: (socket: WebSocket, connection: number) => void = () => undefined, pageSize = 100): Promise<FakeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(wss)
  await new Promise(resolve => wss.once('listening', resolve))
  const fake: FakeServer = { server: undefined as unknown as AgentServer, searches: [], replays: 0, sockets: [] }
  wss.on('connection', socket =>
    socket.once('message', () => {
      fake.sockets.push(socket)
      script(socket, fake.sockets.length)
    })
  )
  fake.server = {
    sessionApiKey: 'key',
    eventsSocketUrl: () => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/sockets/events/c1`,
    searchEvents: async (_id: string, pageId: string | undefined) => {
      fake.searches.push(pageId)
      await fake.gate
      const found = pageId === undefined ? 0 : log.findIndex(e => e.id === pageId)
      if (found === -1) fake.replays++
      const at = Math.max(0, found)
      return { items: log.slice(at, at + pageSize), next_page_id: log[at + pageSize]?.id ?? null }
    }
  } as unknown as AgentServer
  return fake
}

/** An EventStream on the fake server, with what it delivered and the snapshots it was handed. */
function follow(server: AgentServer): { stream: EventStream; delivered: string[]; snapshots: unknown[] } {
  const delivered: string[] = []
  const snapshots: unknown[] = []
  const stream = new EventStream(server, 'c1', capabilitiesOf('1.58.2'), {
    onEvent: e => delivered.push(e.id),
    onSnapshot: state => snapshots.push(state),
    onFatal: err => {
      throw err
    }
  })
  streams.push(stream)
  return { stream, delivered, snapshots }
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 10))
  expect(check()).toBe(true)
}

describe('EventStream', () => {
  it('delivers every logged event once, in order, across a reconnect whose last event the server never stored: its replay from event 0 is skipped by count, over several pages', async () => {
    const log = ['e0', 'e1', 'e2', 'e3', 'e4'].map(event)
    const fake = await fakeServer(log, socket => send(socket, unsavedIdle), 2)
    const { stream, delivered } = follow(fake.server)
    await stream.open()
    // e5 beats its own write to the log, then the connection drops.
    send(fake.sockets[0], event('e5'))
    await until(() => delivered.includes('e5'))
    fake.sockets[0].terminate()
    // The reconnect's catch-up asks from e5, which the server does not hold yet.
    await until(() => fake.replays === 1 && stream.connected)
    log.push(event('e5'), event('e6'))
    send(fake.sockets[1], event('e6'))
    await until(() => delivered.includes('e6'))
    await stream.catchUp()
    expect(delivered).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'])
    expect(fake.replays).toBe(1)
  })

  it("never delivers a connection's first state frame; later state updates are events, full_state a snapshot", async () => {
    const running = stateUpdate('s1', 'running')
    const log = [event('e0')]
    const fake = await fakeServer(log, (socket, connection) => send(socket, stateUpdate(`unsaved-${connection}`, 'idle')))
    const { stream, delivered, snapshots } = follow(fake.server)
    await stream.open()
    log.push(running)
    send(fake.sockets[0], { id: 'fs', kind: 'ConversationStateUpdateEvent', key: 'full_state', value: { execution_status: 'running' } } as AgentEvent, running)
    await until(() => delivered.includes('s1'))
    fake.sockets[0].terminate()
    // The reconnect's first frame is again a state event that is in no log.
    await until(() => fake.sockets.length === 2 && stream.connected)
    await stream.catchUp()
    expect(delivered).toEqual(['e0', 's1'])
    expect(snapshots).toEqual([{ execution_status: 'running' }])
  })

  it('holds socket frames while REST catches up, then delivers each event once, in log order', async () => {
    const log = [event('e0')]
    let release = (): void => undefined
    const fake = await fakeServer(log, socket => {
      // The subscription's catch-up is held until the socket has sent e2 (e1 was published before the subscription took).
      fake.gate = new Promise(resolve => (release = resolve))
      send(socket, unsavedIdle)
      log.push(event('e1'), event('e2'))
      send(socket, event('e2'))
    })
    const { stream, delivered } = follow(fake.server)
    const opened = stream.open()
    await until(() => fake.searches.length === 1)
    // e2 was sent right behind the frame that started the catch-up: let it land in the queue.
    await new Promise(resolve => setTimeout(resolve, 50))
    fake.gate = undefined
    release()
    await opened
    expect(delivered).toEqual(['e0', 'e1', 'e2'])
  })

  it('drops frames that REST already delivered when they arrive late on the socket', async () => {
    const log = [event('e0')]
    const fake = await fakeServer(log, socket => {
      // Written to the log before the socket sends them: the subscription's catch-up gets them first.
      log.push(event('e1'), event('e2'))
      send(socket, unsavedIdle)
    })
    const { stream, delivered } = follow(fake.server)
    await stream.open()
    expect(delivered).toEqual(['e0', 'e1', 'e2'])
    log.push(event('e3'))
    send(fake.sockets[0], event('e1'), event('e2'), event('e3'))
    await until(() => delivered.includes('e3'))
    expect(delivered).toEqual(['e0', 'e1', 'e2', 'e3'])
  })

  it('after a drop, fetches the gap over REST from the last event it holds, not the whole log', async () => {
    const log = [event('e0'), event('e1')]
    const fake = await fakeServer(log, socket => send(socket, unsavedIdle))
    const { stream, delivered } = follow(fake.server)
    await stream.open()
    fake.sockets[0].terminate()
    // Published while no socket was connected.
    log.push(event('e2'), event('e3'))
    const searchesBefore = fake.searches.length
    await until(() => fake.sockets.length === 2 && stream.connected)
    log.push(event('e4'))
    send(fake.sockets[1], event('e4'))
    await until(() => delivered.includes('e4'))
    expect(delivered).toEqual(['e0', 'e1', 'e2', 'e3', 'e4'])
    expect(fake.searches.slice(searchesBefore)).toEqual(['e1'])
  })
})
