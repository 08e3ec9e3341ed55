/**
 * The action's interface is written down in three places: action.yml (what the runner reads),
 * the README's `## Inputs` / `## Outputs` tables (what users read) and the `Input` / `Output`
 * constants in src (what the code reads and writes). These tests fail, naming the input or
 * output and the place it is missing from, as soon as the three disagree.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { Input } from '../src/inputs.js'
import { Output } from '../src/report/outputs.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

// ---------------------------------------------------------------------------------------------
// Parsing

interface ActionEntry {
  description?: unknown
  required?: unknown
  default?: unknown
}
interface ActionYml {
  inputs?: Record<string, ActionEntry | null>
  outputs?: Record<string, ActionEntry | null>
}

interface TableRow {
  /** The backticked name in the first column, without the backticks. */
  name: string
  /** The remaining cells, trimmed. */
  cells: string[]
  line: number
}

/** Splits a markdown table row on `|` that are neither escaped nor inside a code span. */
function splitRow(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let inCode = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (ch === '\\' && line[i + 1] === '|') {
      cell += '|'
      i++
    } else if (ch === '`') {
      inCode = !inCode
      cell += ch
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim())
      cell = ''
    } else {
      cell += ch
    }
  }
  cells.push(cell.trim())
  // A row written `| a | b |` has empty cells before the first and after the last pipe.
  if (line.trim().startsWith('|')) cells.shift()
  if (line.trim().endsWith('|')) cells.pop()
  return cells
}

/**
 * The rows of the first table under `## <heading>` (up to the next `## `), keyed by the backticked
 * name in the first column. Rows whose first column is not one backticked name are reported.
 */
function readmeTable(markdown: string, heading: string): { rows: TableRow[]; problems: string[] } {
  const lines = markdown.split(/\r?\n/)
  const start = lines.findIndex(l => l.trim() === `## ${heading}`)
  if (start < 0) return { rows: [], problems: [`README has no '## ${heading}' section`] }
  const rows: TableRow[] = []
  const problems: string[] = []
  let inFence = false
  let seenTable = false
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence
    if (inFence) continue
    if (/^#{1,2}\s/.test(line)) break
    if (!line.trim().startsWith('|')) {
      if (seenTable) break // first table only
      continue
    }
    const cells = splitRow(line)
    if (!seenTable) {
      seenTable = true // header row
      continue
    }
    if (cells.every(c => /^:?-+:?$/.test(c))) continue // separator row
    const match = /^`([^`]+)`$/.exec(cells[0] ?? '')
    if (!match) {
      problems.push(`README ## ${heading}, line ${i + 1}: first column '${cells[0]}' is not one \`backticked\` name`)
      continue
    }
    rows.push({ name: match[1], cells: cells.slice(1), line: i + 1 })
  }
  if (!seenTable) problems.push(`README '## ${heading}' has no table`)
  return { rows, problems }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * Compares sets of names that must be equal. Returns one message per name per place it is
 * missing from, e.g. "input 'foo' is missing from README ## Inputs (present in action.yml,
 * src/inputs.ts Input)", plus one per name listed twice in a place.
 */
function compareNames(kind: string, places: Record<string, readonly string[]>): string[] {
  const problems: string[] = []
  const sets = Object.fromEntries(Object.entries(places).map(([place, names]) => [place, new Set(names)]))
  for (const [place, names] of Object.entries(places)) {
    const seen = new Set<string>()
    for (const name of names) {
      if (seen.has(name)) problems.push(`${kind} '${name}' is listed more than once in ${place}`)
      seen.add(name)
    }
  }
  const all = [...new Set(Object.values(places).flat())].sort()
  for (const name of all) {
    const present = Object.keys(sets).filter(place => sets[place].has(name))
    for (const place of Object.keys(sets)) {
      if (!sets[place].has(name)) problems.push(`${kind} '${name}' is missing from ${place} (present in ${present.join(', ')})`)
    }
  }
  return problems
}

const PLACE = {
  action: 'action.yml',
  readmeInputs: 'README ## Inputs',
  readmeOutputs: 'README ## Outputs',
  inputConst: 'src/inputs.ts Input',
  outputConst: 'src/report/outputs.ts Output'
} as const

function compareInputs(action: ActionYml, readme: string): string[] {
  return compareNames('input', {
    [PLACE.action]: Object.keys(action.inputs ?? {}),
    [PLACE.readmeInputs]: readmeTable(readme, 'Inputs').rows.map(r => r.name),
    [PLACE.inputConst]: Object.values(Input)
  })
}

function compareOutputs(action: ActionYml, readme: string): string[] {
  return compareNames('output', {
    [PLACE.action]: Object.keys(action.outputs ?? {}),
    [PLACE.readmeOutputs]: readmeTable(readme, 'Outputs').rows.map(r => r.name),
    [PLACE.outputConst]: Object.values(Output)
  })
}

