import type { Capabilities } from '../agent-server/capabilities.js'
import { ACP_CONVERSATIONS, CONVERSATIONS, type AgentServer } from '../agent-server/client.js'
import { BASE_COMMIT_TAG, BASE_TREE_TAG } from '../agent-server/requests.js'
import type { ConversationState } from '../agent-server/types.js'
import { info } from '../log.js'
import { EMPTY_TREE, type SandboxRepo } from '../workspace.js'

export type ExistingConversation = ConversationState & { id: string }

/**
 * The conversation this run goes on with, if any: the one `conversation-id` names (an error when
 * the runtime has none of that id), or with `resume` on a re-run, the runtime's latest.
 */
export async function conversationToContinue(
  server: AgentServer,
  capabilities: Capabilities,
  continuation: { conversationId: string | null; resume: boolean; attempt: number },
  signal: AbortSignal
): Promise<ExistingConversation | undefined> {
  // An ACP conversation of v1.15–v1.26 lives under the ACP routes (protocol.md §G).
  const routes = capabilities.acpRoutes ? [CONVERSATIONS, ACP_CONVERSATIONS] : [CONVERSATIONS]
  if (continuation.conversationId) {
    const found = await server.findConversation(continuation.conversationId, routes, signal)
    if (!found) throw new Error(`Input 'conversation-id': the runtime has no conversation ${continuation.conversationId}.`)
    return found
  }
  if (!continuation.resume || continuation.attempt < 2) return undefined
  for (const route of routes) {
    const latest = await server.latestConversation(route, signal)
    if (latest) return latest
  }
  info('resume: the runtime holds no conversation of an earlier attempt; starting afresh.')
  return undefined
}

/** What the changes of a continued conversation are measured against: the checkout its first attempt uploaded. */
export async function continuedBase(server: AgentServer, workingDir: string, existing: ExistingConversation, signal: AbortSignal): Promise<SandboxRepo> {
  const tree = existing.tags?.[BASE_TREE_TAG]
  if (tree) return { baseTree: tree, baseCommit: existing.tags?.[BASE_COMMIT_TAG] ?? null }
  // A release that keeps no tags: the working directory's last commit.
  const head = await server.execute(`git -C '${workingDir.replace(/'/g, `'\\''`)}' rev-parse HEAD HEAD^{tree}`, '/', 30, signal)
  const [commit, headTree] = head.stdout.trim().split('\n')
  return head.exitCode === 0 && headTree ? { baseTree: headTree, baseCommit: commit } : { baseTree: EMPTY_TREE, baseCommit: null }
}
