import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most e2e time is spent waiting on child processes and simulated servers: two workers on two cores.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/harness/real-reporter.ts', './test/harness/count-reporter.ts'],
    globalSetup: ['./test/harness/temp-dir.ts'],
    setupFiles: ['./test/harness/cleanup.ts']
  }
})
