import { describe, expect, it } from 'vitest'
import { COMMENT_LIMIT, renderFinalComment, renderProgressComment } from '../../src/report/comment.js'
import { commentMarker } from '../../src/naming.js'
import type { RunResult } from '../../src/report/result.js'
import { neutralizeMentions, redactTokenFormats } from '../../src/report/sanitize.js'
import { sampleResult } from '../harness/fixtures.js'

const marker = commentMarker('abc12345')
const links = { runUrl: 'https://github.com/o/r/actions/runs/1', artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/9' }
const result = (over: Partial<RunResult> = {}): RunResult => sampleResult({ session_id: 'ohrr-1', ...over })

describe('renderFinalComment', () => {
  it('starts with the marker and shows status, cost, tokens, duration, message and links', () => {
    const body = renderFinalComment(marker, result(), links)
    expect(body.startsWith(`${marker}\n### ✅ OpenHands agent finished`)).toBe(true)
    expect(body).toContain('| `finished` | $0.0341 | 20,600 prompt · 725 completion · 11,100 cache read | 1m 23s |')
    expect(body).toContain('> I fixed the bug in the parser and the tests pass.')
    expect(body).toContain('[Run log](https://github.com/o/r/actions/runs/1) · [Artifacts](https://github.com/o/r/actions/runs/1/artifacts/9)')
    expect(body).toContain('**Changes:** 2 files, +15 −1')
    expect(body).toContain('<details><summary>Changed files (2)</summary>')
    expect(body).toContain('| `src/parser.py` | +3 | −1 |')
    expect(body).toContain('```mermaid\ngantt\n')
    expect(body).not.toContain('Whole final message')
  })

  it('says plainly when nothing changed, and when the final message claims otherwise', () => {
    const none = { files: [], additions: 0, deletions: 0 }
    const claimed = renderFinalComment(marker, result({ changes: none, changed_files: [], patch_file: null }), links)
    expect(claimed).toContain('**Changes:** none: the agent changed no files')
    expect(claimed).toContain("The agent's final message describes changes, but the run brought back no changed files.")
    expect(claimed).not.toContain('Changed files (')
    for (const message of ['The tests already pass; nothing to do.', 'No files were changed. The tests pass.', "I didn't modify anything!"]) {
      const honest = renderFinalComment(marker, result({ changes: none, final_message: message }), links)
      expect(honest).toContain('**Changes:** none: the agent changed no files')
      expect(honest, message).not.toContain('describes changes')
    }
    const mixed = renderFinalComment(marker, result({ changes: none, final_message: 'Nothing was wrong with the lexer. I updated the parser.' }), links)
    expect(mixed).toContain('describes changes')
    const lost = renderFinalComment(marker, result({ status: 'error', error: 'boom', changes: null }), links)
    expect(lost).toContain('**Changes:** not collected')
  })

  it('collapses a long final message and stays under GitHub’s limit even for a huge one', () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i + 1}: ${'x'.repeat(50)}`).join('\n')
    const body = renderFinalComment(marker, result({ final_message: long }), links)
    expect(body).toContain('<details><summary>Whole final message</summary>')
    expect(body).toContain('> line 15:')
    expect(body).not.toContain('> line 16:')
    expect(body).toContain('line 40:')

    const files = Array.from({ length: 500 }, (_, i) => ({ path: `src/module_${i}/${'deep/'.repeat(40)}file_${i}.ts`, additions: i, deletions: 1 }))
    const huge = renderFinalComment(marker, result({ final_message: 'é'.repeat(200_000), changes: { files, additions: 1, deletions: 500 } }), links)
    expect(huge.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(huge).toContain('… (truncated; the whole message is in result.json)')
    expect(huge.endsWith('</sub>\n')).toBe(true)
  })

  it('lists changed files, at most 100, with the total', () => {
    const files = Array.from({ length: 130 }, (_, i) => ({ path: `pkg/file ${i}.py`, additions: 1, deletions: 0 }))
    const body = renderFinalComment(marker, result({ changes: { files, additions: 130, deletions: 0 } }), links)
    expect(body).toContain('<details><summary>Changed files (130)</summary>')
    expect(body).toContain('| `pkg/file 99.py` | +1 | −0 |')
    expect(body).not.toContain('`pkg/file 100.py`')
    expect(body).toContain('| … and 30 more | | |')
  })

  it('shows an error with a stack trace in a code block', () => {
    const error = 'RuntimeError: boom\n  at agent.step (agent.py:12)\n  at loop (loop.py:99)'
    const body = renderFinalComment(marker, result({ status: 'error', error, final_message: '' }), links)
    expect(body).toContain('### ❌ OpenHands agent run failed')
    expect(body).toContain('**Error:** \n\n```\nRuntimeError: boom\n  at agent.step (agent.py:12)')
    expect(body).not.toContain('Final message')
  })

  it('keeps unicode intact and neutralises mentions and tokens from the agent', () => {
    const message = 'Fertig ✅ — 日本語のテスト. Ping @octocat and @org/team. Token ghp_' + 'a'.repeat(36)
    const body = renderFinalComment(marker, result({ final_message: message }), links)
    expect(body).toContain('Fertig ✅ — 日本語のテスト.')
    expect(body).toContain('@\u200Doctocat')
    expect(body).not.toMatch(/@octocat/)
    expect(body).not.toContain('ghp_aaaa')
  })

  it.each(['error', 'stuck', 'timeout', 'budget_exceeded', 'cancelled'] as const)('has a title for %s', status => {
    expect(renderFinalComment(marker, result({ status }), links)).toMatch(/^<!-- openhands-remote-run:abc12345 -->\n### \S+ OpenHands agent/)
  })
})

describe('renderProgressComment', () => {
  it('shows provisioning, then steps, last action, cost and elapsed time', () => {
    expect(renderProgressComment(marker, { phase: 'provisioning', steps: 0, cost: 0, elapsedMs: 12_000 }, links)).toContain('Provisioning the sandbox… (12.0s)')
    const body = renderProgressComment(marker, { phase: 'running', steps: 7, lastAction: 'terminal: $ pytest -q', cost: 0.0123, elapsedMs: 65_000 }, links)
    expect(body).toContain('### ⏳ OpenHands agent running')
    expect(body).toContain('**Steps:** 7 · **Cost so far:** $0.0123 · **Elapsed:** 1m 5s')
    expect(body).toContain('**Last action:** `terminal: $ pytest -q`')
  })
})

describe('sanitizing', () => {
  it('redacts common token formats', () => {
    const text = ['ghs_' + 'b'.repeat(36), 'github_pat_' + 'c'.repeat(70), 'sk-ant-' + 'd'.repeat(30), 'AKIA' + 'E'.repeat(16), 'xoxb-1234567890-abc'].join(' ')
    expect(redactTokenFormats(text)).toBe('*** *** *** *** ***')
  })
  it('leaves e-mail addresses and plain text alone apart from the joiner', () => {
    expect(neutralizeMentions('mail me at dev@example.com')).toBe('mail me at dev@\u200Dexample.com')
    expect(neutralizeMentions('no mentions here')).toBe('no mentions here')
  })
})
