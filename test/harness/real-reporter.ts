import type { Reporter, TestModule } from 'vitest/node'

/** One line per agent-server release the real-server tier ran against: `real agent server 1.58.2: N passed, N failed`. */
export default class RealServerReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number }>()
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        let suite = test.parent
        while (suite.type === 'suite' && suite.parent.type === 'suite') suite = suite.parent
        const release = suite.type === 'suite' ? /^real agent server (\S+)/.exec(suite.name)?.[1] : undefined
        if (!release) continue
        const count = counts.get(release) ?? { passed: 0, failed: 0, skipped: 0 }
        const state = test.result().state
        if (state === 'passed') count.passed++
        else if (state === 'failed') count.failed++
        else count.skipped++
        counts.set(release, count)
      }
    }
    const lines = [...counts].map(
      ([release, c]) => `real agent server ${release}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`
    )
    if (lines.length) process.stdout.write(`\n${lines.join('\n')}\n`)
  }
}
