import semver from 'semver'

/** What a given agent-server version offers (protocol.md §B.2, §B.14). */
export interface ServerFeatures {
  firstMessageWsAuth: boolean
  resendMode: boolean
  agentFinalResponse: boolean
  interrupt: boolean
  fileQueryRoutes: boolean
  filePathRoutes: boolean
  readyRoute: boolean
  /** ACP conversations are created, read and counted under /api/acp/conversations (v1.15.0 until v1.27.0, protocol.md §G). */
  acpRoutes: boolean
  /** ACPAgent goes through /api/conversations like any agent (v1.27.0+). */
  acpOnConversations: boolean
  /** New conversations are titled by an LLM call unless `autotitle: false`: in v1.43.1's source and on v1.58.2, not on v1.11.0 (first release unknown). */
  autotitle: boolean
}

export function featuresOf(version: string): ServerFeatures {
  const current = semver.coerce(version) ?? '0.0.0'
  const at = (min: string) => semver.gte(current, min)
  return {
    firstMessageWsAuth: at('1.18.1'),
    // resend_mode is "newer" than v1.11.x; the exact release is not known.
    resendMode: at('1.12.0'),
    agentFinalResponse: at('1.17.0'),
    interrupt: at('1.23.0'),
    fileQueryRoutes: at('1.13.1'),
    filePathRoutes: !at('1.20.0'),
    readyRoute: at('1.11.2'),
    acpRoutes: at('1.15.0') && !at('1.27.0'),
    acpOnConversations: at('1.27.0'),
    autotitle: at('1.43.0')
  }
}
