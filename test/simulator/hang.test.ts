import { describe, expect, it } from 'vitest'
import { shouldHang } from './hang.js'
import { NO_FAULTS, type Faults } from './types.js'

const faults = (hang: Faults['hang']): Faults => ({ ...NO_FAULTS, hang })

describe('faults.hang routes', () => {
  it('match server, method and path, with {x} for one segment and a trailing * for the rest', () => {
    const f = faults([{ route: 'agent GET /api/conversations/{id}' }, { route: 'registry HEAD /v2/*' }])
    expect(shouldHang(f, 'agent', 'GET', '/api/conversations/abc')).toBe(true)
    expect(shouldHang(f, 'agent', 'GET', '/api/conversations/abc/events/search')).toBe(false)
    expect(shouldHang(f, 'agent', 'POST', '/api/conversations/abc')).toBe(false)
    expect(shouldHang(f, 'runtime', 'GET', '/api/conversations/abc')).toBe(false)
    expect(shouldHang(f, 'registry', 'HEAD', '/v2/openhands/agent-server/manifests/x')).toBe(true)
  })

  it('count down when given times', () => {
    const f = faults([{ route: 'runtime POST /stop', times: 2 }])
    expect([1, 2, 3].map(() => shouldHang(f, 'runtime', 'POST', '/stop'))).toEqual([true, true, false])
  })
})
