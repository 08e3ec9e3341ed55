import coerce from 'semver/functions/coerce.js'
import gte from 'semver/functions/gte.js'

/**
 * What an agent-server version supports (protocol.md B.14, G). Every version difference the
 * client cares about is decided here, from the version /server_info reports; an unknown
 * version is taken as current, and callers still fall back when a newer route answers 404.
 */
export interface Capabilities {
  version: string
  /** WebSocket auth by a first `{"type":"auth"}` frame (v1.18.1+); older servers need `?session_api_key=`. */
  firstMessageAuth: boolean
  /** `GET /api/conversations/{id}/agent_final_response` (v1.17.0+). */
  finalResponse: boolean
  /** `POST /api/conversations/{id}/interrupt` (v1.23.0+); older servers only have `/pause`. */
  interrupt: boolean
  /** File upload/download with `?path=` (v1.13.1+); older servers only have `/api/file/upload/{path}`. */
  fileQueryRoutes: boolean
  /** ACP conversations are created and read under /api/acp/conversations (v1.15.0 until v1.27.0). */
  acpRoutes: boolean
}

export function capabilitiesOf(version: string | undefined): Capabilities {
  // `v1.18`, `1.18.1rc1` and the like: the leading numbers decide.
  const v = coerce(version ?? '')
  const atLeast = (min: string): boolean => v === null || gte(v, min)
  return {
    version: version || 'unknown',
    firstMessageAuth: atLeast('1.18.1'),
    finalResponse: atLeast('1.17.0'),
    interrupt: atLeast('1.23.0'),
    fileQueryRoutes: atLeast('1.13.1'),
    acpRoutes: v !== null && atLeast('1.15.0') && !atLeast('1.27.0')
  }
}
