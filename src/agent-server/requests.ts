/** The bodies the action sends to start an agent: the conversation request, and an ACP agent's environment. */

/** The default OpenHands agent (with the SDK's condenser unless turned off), or an agent CLI spoken to over the Agent Client Protocol. */
export type AgentSpec = { kind: 'openhands'; condenser: boolean } | { kind: 'acp'; command: string[]; model: string | null }

export interface LlmSpec {
  model: string
  apiKey: string
  baseUrl: string | null
}

export interface ConversationSpec {
  agent: AgentSpec
  llm: LlmSpec
  workingDir: string
  maxIterations: number
}

/** What the checkout uploaded was: kept in the conversation's tags, so that a later attempt can diff against it. */
export interface BaseSnapshot {
  tree: string
  commit: string | null
}

/** Tag keys are lower-case letters and digits. */
export const BASE_TREE_TAG = 'ohrrbasetree'
export const BASE_COMMIT_TAG = 'ohrrbasecommit'

/** The conversation request: the default agent with terminal, file_editor and task_tracker (protocol.md B.4, B.5). */
export function conversationRequest(spec: ConversationSpec, base?: BaseSnapshot): Record<string, unknown> {
  const { agent } = spec
  return {
    agent:
      agent.kind === 'acp'
        ? // An ACPAgent runs an agent CLI over the Agent Client Protocol; its provider key is in the sandbox's environment (protocol.md §G).
          { kind: 'ACPAgent', acp_command: agent.command, acp_args: [], acp_model: agent.model }
        : openhandsAgent(spec.llm, agent.condenser),
    workspace: { kind: 'LocalWorkspace', working_dir: spec.workingDir },
    initial_message: null,
    max_iterations: spec.maxIterations,
    stuck_detection: true,
    confirmation_policy: { kind: 'NeverConfirm' },
    // The server titles new conversations with an extra call on the agent's LLM, which counts toward max-cost (protocol-notes.md).
    autotitle: false,
    // Releases without tags ignore them.
    ...(base ? { tags: { [BASE_TREE_TAG]: base.tree, ...(base.commit ? { [BASE_COMMIT_TAG]: base.commit } : {}) } } : {})
  }
}

/** The SDK's default agent (openhands-tools' default preset, cli_mode): these tools, and its summarizing condenser. */
function openhandsAgent(llmSpec: LlmSpec, condenser: boolean): Record<string, unknown> {
  const llm = { model: llmSpec.model, api_key: llmSpec.apiKey, base_url: llmSpec.baseUrl }
  return {
    kind: 'Agent',
    llm: { ...llm, usage_id: 'agent' },
    // The preset's parameters since v1.11: summarize once the history passes 80 events, keeping the first 4.
    condenser: condenser ? { kind: 'LLMSummarizingCondenser', llm: { ...llm, usage_id: 'condenser' }, max_size: 80, keep_first: 4 } : null,
    tools: [
      { name: 'terminal', params: {} },
      { name: 'file_editor', params: {} },
      { name: 'task_tracker', params: {} }
    ],
    system_prompt_kwargs: { cli_mode: true }
  }
}

/**
 * An ACP agent CLI reads its provider key (and a proxy URL, from llm-base-url) from its
 * environment; the OpenHands example forwards them at /start, as here (protocol.md §G).
 */
export function acpEnvironment(agent: AgentSpec, llm: LlmSpec): Record<string, string> {
  if (agent.kind !== 'acp') return {}
  const command = agent.command.join(' ').toLowerCase()
  const [key, url] = /codex|openai/.test(command)
    ? ['OPENAI_API_KEY', 'OPENAI_BASE_URL']
    : /gemini/.test(command)
      ? ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL']
      : ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']
  return { [key]: llm.apiKey, ...(llm.baseUrl ? { [url]: llm.baseUrl } : {}) }
}
