import * as core from '@actions/core'

const MASK = '***'
const known = new Set<string>()

/**
 * Registers a secret value: masked in the runner log (`::add-mask::`) and redacted from
 * everything this action writes itself (log lines, outputs, files). The runner's mask only
 * covers stdout, so our own redaction is what keeps secrets out of files and comments.
 */
export function addSecret(value: string | undefined | null): void {
  if (!value || value.trim().length < 4 || known.has(value)) return
  core.setSecret(value)
  known.add(value)
  // The same value as it appears inside a JSON string or a URL.
  for (const variant of [JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
    if (variant !== value) known.add(variant)
  }
}

export function redact(text: string): string {
  for (const secret of known) {
    if (text.includes(secret)) text = text.split(secret).join(MASK)
  }
  return text
}

/** Redacts every string inside a JSON-like value, never its keys, numbers or structure: a short secret cannot break the document. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(redactValue) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, redactValue(v)])) as T
  return value
}