/** What a README default cell says, as a plain value; null for "no default" (—, derived, ...). */
function readmeDefault(cell: string): string | null {
  let v = cell.trim()
  if (v === '' || /^(—|–|-|none|n\/a)(\s*\(required\))?$/i.test(v) || /^\(?required\)?$/i.test(v)) return null
  if (/^derived\b/i.test(v)) return null
  v = v.replace(/^`+|`+$/g, '').trim()
  v = v.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1')
  return v
}

/** action.yml's default as the runner hands it over: a string, YAML scalars stringified. */
function actionDefault(entry: ActionEntry | null | undefined): string | null {
  if (!entry || entry.default === undefined || entry.default === null) return null
  return String(entry.default).trim()
}

function compareDefaults(action: ActionYml, readme: string): string[] {
  const problems: string[] = []
  const rows = new Map(readmeTable(readme, 'Inputs').rows.map(r => [r.name, r]))
  for (const [name, entry] of Object.entries(action.inputs ?? {})) {
    const expected = actionDefault(entry)
    const row = rows.get(name)
    if (expected === null || !row) continue // a missing row is reported by compareInputs
    const shown = readmeDefault(row.cells[0] ?? '')
    if (shown !== expected) {
      problems.push(
        `input '${name}': action.yml default is '${expected}' but README ## Inputs (line ${row.line}) shows ${shown === null ? `no default ('${row.cells[0]}')` : `'${shown}'`}`
      )
    }
  }
  return problems
}

function compareRequired(action: ActionYml, readme: string): string[] {
  const problems: string[] = []
  const rows = new Map(readmeTable(readme, 'Inputs').rows.map(r => [r.name, r]))
  for (const [name, entry] of Object.entries(action.inputs ?? {})) {
    const row = rows.get(name)
    if (!row) continue
    const required = entry?.required === true || entry?.required === 'true'
    const saysRequired = /\(required\)/i.test(row.cells[0] ?? '')
    if (required && !saysRequired) problems.push(`input '${name}' is required in action.yml but README ## Inputs (line ${row.line}) does not say '(required)'`)
    if (!required && saysRequired) problems.push(`input '${name}' is not required in action.yml but README ## Inputs (line ${row.line}) says '(required)'`)
  }
  return problems
}

function missingDescriptions(action: ActionYml): string[] {
  const problems: string[] = []
  for (const kind of ['inputs', 'outputs'] as const) {
    for (const [name, entry] of Object.entries(action[kind] ?? {})) {
      if (typeof entry?.description !== 'string' || !entry.description.trim()) {
        problems.push(`action.yml ${kind.slice(0, -1)} '${name}' has no description`)
      }
    }
  }
  return problems
}

/** The backticked values that follow a status list, e.g. "`finished`, `error` or `skipped`". */
function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map(m => m[1])
}

// ---------------------------------------------------------------------------------------------

const action = parse(read('action.yml')) as ActionYml
const readme = read('README.md')
const joined = (problems: string[]): string => `\n  ${problems.join('\n  ')}\n`

