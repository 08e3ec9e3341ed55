import { redact } from '../secrets.js'

/** Well-known credential formats, removed from anything posted even when the action never saw the value. */
const TOKEN_FORMATS = [
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{60,}\b/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g
]

export function redactTokenFormats(text: string): string {
  return TOKEN_FORMATS.reduce((out, pattern) => out.replace(pattern, '***'), text)
}

/**
 * `@name` becomes `@\u200Dname`: it reads the same but mentions nobody, so a comment cannot
 * page people or re-trigger a workflow listening for a mention (as the OpenHands SDK does).
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, '@\u200D')
}

/** Text from the agent or the run, made safe to post: known secrets, token formats, mentions. */
export function safeToPost(text: string): string {
  return neutralizeMentions(redactTokenFormats(redact(text)))
}
