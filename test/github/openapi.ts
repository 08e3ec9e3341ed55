import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'

type Json = Record<string, unknown>

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Json
}

interface Operation {
  operationId: string
  parameters?: Array<Parameter | { $ref: string }>
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> }
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Json }> }>
}

export interface Match {
  operationId: string
  template: string
  params: Record<string, string>
}

/** Checks requests (and, for the stub's own tests, responses) against test/github/openapi-fixture.json. */
export interface GithubOpenApi {
  /** Where the fixture came from, e.g. `@octokit/openapi 23.0.2`. */
  source: string
  match(method: string, path: string): Match | undefined
  /** One line per problem; an operation the fixture lacks is a problem too. */
  checkRequest(method: string, path: string, query: Record<string, string>, body: unknown): string[]
  checkResponse(method: string, path: string, status: number, body: unknown): string[]
}

const FIXTURE = new URL('./openapi-fixture.json', import.meta.url)
const DOC_ID = 'github'

/**
 * OpenAPI 3.0 schema objects are an extended subset of JSON Schema draft 05 (Wright draft 00); Ajv's
 * default draft-07 dialect reads every keyword the extract uses, except OpenAPI's own `nullable`,
 * which is rewritten here into plain JSON Schema. Local `#/components/...` refs are pointed at the
 * registered document.
 */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema)
  if (value === null || typeof value !== 'object') return value
  const out: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if (key === 'nullable') continue
    out[key] = key === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : toJsonSchema(v)
  }
  if ((value as Json).nullable !== true) return out
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}

export function loadGithubOpenApi(): GithubOpenApi {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json
  const source = doc['x-source'] as { package: string; version: string }
  const components = doc.components as Record<string, Record<string, unknown>>
  const ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) })
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 })
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i)
  ajv.addFormat('uri', (s: string) => URL.canParse(s))
  ajv.addSchema({ $id: DOC_ID, components: toJsonSchema(components) })

  const routes = Object.entries(doc.paths as Record<string, Record<string, Operation>>)
    .map(([template, operations]) => {
      const names: string[] = []
      const pattern = new RegExp(
        '^' +
          template.replace(/\{(\w+)\}/g, (_m, name: string) => {
            names.push(name)
            return '([^/]+)'
          }) +
          '$'
      )
      return { template, operations, names, pattern, literals: template.split('/').filter(s => s && !s.startsWith('{')).length }
    })
    .sort((a, b) => b.literals - a.literals)

  const compiled = new Map<string, ValidateFunction>()
  const compile = (key: string, schema: Json): ValidateFunction => {
    let validate = compiled.get(key)
    if (!validate) compiled.set(key, (validate = ajv.compile(toJsonSchema(schema) as Json)))
    return validate
  }
  const deref = <T>(value: T | { $ref: string }): T => {
    if (value && typeof value === 'object' && '$ref' in value) {
      const [, , kind, name] = value.$ref.split('/')
      return components[kind][name] as T
    }
    return value as T
  }
  const check = (validate: ValidateFunction, data: unknown, what: string): string[] =>
    validate(data) ? [] : [ajv.errorsText(validate.errors?.slice(0, 6), { dataVar: what })]

  function find(method: string, path: string): { match: Match; operation: Operation } | undefined {
    for (const route of routes) {
      const operation = route.operations[method.toLowerCase()]
      const m = operation && route.pattern.exec(path)
      if (!m) continue
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(m[i + 1])]))
      return { match: { operationId: operation.operationId, template: route.template, params }, operation }
    }
    return undefined
  }

  return {
    source: `${source.package} ${source.version}`,
    match: (method, path) => find(method, path)?.match,

    checkRequest(method, path, query, body) {
      const found = find(method, path)
      if (!found) return [`${method} ${path}: no such operation in the OpenAPI fixture`]
      const { match, operation } = found
      const where = `${method} ${match.template} (${match.operationId})`
      const errors: string[] = []
      const parameters = (operation.parameters ?? []).map(p => deref<Parameter>(p))
      for (const name of Object.keys(query)) {
        if (!parameters.some(p => p.in === 'query' && p.name === name)) errors.push(`${where}: unknown query parameter ${name}`)
      }
      for (const param of parameters) {
        if (param.in !== 'path' && param.in !== 'query') continue
        const raw = param.in === 'path' ? match.params[param.name] : query[param.name]
        if (raw === undefined) {
          if (param.required) errors.push(`${where}: missing ${param.in} parameter ${param.name}`)
          continue
        }
        const schema = param.schema ?? {}
        // Path and query values arrive as text: numbers are numbers when they look like one.
        const value = (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
        errors.push(...check(compile(`${where} ${param.in}.${param.name}`, schema), value, `${param.in}.${param.name}`).map(e => `${where}: ${e}`))
      }
      const schema = operation.requestBody?.content?.['application/json']?.schema
      if (body === undefined) {
        if (operation.requestBody?.required) errors.push(`${where}: request body is required`)
      } else if (!schema) {
        errors.push(`${where}: takes no JSON request body`)
      } else {
        errors.push(...check(compile(`${where} body`, schema), body, 'body').map(e => `${where}: ${e}`))
      }
      return errors
    },

    checkResponse(method, path, status, body) {
      const found = find(method, path)
      if (!found) return [`${method} ${path}: no such operation in the OpenAPI fixture`]
      const where = `${method} ${found.match.template} → ${status}`
      const response = found.operation.responses[String(status)] ?? found.operation.responses.default
      if (!response) return [`${where}: status not in the description`]
      const schema = deref(response).content?.['application/json']?.schema
      return schema ? check(compile(where, schema), body, 'response').map(e => `${where}: ${e}`) : []
    }
  }
}
