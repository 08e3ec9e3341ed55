import { isAbsolute, posix } from 'node:path'
import type { ResourceFactor } from './runtime/client.js'
import { addSecret } from './secrets.js'

/** The rules one input value must follow; each error names the input and the expected form. */

const RESOURCE_FACTORS: readonly ResourceFactor[] = [1, 2, 4, 8]

/** Logins, separated by commas, spaces or new lines. */
export function list(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map(item => item.trim().replace(/^@/, ''))
    .filter(Boolean)
}

export function boolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (v === 'true') return true
  if (v === 'false') return false
  throw new Error(`Input '${name}' must be true or false; got '${value}'.`)
}

export function token(name: string, value: string): string {
  if (/\s/.test(value)) throw new Error(`Input '${name}' must not contain spaces; got '${value}'.`)
  return value
}

export function httpUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`Input '${name}' must be an http(s) URL; got '${value}'.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Input '${name}' must be an http(s) URL; got '${value}'.`)
  }
  if (url.username || url.password) throw new Error(`Input '${name}' must not carry credentials in the URL.`)
  return value.replace(/\/+$/, '')
}

export function optionalUrl(name: string, value: string): string | null {
  return value ? httpUrl(name, value) : null
}

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
  if (!match) throw new Error(`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
  return match
}

export function resourceFactor(name: string, value: string): ResourceFactor {
  const factor = Number(value)
  if (!(RESOURCE_FACTORS as readonly number[]).includes(factor)) {
    throw new Error(`Input '${name}' must be one of ${RESOURCE_FACTORS.join(', ')}; got '${value}'.`)
  }
  return factor as ResourceFactor
}

export function number(name: string, value: string, rule: { integer?: boolean; max: number }): number {
  const n = Number(value)
  const kind = rule.integer ? 'a whole number' : 'a number'
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || n <= 0 || n > rule.max || (rule.integer && !Number.isInteger(n))) {
    throw new Error(`Input '${name}' must be ${kind} greater than 0 and at most ${rule.max}; got '${value}'.`)
  }
  return n
}

/** A whole number from 0 to max. */
export function count(name: string, value: string, max: number): number {
  const n = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || n > max) throw new Error(`Input '${name}' must be a whole number from 0 to ${max}; got '${value}'.`)
  return n
}

export function optional<T>(value: string, parse: (value: string) => T): T | null {
  return value.trim() ? parse(value) : null
}

/** Directories of the sandbox's system: as working-dir, the upload would unpack over them and `git add -A` would stage them. */
const SYSTEM_DIRS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var'
]

/**
 * The agent server keeps its own data in /workspace (conversations, bash events) when it runs from
 * `/`, as in the Runtime API's pods: a working directory that holds it would put the server's
 * files, secrets masked or not, into `git add -A` and the patch.
 */
const SERVER_DATA = ['/workspace/conversations', '/workspace/bash_events']

export function workingDir(name: string, value: string): string {
  if (!posix.isAbsolute(value) || !isAbsolute(value)) throw new Error(`Input '${name}' must be an absolute path in the sandbox; got '${value}'.`)
  const dir = posix.normalize(value).replace(/(.)\/+$/, '$1')
  if (SYSTEM_DIRS.includes(dir) || /^\/(proc|sys|dev|usr|etc|bin|sbin|lib)\//.test(dir)) {
    throw new Error(`Input '${name}' must be a project directory, not '${dir}', a directory of the sandbox's system (e.g. /workspace/project).`)
  }
  const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`)
  if (SERVER_DATA.some(data => within(data, dir) || within(dir, data))) {
    throw new Error(
      `Input '${name}' must not hold the agent server's own data (${SERVER_DATA.join(', ')}); got '${value}'. Use a folder below /workspace, e.g. /workspace/project.`
    )
  }
  return dir
}

/** http:// to anything but this machine: keys sent to it can be read on the way. */
export function isClearTextToRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  return protocol === 'http:' && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(hostname)
}

/** A conversation id as the agent server gives it (dashed) or stores it (32 hex digits). */
export function conversationUuid(name: string, value: string): string {
  const id = value.trim().toLowerCase()
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/.test(id)) {
    throw new Error(`Input '${name}' must be a conversation id (a UUID, as the output conversation-id gives it); got '${value}'.`)
  }
  return id
}

// name[:tag][@digest], lower-case repository path as OCI requires.
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/

export function imageReference(name: string, value: string): string {
  if (!IMAGE_REF.test(value)) throw new Error(`Input '${name}' is not a valid image reference: '${value}'.`)
  return value
}

/**
 * Messages (follow-up): a YAML list (`- first` lines, a flow list `[a, b]`, `- |` for an item of
 * several lines), or else one message per line.
 */
export async function messageList(name: string, value: string): Promise<string[]> {
  const content = value.split(/\r?\n/).filter(line => line.trim())
  if (!content.length) return []
  if (!/^\s*(- |-$|\[)/.test(content[0])) return content.map(line => line.trim())
  // Loaded only for a list: most runs have no follow-up, and the parser is a sixth of the bundle.
  const { parse: parseYaml } = await import('yaml')
  let parsed: unknown
  try {
    parsed = parseYaml(value)
  } catch (err) {
    throw new Error(`Input '${name}' is not a valid YAML list: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (!Array.isArray(parsed)) throw new Error(`Input '${name}' must be a YAML list of messages.`)
  return parsed
    .map((item: unknown, index) => {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item).trim()
      if (item === null) return ''
      throw new Error(`Input '${name}', item ${index + 1}: a message must be text, not a ${Array.isArray(item) ? 'list' : 'mapping'}.`)
    })
    .filter(Boolean)
}

/** `NAME=value` lines; the value is everything after the first `=` up to the end of the line, spaces kept. Every value is masked at once. */
export function secretLines(name: string, value: string): Record<string, string> {
  const secrets: Record<string, string> = {}
  value.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim() || line.trim().startsWith('#')) return
    const at = line.indexOf('=')
    const key = at > 0 ? line.slice(0, at).trim() : ''
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`Input '${name}', line ${index + 1}: expected NAME=value with a name of letters, digits and '_'.`)
    }
    if (key in secrets) throw new Error(`Input '${name}', line ${index + 1}: ${key} is given twice.`)
    const secret = line.slice(at + 1)
    addSecret(secret)
    secrets[key] = secret
  })
  return secrets
}
