import { closeSync, openSync, writeSync } from 'node:fs'
import { describeEvent, finishMessage, messageText } from './agent-server/describe.js'
import type { AgentEvent } from './agent-server/types.js'
import { info } from './log.js'
import { redact, redactValue } from './secrets.js'

/**
 * events.jsonl and the readable log: every event is written once, redacted, the moment it
 * arrives, and only the few facts the report needs are kept in memory.
 */
export class EventLog {
  count = 0
  lastEventAt = Date.now()
  lastFinishMessage: string | undefined
  lastAgentMessage: string | undefined
  lastError: string | undefined
  /** Agent actions so far, and the last one as a log line: the live comment shows them. */
  actions = 0
  lastAction: string | undefined
  private fd: number | undefined

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w')
  }

  /** A new message was sent: the final answer of the previous run is no longer the latest. */
  startTurn(): void {
    this.lastFinishMessage = undefined
    this.lastAgentMessage = undefined
  }

  record(event: AgentEvent, json: string): void {
    // The text as received when it holds no secret; otherwise its string values redacted, never its structure.
    if (this.fd !== undefined) writeSync(this.fd, `${redact(json) === json ? json : JSON.stringify(redactValue(event))}\n`)
    this.count++
    this.lastEventAt = Date.now()
    const finish = finishMessage(event)
    if (finish !== undefined) this.lastFinishMessage = finish
    if (event.kind === 'MessageEvent' && event.source === 'agent') this.lastAgentMessage = messageText(event)
    if (event.kind === 'ConversationErrorEvent') this.lastError = `${String(event.code ?? 'Error')}: ${String(event.detail ?? '')}`
    const line = describeEvent(event)
    if (event.kind === 'ActionEvent') {
      this.actions++
      this.lastAction = line?.replace(/^\[\w+\] /, '')
    }
    if (line) info(line)
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
