import type { Faults } from './types.js'

/**
 * `faults.hang`: requests that are accepted and read, and never answered, as a stuck peer does.
 * A route is `<server> <METHOD> <path>`, e.g. `agent GET /api/conversations/{id}`, where `{x}` is
 * one path segment and a trailing `*` any rest; `registry HEAD /v2/*`, `agent WS /sockets/events/{id}`.
 */
export interface HangRoute {
  route: string
  /** How many matching requests hang; absent: every one. */
  times?: number
}

export function shouldHang(faults: Faults, server: 'registry' | 'runtime' | 'agent', method: string, path: string): boolean {
  const hang = faults.hang.find(entry => (entry.times === undefined || entry.times > 0) && matches(entry.route, server, method, path))
  if (!hang) return false
  if (hang.times !== undefined) hang.times--
  return true
}

function matches(route: string, server: string, method: string, path: string): boolean {
  const [routeServer, routeMethod, template] = route.split(' ')
  if (routeServer !== server || routeMethod !== method || !template) return false
  const source = template
    .split(/(\{\w+\})/)
    .map(part => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*$/, '.*')))
    .join('')
  return new RegExp(`^${source}$`).test(path)
}
