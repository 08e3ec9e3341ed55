import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { step, type LlmStep } from './llm.js'

/** A checkout with a failing test: calc.add subtracts. */
export function failingCheckout(dir: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, '.gitignore'), '__pycache__/\n')
  writeFileSync(join(dir, 'calc.py'), 'def add(a, b):\n    return a - b\n')
  writeFileSync(join(dir, 'test_calc.py'), 'from calc import add\n\nassert add(2, 3) == 5, f"add(2, 3) = {add(2, 3)}"\nprint("ok")\n')
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'calc')
}

/** The scripted agent's fix of that checkout: run the test, edit calc.py, run it again, finish. */
export function fixScript(workingDir = '/workspace/project'): LlmStep[] {
  return [
    step.run('python3 test_calc.py', { prompt: 2_100, completion: 60 }),
    step.edit(`${workingDir}/calc.py`, 'return a - b', 'return a + b', { prompt: 2_600, completion: 90 }),
    step.run('python3 test_calc.py', { prompt: 3_000, completion: 50 }),
    step.finish('add() subtracted; it adds now and test_calc.py passes.', { prompt: 3_200, completion: 40 })
  ]
}
