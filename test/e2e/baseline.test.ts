/**
 * Nightly evaluations against a baseline, through the built bundle: last night's aggregate job
 * uploads its aggregate.json, tonight's compares with it (as downloaded by
 * actions/download-artifact) and, with fail-on-regression, fails naming the regressed cell.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGithubStub, type GithubStub } from '../github/server.js'
import { LAST_NIGHT, sampleResult, TONIGHT, type Night } from '../harness/fixtures.js'
import { markdownDiagramProblems, mermaidBlocks } from '../harness/mermaid.js'
import { Job, REPO_ROOT, type StepResult } from '../harness/runner.js'

const validateAggregate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'aggregate.schema.json'), 'utf8')) as object
)
const PR = 9
const prEvent = { action: 'opened', number: PR, pull_request: { number: PR }, repository: { full_name: 'octo-org/octo-repo' }, sender: { login: 'maintainer' } }

let gh: GithubStub
const jobs: Job[] = []
const summaries: string[] = []
beforeAll(async () => {
  gh = await startGithubStub({ permissions: { maintainer: 'write' } })
})
afterAll(async () => {
  await gh.close()
  for (const job of jobs) rmSync(job.dir, { recursive: true, force: true })
})

/** An aggregate job over one night's result.json files, as download-artifact lays them out. */
async function aggregateJob(night: Night, inputs: Record<string, string> = {}, baseline?: Buffer | string, env: Record<string, string> = {}) {
  const job = new Job({
    inputs: { mode: 'aggregate', results: 'artifacts/*/result.json', ...inputs },
    env: { ...gh.env, GITHUB_JOB: 'report', ...env },
    githubToken: gh.token,
    event: env.GITHUB_EVENT_NAME ? prEvent : {}
  })
  jobs.push(job)
  for (const [cell, over] of Object.entries(night)) {
    mkdirSync(join(job.workspace, 'artifacts', cell), { recursive: true })
    writeFileSync(join(job.workspace, 'artifacts', cell, 'result.json'), JSON.stringify(sampleResult(over)))
  }
  if (baseline !== undefined) {
    mkdirSync(join(job.workspace, 'baseline'), { recursive: true })
    writeFileSync(join(job.workspace, 'baseline', 'aggregate.json'), baseline)
  }
  const main = await job.main()
  summaries.push(job.summary())
  return { job, main, aggregate: JSON.parse(readFileSync(main.outputs['aggregate-file'], 'utf8')) as Record<string, unknown> }
}

const warnings = (step: StepResult): string[] => step.stdout.split('\n').filter(l => l.startsWith('::warning::'))
const errors = (step: StepResult): string[] => step.stdout.split('\n').filter(l => l.startsWith('::error::'))

describe('nightly evaluations against a baseline', () => {
  let lastNight: Buffer

  it('last night: the aggregate job uploads its aggregate.json as its artifact', async () => {
    const { main, aggregate } = await aggregateJob(LAST_NIGHT)
    expect(main.code).toBe(0)
    expect(aggregate.comparison).toBeNull()
    expect(validateAggregate(aggregate), JSON.stringify(validateAggregate.errors)).toBe(true)
    const artifact = gh.artifacts.find(a => a.name === 'openhands-report')!
    expect(Object.keys(artifact.files)).toEqual(['aggregate.json'])
    lastNight = artifact.files['aggregate.json']
    expect(lastNight.equals(readFileSync(main.outputs['aggregate-file']))).toBe(true)
  })

  it('tonight: lists each change in its place, comments it, and fails on the regression naming the cell', async () => {
    const { job, main, aggregate } = await aggregateJob(TONIGHT, { baseline: 'baseline/*.json', 'fail-on-regression': 'true' }, lastNight, {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_WORKFLOW: 'nightly',
      GITHUB_RUN_ID: '4242'
    })
    expect(main.code).toBe(1)
    expect(errors(main)).toEqual(['::error::Regressed against the baseline: eval-b.'])
    expect(main.stdout).toMatch(/Compared with .*baseline\/aggregate\.json: 1 regressed, 1 fixed, 1 new, 1 vanished, 1 cost changes over 25%/)
    expect(validateAggregate(aggregate), JSON.stringify(validateAggregate.errors)).toBe(true)
    expect(aggregate.comparison).toMatchObject({
      regressed: ['eval-b'],
      fixed: ['eval-c'],
      new_cells: ['eval-f'],
      vanished: ['eval-d'],
      cost_changes: ['eval-e']
    })

    const summary = job.summary()
    const positions = [
      '## OpenHands matrix: what changed since the baseline',
      '- `eval-b`: finished → error',
      '- `eval-c`: error → finished',
      '- `eval-f`: finished, $0.0500',
      '- `eval-d`: was finished, $0.1000',
      '- `eval-e`: $0.1000 → $0.2000 (+100%)',
      '**Success rate** 80.0% → 80.0%',
      '| `eval-e` |  | finished → finished | $0.1000 | $0.2000 | +$0.1000 (+100%) 💸 |',
      '## OpenHands matrix results'
    ].map(text => {
      expect(summary).toContain(text)
      return summary.indexOf(text)
    })
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    const comment = gh.comments.find(c => c.body.includes('what changed since the baseline'))
    expect(comment?.body).toContain('- `eval-b`: finished → error')
  })

  it('an unreadable baseline or one of another version warns and aggregates plainly', async () => {
    for (const content of ['{"schema_version": 2, "cel', JSON.stringify({ schema_version: 9, cells: [] })]) {
      const { main, aggregate } = await aggregateJob(TONIGHT, { baseline: 'baseline/aggregate.json', 'upload-artifacts': 'false' }, content)
      expect(main.code).toBe(0)
      expect(warnings(main)).toEqual([
        expect.stringMatching(/^::warning::Not compared with a baseline: .*aggregate\.json (cannot be read as JSON|has schema_version 9)/)
      ])
      expect(aggregate.comparison).toBeNull()
      expect(summaries.at(-1)).not.toContain('what changed since the baseline')
      expect(summaries.at(-1)).toContain('## OpenHands matrix results')
    }
  })

  it('with fail-on-regression, an unreadable baseline fails the step; a missing one only warns', async () => {
    const inputs = { baseline: 'baseline/aggregate.json', 'fail-on-regression': 'true', 'upload-artifacts': 'false' }
    const broken = await aggregateJob(TONIGHT, inputs, 'not json')
    expect(broken.main.code).toBe(1)
    expect(errors(broken.main)).toEqual([expect.stringMatching(/^::error::fail-on-regression: the baseline cannot be used \(.*cannot be read as JSON/)])
    const firstNight = await aggregateJob(TONIGHT, inputs)
    expect(firstNight.main.code).toBe(0)
    expect(warnings(firstNight.main)).toEqual([
      "::warning::Not compared with a baseline: no file matches baseline 'baseline/aggregate.json'. The aggregate below is this run's alone."
    ])
  })

  it('every diagram of these summaries is valid mermaid', async () => {
    expect(summaries.length).toBe(6)
    expect(mermaidBlocks(summaries[1])).toHaveLength(4) // the comparison's two charts, then the night's two
    for (const summary of summaries) expect(await markdownDiagramProblems(summary)).toEqual([])
  })
})
