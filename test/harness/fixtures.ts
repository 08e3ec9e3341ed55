import type { RunResult } from '../../src/report/result.js'

/** A realistic result.json of a finished run, with fields overridden as a test needs. */
export function sampleResult(over: Partial<RunResult> = {}): RunResult {
  return {
    schema_version: 2,
    status: 'finished',
    error: null,
    session_id: 'ohrr-5e1f0a2b-123-agent-0badc0de',
    runtime_id: 'rt1',
    conversation_id: 'c1',
    image: 'ghcr.io/openhands/agent-server:abc1234-python-amd64',
    llm_model: 'anthropic/claude-sonnet-4-5-20250929',
    cost: 0.0341,
    prompt_tokens: 20600,
    completion_tokens: 725,
    cache_read_tokens: 11100,
    cache_write_tokens: 0,
    duration_seconds: 83.2,
    started_at: '2026-11-28T10:00:00.000Z',
    finished_at: '2026-11-28T10:01:23.200Z',
    final_message: 'I fixed the bug in the parser and the tests pass.',
    event_count: 14,
    events_file: '/tmp/e.jsonl',
    result_file: '/tmp/r.json',
    base_commit: null,
    patch_file: '/tmp/changes.patch',
    changed_files: ['src/parser.py', 'tests/test_parser.py'],
    changes: {
      files: [
        { path: 'src/parser.py', additions: 3, deletions: 1 },
        { path: 'tests/test_parser.py', additions: 12, deletions: 0 }
      ],
      additions: 15,
      deletions: 1
    },
    turns: [
      {
        turn: 1,
        status: 'finished',
        cost: 0.0341,
        prompt_tokens: 20600,
        completion_tokens: 725,
        started_at: '2026-11-28T10:00:21.400Z',
        duration_seconds: 55.1,
        final_message: 'I fixed the bug in the parser and the tests pass.'
      }
    ],
    usage: [
      { usage_id: 'agent', model: 'anthropic/claude-sonnet-4-5-20250929', cost: 0.0341, prompt_tokens: 20600, completion_tokens: 725, cache_read_tokens: 11100 }
    ],
    phases: [
      { name: 'Checking the image', started_at: '2026-11-28T10:00:00.000Z', duration_seconds: 0.4 },
      { name: 'Provisioning the runtime', started_at: '2026-11-28T10:00:00.400Z', duration_seconds: 18.3 },
      { name: 'Uploading the checkout', started_at: '2026-11-28T10:00:18.700Z', duration_seconds: 2.1 },
      { name: 'Running the agent', started_at: '2026-11-28T10:00:20.800Z', duration_seconds: 57.9 },
      { name: 'Bringing the changes back', started_at: '2026-11-28T10:01:18.700Z', duration_seconds: 1.2 },
      { name: 'Releasing the runtime', started_at: '2026-11-28T10:01:19.900Z', duration_seconds: 3.3 }
    ],
    ...over
  }
}

/** A night of a matrix: each cell's result.json, as overrides of sampleResult. */
export type Night = Record<string, Partial<RunResult>>
const ok = (cost: number): Partial<RunResult> => ({ status: 'finished', error: null, cost, duration_seconds: 60 })
const failed = (cost: number): Partial<RunResult> => ({ status: 'error', error: 'tests still fail', cost, duration_seconds: 90 })

/** Two nights: `eval-b` regresses, `eval-c` is fixed, `eval-d` vanishes, `eval-e` doubles its cost, `eval-f` is new, `eval-a` moves 10%. */
export const LAST_NIGHT: Night = { 'eval-a': ok(0.1), 'eval-b': ok(0.1), 'eval-c': failed(0.1), 'eval-d': ok(0.1), 'eval-e': ok(0.1) }
export const TONIGHT: Night = { 'eval-a': ok(0.11), 'eval-b': failed(0.1), 'eval-c': ok(0.1), 'eval-e': ok(0.2), 'eval-f': ok(0.05) }

const REPOSITORY = { full_name: 'octo-org/octo-repo', name: 'octo-repo', owner: { login: 'octo-org' } }

/** A `pull_request` opened event of octo-org/octo-repo, head and base in the same repository. */
export function pullRequestEvent(number: number, sender: string, headSha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'): Record<string, unknown> {
  return {
    action: 'opened',
    number,
    pull_request: { number, head: { sha: headSha, ref: 'fix', repo: REPOSITORY }, base: { sha: 'e'.repeat(40), ref: 'main', repo: REPOSITORY } },
    repository: REPOSITORY,
    sender: { login: sender, type: 'User' }
  }
}
