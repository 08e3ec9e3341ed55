import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { capabilitiesOf } from '../../src/agent-server/capabilities.js'
import type { AgentServer } from '../../src/agent-server/client.js'
import { EventStream } from '../../src/agent-server/events.js'
import type { AgentEvent } from '../../src/agent-server/types.js'

const event = (id: string): AgentEvent => ({ id, kind: 'MessageEvent', source: 'agent', timestamp: '2026-12-03T09:00:00.000000' }) as AgentEvent
/** What a real server sends first on subscribing to a conversation it has not loaded: a state event that is in no log. */
const unsavedIdle = { id: 'unsaved-idle', kind: 'ConversationStateUpdateEvent', source: 'environment', key: 'execution_status', value: 'idle' }

const servers: WebSocketServer[] = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate()
    server.close()
  }
})

/**
 * An agent server as v1.58.2 answers events/search: `page_id` inclusive, and an id it never
 * stored answered with the log from event 0. Its socket runs `script` per connection.
 */
async function fakeServer(
  log: AgentEvent[],
  script: (socket: WebSocket, connection: number) => void
): Promise<{ server: AgentServer; searches: Array<string | undefined> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(wss)
  await new Promise(resolve => wss.once('listening', resolve))
  let connections = 0
  wss.on('connection', socket => socket.once('message', () => script(socket, ++connections)))
  const searches: Array<string | undefined> = []
  const server = {
    sessionApiKey: 'key',
    eventsSocketUrl: () => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/sockets/events/c1`,
    searchEvents: async (_id: string, pageId: string | undefined) => {
      searches.push(pageId)
      const at =
        pageId === undefined
          ? 0
          : Math.max(
              0,
              log.findIndex(e => e.id === pageId)
            )
      return { items: log.slice(at), next_page_id: null }
    }
  } as unknown as AgentServer
  return { server, searches }
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 10))
  expect(check()).toBe(true)
}

describe('EventStream', () => {
  it('delivers every logged event once, in order, across a reconnect whose last event the server never stored', async () => {
    const log = [event('e0'), event('e1')]
    const { server, searches } = await fakeServer(log, (socket, connection) => {
      socket.send(JSON.stringify(unsavedIdle))
      if (connection === 1) {
        // e2 beats its own write to the log, then the connection drops.
        setTimeout(() => {
          socket.send(JSON.stringify(event('e2')))
          setTimeout(() => socket.terminate(), 20)
        }, 50)
      } else {
        log.push(event('e2'), event('e3'))
        socket.send(JSON.stringify(event('e3')))
      }
    })
    const delivered: string[] = []
    const stream = new EventStream(server, 'c1', capabilitiesOf('1.58.2'), {
      onEvent: e => delivered.push(e.id),
      onSnapshot: () => undefined,
      onFatal: err => {
        throw err
      }
    })
    await stream.open()
    await until(() => delivered.includes('e3'))
    await stream.catchUp()
    stream.close()
    // The reconnect's catch-up asked from e2, which the server did not know yet: a replay from e0.
    expect(searches).toContain('e2')
    expect(delivered).toEqual(['e0', 'e1', 'e2', 'e3'])
  })
})
