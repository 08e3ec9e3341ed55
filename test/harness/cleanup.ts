import { afterAll } from 'vitest'
import { removeJobDirs } from './runner.js'

// Setup file of every test file: the job folders it made go, pass or fail.
afterAll(() => removeJobDirs())
