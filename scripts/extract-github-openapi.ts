// `npx tsx scripts/extract-github-openapi.ts`: cuts the operations the action calls out of GitHub's
// official OpenAPI description (@octokit/openapi) into test/github/openapi-fixture.json, with every
// `#/components/...` they reference, transitively, and without prose or examples.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

type Json = Record<string, unknown>

const OPERATIONS: Array<[path: string, method: string]> = [
  ['/repos/{owner}/{repo}/issues/{issue_number}/comments', 'get'],
  ['/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post'],
  ['/repos/{owner}/{repo}/issues/comments/{comment_id}', 'patch'],
  ['/repos/{owner}/{repo}/collaborators/{username}/permission', 'get'],
  ['/repos/{owner}/{repo}/pulls/{pull_number}', 'get'],
  ['/repos/{owner}/{repo}', 'get']
]

/** Keys that only document; dropped wherever they are keywords (not where they name a property). */
const PROSE = new Set(['description', 'summary', 'example', 'examples', 'title', 'externalDocs', 'tags'])
/** Objects whose keys are names chosen by the author (a property called `description` stays). */
const NAME_MAPS = new Set(['properties', 'paths', 'content', 'responses', 'headers', 'schemas', 'parameters', 'patternProperties'])

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const packageDir = dirname(require.resolve('@octokit/openapi/package.json'))
const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version
const source = 'generated/api.github.com.json'
const doc = JSON.parse(readFileSync(join(packageDir, source), 'utf8')) as Json

function strip(value: unknown, isNameMap = false): unknown {
  if (Array.isArray(value)) return value.map(v => strip(v))
  if (value === null || typeof value !== 'object') return value
  const out: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if (!isNameMap && (PROSE.has(key) || key.startsWith('x-'))) continue
    // `parameters` is a name map under components but a list in an operation; arrays are lists anyway.
    out[key] = strip(v, !isNameMap && NAME_MAPS.has(key) && !Array.isArray(v))
  }
  return out
}

function refsIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach(v => refsIn(v, into))
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') into.add(v)
      else refsIn(v, into)
    }
  }
}

function resolve(ref: string): unknown {
  if (!ref.startsWith('#/components/')) throw new Error(`not a local component reference: ${ref}`)
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
  if (target === undefined) throw new Error(`dangling reference ${ref}`)
  return target
}

const paths: Record<string, Json> = {}
for (const [path, method] of OPERATIONS) {
  const operation = (doc.paths as Record<string, Json | undefined>)[path]?.[method] as Json | undefined
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in ${source}`)
  const { operationId, parameters, requestBody, responses } = operation
  paths[path] = { ...paths[path], [method]: strip({ operationId, parameters, requestBody, responses }) }
}

// Follow references until no new one turns up.
const components: Record<string, Json> = {}
const pending = new Set<string>()
refsIn(paths, pending)
const done = new Set<string>()
for (const ref of pending) {
  if (done.has(ref)) continue
  done.add(ref)
  const [, , kind, name] = ref.split('/')
  const component = strip(resolve(ref))
  components[kind] = { ...components[kind], [name]: component }
  refsIn(component, pending)
}
for (const kind of Object.keys(components)) {
  components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)))
}

const fixture = {
  openapi: doc.openapi,
  info: { title: 'GitHub REST API (extract for the test stub)', version: (doc.info as Json).version },
  'x-source': { package: '@octokit/openapi', version, file: source, script: 'scripts/extract-github-openapi.ts' },
  paths,
  components: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)))
}
const out = join(root, 'test/github/openapi-fixture.json')
writeFileSync(out, JSON.stringify(fixture, null, 1) + '\n')
console.log(`${out}: ${OPERATIONS.length} operations, ${done.size} components, from @octokit/openapi ${version}`)
