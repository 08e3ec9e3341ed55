/**
 * action.yml and every workflow we show users (the README's ```yaml blocks that are whole
 * workflows, and examples/*.yml) validate with two real, independent tools, offline:
 *
 * - action-validator (@action-validator/cli, a wasm build of the Rust tool carrying the
 *   SchemaStore JSON schemas for actions and workflows), run as its CLI;
 * - @actions/workflow-parser, the parser GitHub's Actions language services use: parseWorkflow +
 *   convertWorkflowTemplate for workflows, parseAction + convertActionTemplate for action.yml.
 *
 * Negative controls prove each validator rejects a broken file, so a green run means something.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { register } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ACTION_VALIDATOR_CLI = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs')
/** How workflows refer to this action: by name, or from its own checkout (`uses: ./`). */
const ACTION_REF = /^(openhands\/openhands-remote-run@|\.\/?$)/

// @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which
// Node's own loader (used for node_modules under vitest) refuses. This hook adds the attribute
// for that package's JSON files only.
const jsonHook = `export async function load(url, context, next) {
  if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) {
    return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } })
  }
  return next(url, context)
}`
register(`data:text/javascript,${encodeURIComponent(jsonHook)}`)
const workflowParser = await import('@actions/workflow-parser')
const actionParser = await import('@actions/workflow-parser/actions/index')

// ---------------------------------------------------------------------------------------------
// Validators: each returns the list of errors, empty when the file is valid.

interface ValidatorError {
  code?: string
  path?: string
  title?: string
  detail?: string
  states?: { errors: ValidatorError[] }[]
}

/** Flattens action-validator's nested one_of states into readable lines. */
function flatten(errors: ValidatorError[], depth = 0): string[] {
  return errors.flatMap(e => [
    `${'  '.repeat(depth)}${e.path ?? ''} ${e.title ?? e.code ?? ''}${e.detail ? `: ${e.detail}` : ''}`.trim(),
    ...(e.states ?? []).flatMap((s, i) => [`${'  '.repeat(depth + 1)}alternative ${i + 1}:`, ...flatten(s.errors, depth + 2)])
  ])
}

/**
 * Runs the action-validator CLI on a file. The CLI validates files named action.yml / action.yaml
 * as actions and every other file as a workflow; it exits 1 with a JSON report on stderr.
 */
function actionValidator(file: string): { errors: string[]; raw: ValidatorError[] } {
  const run = spawnSync(process.execPath, [ACTION_VALIDATOR_CLI, file], { encoding: 'utf8', timeout: 30_000 })
  if (run.error) throw run.error
  if (run.status === 0) return { errors: [], raw: [] }
  let report: { errors?: ValidatorError[] }
  try {
    report = JSON.parse(run.stderr) as { errors?: ValidatorError[] }
  } catch {
    return { errors: [`action-validator exited ${run.status}: ${run.stderr.trim() || run.stdout.trim()}`], raw: [] }
  }
  const raw = report.errors ?? []
  return { errors: raw.length ? flatten(raw) : [`action-validator exited ${run.status} without errors`], raw }
}

async function parseWorkflowFile(name: string, content: string): Promise<string[]> {
  const result = workflowParser.parseWorkflow({ name, content }, new workflowParser.NoOperationTraceWriter())
  const errors = result.context.errors.getErrors().map(e => e.message)
  if (errors.length || !result.value) return errors.length ? errors : [`${name}: not parsed`]
  // Conversion checks what the schema cannot: job graph (needs), matrix, cron, concurrency, ...
  const template = await workflowParser.convertWorkflowTemplate(result.context, result.value)
  return [...new Set([...(template.errors ?? []).map(e => e.Message), ...result.context.errors.getErrors().map(e => e.message)])]
}

function parseActionFile(name: string, content: string): string[] {
  const result = actionParser.parseAction({ name, content }, new workflowParser.NoOperationTraceWriter())
  if (result.value && result.context.errors.count === 0) actionParser.convertActionTemplate(result.context, result.value)
  const errors = result.context.errors.getErrors().map(e => e.message)
  return errors.length || result.value ? errors : [`${name}: not parsed`]
}

// ---------------------------------------------------------------------------------------------
// What to validate

interface WorkflowSource {
  /** Where it comes from, for messages: `README.md:16` or `examples/pr-agent.yml`. */
  label: string
  content: string
}

/** ```yaml / ```yml blocks of a markdown file that have top-level `on:` and `jobs:`, with their line. */
function readmeWorkflows(markdown: string, file: string): WorkflowSource[] {
  const found: WorkflowSource[] = []
  const lines = markdown.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ya?ml)\b/i.exec(lines[i])
    if (!open) continue
    const fence = open[2]
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++) body.push(lines[j].slice(open[1].length))
    const content = `${body.join('\n')}\n`
    // Decided on the text, not on a parse: a block that does not parse must still be validated.
    if (/^["']?on["']?\s*:/m.test(content) && /^jobs\s*:/m.test(content)) found.push({ label: `${file}:${i + 1}`, content })
    i = j
  }
  return found
}

