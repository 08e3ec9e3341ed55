import { existsSync, readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { Json } from './events.js'
import { one, type Query } from './http.js'

/** Checks requests against the agent server's OpenAPI description; returns one line per problem. */
export interface RequestValidator {
  check(method: string, template: string, request: { params: Record<string, string>; query: Query; body: unknown; isJson: boolean }): string[]
}

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema?: Json
}

interface Operation {
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> }
}

const SCHEMA_ID = 'openapi'

/**
 * The description is older than the server it stands for (protocol.md §0, §B.14): operations it
 * lacks are not checked, and these bodies are adjusted first where the current server accepts more.
 */
const ADJUST_BODY: Partial<Record<string, (body: Json) => Json>> = {
  // ACP agents use /api/conversations from v1.27.0 on; the old description only knows kind "Agent" (§G).
  'POST /api/conversations': body => ((body.agent as Json | undefined)?.kind === 'ACPAgent' ? { ...body, agent: { llm: { model: 'acp' } } } : body),
  // Plain strings and {value} are accepted as secrets (§B.10).
  'POST /api/conversations/{conversation_id}/secrets': body => {
    const secrets = body.secrets
    if (!secrets || typeof secrets !== 'object') return body
    const adjusted = Object.fromEntries(
      Object.entries(secrets as Json).map(([name, v]) => [
        name,
        typeof v === 'string' ? { kind: 'StaticSecret', value: v } : v && typeof v === 'object' && !('kind' in v) ? { kind: 'StaticSecret', ...v } : v
      ])
    )
    return { ...body, secrets: adjusted }
  }
}

export function loadValidator(file: string | null, log: (line: string) => void): RequestValidator {
  if (file === null) return { check: protocolRules }
  if (!existsSync(file)) {
    log(`OpenAPI validation skipped: ${file} not found`)
    return { check: protocolRules }
  }
  return new OpenApiValidator(JSON.parse(readFileSync(file, 'utf8')) as Json)
}

/** Rules from protocol.md that the OpenAPI file cannot express. */
function protocolRules(method: string, template: string, request: { query: Query }): string[] {
  const limit = one(request.query, 'limit')
  if (limit !== undefined && Number(limit) > 100) return [`${method} ${template}: query limit=${limit} exceeds 100 (the server answers 500, protocol.md §B.9)`]
  return []
}

class OpenApiValidator implements RequestValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly paths: Record<string, Record<string, Operation>>
  private readonly compiled = new Map<string, ValidateFunction>()

  constructor(doc: Json) {
    this.paths = doc.paths as Record<string, Record<string, Operation>>
    this.ajv.addFormat('uuid', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i)
    for (const format of ['date-time', 'password', 'binary', 'uri', 'path']) this.ajv.addFormat(format, true)
    this.ajv.addSchema({ $id: SCHEMA_ID, components: forAjv(doc.components) })
  }

  check(method: string, template: string, request: { params: Record<string, string>; query: Query; body: unknown; isJson: boolean }): string[] {
    const errors = protocolRules(method, template, request)
    const operation = this.paths[template]?.[method.toLowerCase()]
    if (!operation) return errors
    const where = `${method} ${template}`

    for (const param of operation.parameters ?? []) {
      const raw = param.in === 'path' ? request.params[param.name] : param.in === 'query' ? request.query[param.name] : undefined
      if (param.in !== 'path' && param.in !== 'query') continue
      if (raw === undefined) {
        if (param.required) errors.push(`${where}: missing ${param.in} parameter ${param.name}`)
        continue
      }
      const schema = forAjv(param.schema ?? {}) as Json
      const validate = this.compile(`${where} ${param.in}:${param.name}`, schema)
      if (!validate(coerce(raw, schema))) errors.push(`${where}: ${this.ajv.errorsText(validate.errors, { dataVar: `${param.in}.${param.name}` })}`)
    }

    const jsonSchema = operation.requestBody?.content?.['application/json']?.schema
    if (jsonSchema && request.isJson) {
      if (request.body === undefined) {
        if (operation.requestBody?.required) errors.push(`${where}: request body is required`)
      } else {
        const adjust = ADJUST_BODY[where]
        const body = adjust && isObject(request.body) ? adjust(request.body) : request.body
        const validate = this.compile(`${where} body`, forAjv(jsonSchema) as Json)
        if (!validate(body)) errors.push(`${where}: ${this.ajv.errorsText(validate.errors?.slice(0, 6), { dataVar: 'body' })}`)
      }
    } else if (jsonSchema && request.body !== undefined) {
      errors.push(`${where}: body is not JSON`)
    }
    return errors
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key)
    if (!validate) {
      validate = this.ajv.compile(schema)
      this.compiled.set(key, validate)
    }
    return validate
  }
}

/**
 * Makes an OpenAPI fragment compilable on its own: local refs point into the registered document,
 * and `discriminator` goes (its mappings name Python classes, not `kind` values; `oneOf` over the
 * `kind` constants already selects the variant).
 */
function forAjv(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forAjv)
  if (!isObject(value)) return value
  const out: Json = {}
  for (const [k, v] of Object.entries(value)) {
    if (k === 'discriminator') continue
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SCHEMA_ID}${v}` : forAjv(v)
  }
  return out
}

/** Query and path values arrive as text; convert them to the type the schema asks for. */
function coerce(raw: string | string[], schema: Json): unknown {
  const types = new Set<unknown>([schema.type, ...((schema.anyOf as Json[] | undefined) ?? []).map(s => s.type)])
  if (types.has('array')) return Array.isArray(raw) ? raw : [raw]
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw
  if ((types.has('integer') || types.has('number')) && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value)
  if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
}
