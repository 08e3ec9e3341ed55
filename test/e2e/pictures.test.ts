/**
 * Every mermaid diagram the built action writes, checked with mermaid's own parser: the step
 * summary and the PR comment of a run with follow-ups, changes and two LLMs, and the summary of
 * the aggregate job over it. The runs come first and their servers are closed before mermaid
 * (and the DOM it needs) is loaded.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startGithubStub } from '../github/server.js'
import { Job } from '../harness/runner.js'
import { markdownDiagramProblems, mermaidBlocks } from '../harness/mermaid.js'
import { editScript, startSimulator, type AgentScript } from '../simulator/index.js'
import { jobFor } from './helpers.js'
import { pullRequestEvent } from '../harness/fixtures.js'

const PR = 7
const prEvent = pullRequestEvent(PR, 'maintainer')
/** The edit script with a condenser call: two LLMs. */
const script: AgentScript = {
  steps: [
    ...editScript.steps.slice(0, -1),
    { type: 'llm', cost: 0.002, promptTokens: 1800, completionTokens: 90, usageId: 'condenser' },
    ...editScript.steps.slice(-1)
  ]
}

describe('the diagrams in the reports', () => {
  it('are valid mermaid in the summary, the comment and the aggregate summary', async () => {
    const gh = await startGithubStub({ permissions: { maintainer: 'write' } })
    const sim = await startSimulator({ provisioningMs: 300, script })
    const jobs: Job[] = []
    const reports: Record<string, string> = {}
    try {
      const run = jobFor(
        sim,
        { 'follow-up': 'Now add a test for it.' },
        { env: { ...gh.env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_WORKFLOW: 'agent' }, event: prEvent, githubToken: gh.token }
      )
      jobs.push(run)
      const main = await run.main()
      expect(main.outputs.status).toBe('finished')
      reports['run summary'] = run.summary()
      reports['final comment'] = gh.comments[0].body

      const aggregate = new Job({ inputs: { mode: 'aggregate', results: 'artifacts/*/result.json' } })
      jobs.push(aggregate)
      for (const cell of ['openhands-agent-a', 'openhands-agent-b']) {
        mkdirSync(join(aggregate.workspace, 'artifacts', cell), { recursive: true })
        copyFileSync(main.outputs['result-file'], join(aggregate.workspace, 'artifacts', cell, 'result.json'))
      }
      expect((await aggregate.main()).code).toBe(0)
      reports['aggregate summary'] = aggregate.summary()
    } finally {
      await sim.close()
      await gh.close()
    }
    try {
      // The run: a timeline, cost per turn (two turns) and per LLM (agent and condenser).
      expect(mermaidBlocks(reports['run summary']).map(d => d.split('\n')[0])).toEqual(['gantt', 'xychart-beta horizontal', 'pie title Cost per LLM'])
      expect(mermaidBlocks(reports['final comment']).map(d => d.split('\n')[0])).toEqual(['gantt', 'xychart-beta horizontal', 'pie title Cost per LLM'])
      expect(mermaidBlocks(reports['aggregate summary']).map(d => d.split('\n')[0])).toEqual(['xychart-beta horizontal', 'gantt'])
      for (const [name, markdown] of Object.entries(reports)) expect(await markdownDiagramProblems(markdown), name).toEqual([])
    } finally {
      for (const job of jobs) rmSync(job.dir, { recursive: true, force: true })
    }
  })
})