const workflows: WorkflowSource[] = [
  ...readmeWorkflows(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md'),
  ...readdirSync(join(ROOT, 'examples'))
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => ({ label: `examples/${f}`, content: readFileSync(join(ROOT, 'examples', f), 'utf8') })),
  // The repository's own workflows: CI, and the self-test that runs the action from its checkout.
  ...readdirSync(join(ROOT, '.github', 'workflows'))
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => ({ label: `.github/workflows/${f}`, content: readFileSync(join(ROOT, '.github', 'workflows', f), 'utf8') }))
]

interface ActionYml {
  inputs?: Record<string, { required?: boolean | string; default?: unknown } | null>
  outputs?: Record<string, unknown>
  runs?: { using?: string }
}
const actionText = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const action = parse(actionText) as ActionYml

let dir = ''
/** Per file, the validators that ran on it and what they said; printed at the end. */
const ran = new Map<string, string[]>()
function note(label: string, validator: string, errors: string[]): void {
  ran.set(label, [...(ran.get(label) ?? []), `${validator} ${errors.length ? `FAILED (${errors.length})` : 'ok'}`])
}

/** Writes a workflow to a temp file whose name does not end in action.yml, so action-validator treats it as a workflow. */
function tempWorkflow(label: string, content: string): string {
  const file = join(dir, `${label.replace(/[^A-Za-z0-9.-]+/g, '_')}.workflow.yml`)
  writeFileSync(file, content)
  return file
}

/** A copy of an action in a folder of its own, named action.yml, so action-validator treats it as an action. */
function tempAction(name: string, content: string): string {
  mkdirSync(join(dir, name), { recursive: true })
  const file = join(dir, name, 'action.yml')
  writeFileSync(file, content)
  return file
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ohrr-workflows-'))
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  const lines = [...ran].map(([label, validators]) => `  ${label}: ${validators.join(', ')}`)
  console.log(`Validated:\n${lines.join('\n')}`)
})

const show = (errors: string[]): string => `\n  ${errors.join('\n  ')}\n`

// ---------------------------------------------------------------------------------------------

