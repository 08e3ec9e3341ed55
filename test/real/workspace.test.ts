import { chmodSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { git, snapshot, treeOnDisk } from '../e2e/workspace-helpers.js'
import { REAL_TIMEOUT_MS, failingCheckout, realJob, realSetup, unavailable } from './helpers.js'
import { step } from './llm.js'
import { RELEASES } from './releases.js'
import { RealServer } from './server.js'

const script = [step.run("printf 'agent\\n' >> notes.txt && printf 'new\\n' > NEW.md && chmod -x tool.sh"), step.finish('Done.')]

for (const version of [...new Set(Object.values(RELEASES))]) {
  const skip = unavailable(version)
  describe.skipIf(skip)(`real agent server ${version}`, { timeout: REAL_TIMEOUT_MS }, () => {
    it('takes a shallow clone with local changes as it is on the runner, and the patch applies back', async () => {
      const setup = await realSetup(version, script)
      const job = realJob(setup, { 'on-exit': 'keep' })
      const origin = join(job.dir, 'origin')
      mkdirSync(origin)
      failingCheckout(origin)
      writeFileSync(join(origin, 'tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 })
      writeFileSync(join(origin, 'old.txt'), 'deleted on the runner\n')
      symlinkSync('calc.py', join(origin, 'link'))
      git(origin, 'add', '-A')
      git(origin, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'more')
      git(job.dir, 'clone', '-q', '--depth', '1', `file://${origin}`, job.workspace)
      writeFileSync(join(job.workspace, 'test_calc.py'), '# changed on the runner\n', { flag: 'a' })
      chmodSync(join(job.workspace, 'calc.py'), 0o755)
      unlinkSync(join(job.workspace, 'old.txt'))
      writeFileSync(join(job.workspace, 'notes.txt'), 'untracked\n')
      symlinkSync('notes.txt', join(job.workspace, 'latest'))
      const before = treeOnDisk(job.workspace)
      const main = await job.main()

      expect(main.outputs.status, main.stdout).toBe('finished')
      // test_calc.py, calc.py (its mode), notes.txt and latest differ from .git; .gitignore, tool.sh and link come from it.
      expect(main.stdout).toMatch(/^Uploaded 7 files \(3 checked out from \.git, 4 sent; /m)
      const sandboxRepo = join(setup.api.pods[0].workspaceDir, 'project')
      expect(git(sandboxRepo, 'rev-parse', '--is-shallow-repository').trim()).toBe('true')
      expect(main.outputs['changed-files'].split('\n').sort()).toEqual(['NEW.md', 'notes.txt', 'tool.sh'])
      expect(snapshot(job.workspace)).toEqual(snapshot(sandboxRepo))
      expect(readFileSync(join(job.workspace, 'notes.txt'), 'utf8')).toBe('untracked\nagent\n')
      // 1.11's request model has no tags: only later servers keep the base tree.
      if (version !== RELEASES.oldest) {
        const conversation = await new RealServer(setup.api.pods[0]).conversation(main.outputs['conversation-id'])
        expect((conversation.tags as Record<string, string>).ohrrbasetree).toBe(before)
      }
    })
  })
}