describe('interface: README, action.yml and src agree', () => {
  it('parses: action.yml has inputs and outputs, the README has both tables', () => {
    expect(Object.keys(action.inputs ?? {}).length).toBeGreaterThan(0)
    expect(Object.keys(action.outputs ?? {}).length).toBeGreaterThan(0)
    const problems = [...readmeTable(readme, 'Inputs').problems, ...readmeTable(readme, 'Outputs').problems]
    expect(problems, joined(problems)).toEqual([])
    expect(readmeTable(readme, 'Inputs').rows.length).toBeGreaterThan(0)
    expect(readmeTable(readme, 'Outputs').rows.length).toBeGreaterThan(0)
  })

  it('input names: README ## Inputs = action.yml inputs = src/inputs.ts Input', () => {
    const problems = compareInputs(action, readme)
    expect(problems, joined(problems)).toEqual([])
  })

  it('output names: README ## Outputs = action.yml outputs = src/report/outputs.ts Output', () => {
    const problems = compareOutputs(action, readme)
    expect(problems, joined(problems)).toEqual([])
  })

  it('every action.yml input and output has a description', () => {
    const problems = missingDescriptions(action)
    expect(problems, joined(problems)).toEqual([])
  })

  it("README defaults equal action.yml's defaults", () => {
    const problems = compareDefaults(action, readme)
    expect(problems, joined(problems)).toEqual([])
  })

  it("README marks exactly action.yml's required inputs '(required)'", () => {
    const problems = compareRequired(action, readme)
    expect(problems, joined(problems)).toEqual([])
  })

  it('status values: README = action.yml description = schemas/result.schema.json', () => {
    const schema = JSON.parse(read('schemas/result.schema.json')) as { properties: { status: { enum: string[] } } }
    const readmeRow = readmeTable(readme, 'Outputs').rows.find(r => r.name === 'status')
    const actionText = String(action.outputs?.status?.description ?? '')
    // action.yml: "finished, error, ... or skipped."
    const fromAction = actionText
      .trim()
      .replace(/\.$/, '')
      .split(/\s*,\s*|\s+or\s+/)
      .filter(Boolean)
    const problems = compareNames('status value', {
      'schemas/result.schema.json': schema.properties.status.enum,
      'action.yml outputs.status': fromAction,
      'README ## Outputs `status`': readmeRow ? backticked(readmeRow.cells.join(' | ')) : []
    })
    expect(problems, joined(problems)).toEqual([])
  })

  it('src reads inputs and sets outputs only through names in Input / Output', () => {
    const problems: string[] = []
    const inputs = new Set<string>(Object.values(Input))
    const outputs = new Set<string>(Object.values(Output))
    const used = new Set<string>()
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
      )
    for (const file of walk('src')) {
      const text = read(file)
      for (const m of text.matchAll(/\b(?:getInput|getBooleanInput|getMultilineInput)\(\s*['"`]([^'"`]+)['"`]/g)) {
        if (!inputs.has(m[1])) problems.push(`${file} reads input '${m[1]}', which is not in src/inputs.ts Input`)
      }
      for (const m of text.matchAll(/\bINPUT_([A-Z0-9_-]+)/g)) {
        const name = m[1].toLowerCase()
        if (!inputs.has(name)) problems.push(`${file} reads INPUT_${m[1]}, which is not in src/inputs.ts Input`)
      }
      for (const m of text.matchAll(/\bsetOutput\(\s*['"`]([^'"`]+)['"`]/g)) {
        if (!outputs.has(m[1])) problems.push(`${file} sets output '${m[1]}', which is not in src/report/outputs.ts Output`)
      }
      for (const m of text.matchAll(/\bInput\.(\w+)/g)) used.add(m[1])
    }
    for (const key of Object.keys(Input)) {
      if (!used.has(key)) problems.push(`Input.${key} ('${Input[key as keyof typeof Input]}') is never read in src`)
    }
    expect(problems, joined(problems)).toEqual([])
  })
})

describe('interface check can fail', () => {
  it('reports an input added to action.yml only, as missing from the README and the code', () => {
    const copy = structuredClone(action)
    copy.inputs = { ...copy.inputs, 'self-check-extra': { description: 'Only in action.yml.', required: false } }
    const problems = compareInputs(copy, readme)
    expect(problems).toContain(`input 'self-check-extra' is missing from ${PLACE.readmeInputs} (present in ${PLACE.action})`)
    expect(problems).toContain(`input 'self-check-extra' is missing from ${PLACE.inputConst} (present in ${PLACE.action})`)
    expect(problems.filter(p => p.includes('self-check-extra'))).toHaveLength(2)
  })

  it('reports an output removed from action.yml, a README default that differs, a missing description', () => {
    const copy = structuredClone(action)
    const { status: _status, ...rest } = copy.outputs ?? {}
    copy.outputs = rest
    expect(compareOutputs(copy, readme)).toContain(`output 'status' is missing from ${PLACE.action} (present in ${PLACE.readmeOutputs}, ${PLACE.outputConst})`)

    const withDefault = structuredClone(action)
    withDefault.inputs = { ...withDefault.inputs, 'on-exit': { description: 'x', default: 'pause' } }
    expect(compareDefaults(withDefault, readme).some(p => p.startsWith("input 'on-exit': action.yml default is 'pause'"))).toBe(true)

    const undescribed = structuredClone(action)
    undescribed.inputs = { ...undescribed.inputs, prompt: { required: false } }
    expect(missingDescriptions(undescribed)).toContain("action.yml input 'prompt' has no description")
  })

  it('parses README tables and default cells as documented', () => {
    const md = [
      '## Inputs',
      '',
      '| input | default | meaning |',
      '|---|---|---|',
      '| `a` | `1` | x \\| y |',
      '| `b` | — (required) | `c|d` |',
      '| c | — | bad |',
      '',
      '## Next'
    ].join('\n')
    const table = readmeTable(md, 'Inputs')
    expect(table.rows.map(r => [r.name, ...r.cells])).toEqual([
      ['a', '`1`', 'x | y'],
      ['b', '— (required)', '`c|d`']
    ])
    expect(table.problems).toEqual(["README ## Inputs, line 7: first column 'c' is not one `backticked` name"])
    expect(readmeDefault('`${{ github.token }}`')).toBe('${{ github.token }}')
    expect(readmeDefault("`'1'`")).toBe('1')
    expect(readmeDefault('—')).toBeNull()
    expect(readmeDefault('derived (see below)')).toBeNull()
  })
})