describe('action.yml validates', () => {
  it('with @actions/workflow-parser (parseAction + convertActionTemplate)', () => {
    const errors = parseActionFile('action.yml', actionText)
    note('action.yml', '@actions/workflow-parser', errors)
    expect(errors, show(errors)).toEqual([])
  })

  it('with action-validator (SchemaStore github-action schema)', () => {
    let { errors } = actionValidator(tempAction('as-is', actionText))
    let validator = 'action-validator'
    // action-validator 0.6.0 (its newest release) bundles a SchemaStore schema whose runs.using
    // enum stops at node20; GitHub runs node24 actions, and GitHub's own parser above accepts it.
    // Only then: validate the same file with runs.using node20, so every other rule still applies.
    if (errors.length && action.runs?.using === 'node24') {
      const asNode20 = actionText.replace(/^(\s+using:\s*)['"]?node24['"]?\s*$/m, '$1node20')
      expect(asNode20, 'could not rewrite runs.using').not.toBe(actionText)
      errors = actionValidator(tempAction('node20', asNode20)).errors
      validator = 'action-validator (runs.using node24 read as node20: its schema predates node24)'
    }
    note('action.yml', validator, errors)
    expect(errors, show(errors)).toEqual([])
  })
})

describe('workflows validate', () => {
  it('finds the README quick start and the examples', () => {
    expect(workflows.filter(w => w.label.startsWith('README.md')).length).toBeGreaterThan(0)
    expect(workflows.map(w => w.label)).toEqual(
      expect.arrayContaining([
        'examples/pr-agent.yml',
        'examples/nightly-eval.yml',
        'examples/sdk-ci.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/self-test.yml'
      ])
    )
  })

  describe.each(workflows)('$label', ({ label, content }) => {
    it('with action-validator (SchemaStore github-workflow schema)', () => {
      const { errors } = actionValidator(tempWorkflow(label, content))
      note(label, 'action-validator', errors)
      expect(errors, show(errors)).toEqual([])
    })

    it('with @actions/workflow-parser (parseWorkflow + convertWorkflowTemplate)', async () => {
      const errors = await parseWorkflowFile(basename(label), content)
      note(label, '@actions/workflow-parser', errors)
      expect(errors, show(errors)).toEqual([])
    })

    it("uses the action with action.yml's inputs and outputs only", () => {
      const problems = actionUsage(label, content)
      note(label, 'inputs/outputs vs action.yml', problems)
      expect(problems, show(problems)).toEqual([])
    })
  })
})

/**
 * Every step that uses this action passes only inputs action.yml declares and every required
 * one; `steps.<id>.outputs.<name>` of such a step names a declared output.
 */
function actionUsage(label: string, content: string): string[] {
  const problems: string[] = []
  const inputs = action.inputs ?? {}
  const outputs = new Set(Object.keys(action.outputs ?? {}))
  type Workflow = { jobs?: Record<string, { steps?: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> }
  let workflow: Workflow
  try {
    workflow = parse(content) as Workflow
  } catch (err) {
    return [`${label} is not valid YAML: ${(err as Error).message}`]
  }
  let uses = 0
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    const ids: string[] = []
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (!step.uses || !ACTION_REF.test(step.uses)) continue
      uses++
      const where = `${label}: job '${jobId}', step ${step.id ? `'${step.id}'` : index + 1}`
      for (const name of Object.keys(step.with ?? {})) {
        if (!(name in inputs)) problems.push(`${where} passes input '${name}', which action.yml does not declare`)
      }
      for (const [name, spec] of Object.entries(inputs)) {
        const required = spec?.required === true || spec?.required === 'true'
        if (required && spec?.default === undefined && !(name in (step.with ?? {}))) problems.push(`${where} does not pass required input '${name}'`)
      }
      if (step.id) ids.push(step.id)
    }
    const text = JSON.stringify(job)
    for (const id of ids) {
      const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      for (const m of text.matchAll(new RegExp(`steps\\.${escaped}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g'))) {
        if (!outputs.has(m[1])) problems.push(`${label}: job '${jobId}' reads steps.${id}.outputs.${m[1]}, which action.yml does not declare`)
      }
    }
  }
  // Only what users are shown must use the action; the repository's CI need not.
  if (!uses && label !== '.github/workflows/ci.yml') problems.push(`${label} never uses openhands/openhands-remote-run`)
  return problems
}

// ---------------------------------------------------------------------------------------------

describe('negative controls: each validator rejects a broken file', () => {
  const good = ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo hi', ''].join('\n')
  const broken = {
    'runs-on missing': good.replace('    runs-on: ubuntu-latest\n', ''),
    'unknown job key (step: for steps:)': good.replace('    steps:', '    step:'),
    'unknown top-level key (job: for jobs:)': good.replace('jobs:', 'job:')
  }

  it('the control workflow itself is valid for both', async () => {
    expect(actionValidator(tempWorkflow('control-good', good)).errors).toEqual([])
    expect(await parseWorkflowFile('control-good.yml', good)).toEqual([])
  })

  it.each(Object.entries(broken))('action-validator rejects a workflow with %s', (name, content) => {
    const { errors } = actionValidator(tempWorkflow(`control-${name}`, content))
    expect(errors.length, `action-validator accepted a workflow with ${name}`).toBeGreaterThan(0)
  })

  it.each(Object.entries(broken))('@actions/workflow-parser rejects a workflow with %s', async (name, content) => {
    const errors = await parseWorkflowFile(`control.yml`, content)
    expect(errors.length, `@actions/workflow-parser accepted a workflow with ${name}`).toBeGreaterThan(0)
  })

  it('names the problem: runs-on', async () => {
    expect(flatten(actionValidator(tempWorkflow('control-runs-on', broken['runs-on missing'])).raw).join('\n')).toContain('/jobs/build/runs-on')
    expect((await parseWorkflowFile('control.yml', broken['runs-on missing'])).join('\n')).toContain('Required property is missing: runs-on')
  })

  it('both reject action.yml with a misspelled runs key', () => {
    const bad = actionText.replace(/^(\s+)main:/m, '$1mian:')
    expect(bad).not.toBe(actionText)
    expect(parseActionFile('action.yml', bad).length, '@actions/workflow-parser accepted runs.mian').toBeGreaterThan(0)
    // node20, so that only the misspelling can be the reason.
    const badNode20 = bad.replace(/^(\s+using:\s*)['"]?node24['"]?\s*$/m, '$1node20')
    expect(actionValidator(tempAction('control-mian', badNode20)).errors.length, 'action-validator accepted runs.mian').toBeGreaterThan(0)
  })

  it('README extraction takes whole workflows only, broken YAML included', () => {
    const md = [
      '# x',
      '```yaml',
      'permissions:',
      '  contents: read',
      '```',
      '',
      '```yml',
      'on: push',
      'jobs: {a: [}',
      '```',
      '',
      '```sh',
      'on: x',
      'jobs: y',
      '```',
      ''
    ].join('\n')
    expect(readmeWorkflows(md, 'X.md')).toEqual([{ label: 'X.md:7', content: 'on: push\njobs: {a: [}\n' }])
  })

  it('the usage check reports an unknown input and output', () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: agent',
      '        uses: openhands/openhands-remote-run@v1',
      '        with: { prompt: x, llm-api-key: k, runtime-api-key: k, no-such-input: 1 }',
      '      - run: echo ${{ steps.agent.outputs.no-such-output }}',
      ''
    ].join('\n')
    expect(actionUsage('control', workflow)).toEqual([
      "control: job 'a', step 'agent' passes input 'no-such-input', which action.yml does not declare",
      "control: job 'a' reads steps.agent.outputs.no-such-output, which action.yml does not declare"
    ])
  })
})
