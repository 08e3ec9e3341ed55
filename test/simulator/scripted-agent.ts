import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { actionFields, agentMessageFields, observationFields, terminalObservation, text, type EventSource, type Json } from './events.js'
import type { CommandResult } from './sandbox.js'
import type { AgentStep } from './scripts.js'

export type EndStatus = 'finished' | 'error' | 'stuck'

/** The part of a conversation the scripted agent acts on. */
export interface AgentTarget {
  readonly id: string
  readonly runCount: number
  readonly workingDir: string
  emit(source: EventSource, kind: string, fields: Json): Json
  recordLlmCall(role: 'agent' | 'condenser', call: { cost: number; promptTokens: number; completionTokens: number; cacheReadTokens?: number }): void
  runCommand(command: string, signal: AbortSignal): Promise<CommandResult>
  writeFile(path: string, content: string): Promise<{ path: string; existed: boolean; previous: string | null }>
  maskSecrets(output: string): string
}

/** Steps that are one agent action, i.e. one iteration against max_iterations. */
export function isAction(step: AgentStep): boolean {
  return step.type === 'terminal' || step.type === 'edit' || step.type === 'message' || step.type === 'finish'
}

/** Plays one step as the events the real agent would emit; returns how the run ends, or 'continue'. */
export async function performStep(step: AgentStep, target: AgentTarget, signal: AbortSignal): Promise<EndStatus | 'continue'> {
  switch (step.type) {
    case 'llm':
      target.recordLlmCall(step.usageId ?? 'agent', step)
      return 'continue'
    case 'terminal': {
      const action = target.emit(
        'agent',
        'ActionEvent',
        actionFields('terminal', { command: step.command, is_input: false, reset: false, kind: 'TerminalAction' }, `Let me run \`${step.command}\`.`)
      )
      let output = step.output
      let exitCode = step.exitCode ?? 0
      if (output === undefined) {
        const result = await target.runCommand(step.command, signal)
        signal.throwIfAborted()
        output = result.stdout + result.stderr
        exitCode = result.exitCode
      }
      const observation = terminalObservation(step.command, target.maskSecrets(output), exitCode, target.workingDir)
      target.emit('environment', 'ObservationEvent', observationFields(action, observation))
      return 'continue'
    }
    case 'edit': {
      const action = target.emit(
        'agent',
        'ActionEvent',
        actionFields('file_editor', { command: 'create', path: step.path, file_text: step.content, kind: 'FileEditorAction' }, `I will write ${step.path}.`)
      )
      const written = await target.writeFile(step.path, step.content)
      signal.throwIfAborted()
      const observation = {
        content: [text(`File created successfully at: ${written.path}`)],
        is_error: false,
        command: 'create',
        path: written.path,
        prev_exist: written.existed,
        old_content: written.previous,
        new_content: step.content,
        kind: 'FileEditorObservation'
      }
      target.emit('environment', 'ObservationEvent', observationFields(action, observation))
      return 'continue'
    }
    case 'message':
      target.emit('agent', 'MessageEvent', agentMessageFields(step.text))
      return 'continue'
    case 'finish': {
      const action = target.emit('agent', 'ActionEvent', actionFields('finish', { message: step.message, kind: 'FinishAction' }, ''))
      const observation = { content: [text(step.message)], is_error: false, kind: 'FinishObservation' }
      target.emit('environment', 'ObservationEvent', observationFields(action, observation))
      return 'finished'
    }
    case 'error':
      target.emit('environment', 'ConversationErrorEvent', {
        code: step.code,
        detail: step.detail,
        classification: { kind: classify(step.code), retryable: false, user_action: 'none' }
      })
      return 'error'
    case 'stuck':
      return 'stuck'
    case 'wait':
      await sleep(step.ms, undefined, { signal })
      return 'continue'
    case 'bulk':
      await emitBulk(step, target, signal)
      return 'continue'
    case 'custom':
      await step.action({ conversationId: target.id, runCount: target.runCount, signal, publish: (source, kind, fields) => target.emit(source, kind, fields) })
      signal.throwIfAborted()
      return 'continue'
  }
}

async function emitBulk(step: Extract<AgentStep, { type: 'bulk' }>, target: AgentTarget, signal: AbortSignal): Promise<void> {
  const every = step.every ?? 1
  const big = step.observationBytes ? bulkOutput(step.observationBytes) : ''
  let action: Json | undefined
  for (let i = 0; i < step.count; i++) {
    // Let HTTP and WebSocket traffic through now and then: clients read while this runs.
    if (i % 500 === 0) {
      await nextTurn()
      signal.throwIfAborted()
    }
    const n = Math.floor(i / 2)
    const command = `cat part-${n}.txt`
    if (i % 2 === 0) {
      action = target.emit('agent', 'ActionEvent', actionFields('terminal', { command, is_input: false, reset: false, kind: 'TerminalAction' }, ''))
    } else if (action) {
      const output = big && n % every === 0 ? big : `part ${n}\n`
      target.emit('environment', 'ObservationEvent', observationFields(action, terminalObservation(command, output, 0, target.workingDir)))
    }
  }
}

function bulkOutput(bytes: number): string {
  const line = 'simulated output line: lorem ipsum dolor sit amet, consectetur adipiscing elit\n'
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes)
}

/** ConversationErrorEvent.classification.kind for a few well-known codes (protocol.md §B.9). */
function classify(code: string): string {
  if (code === 'MaxIterationsReached') return 'agent_action'
  if (code === 'MaxBudgetReached') return 'quota'
  if (/auth/i.test(code)) return 'auth'
  if (/ratelimit/i.test(code)) return 'rate_limit'
  return 'unknown'
}
