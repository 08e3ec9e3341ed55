/**
 * Checks diagrams with mermaid's own code, as GitHub renders them: `mermaid.parse`, then the
 * diagram's database built from the text (for a gantt that computes every task's dates, which
 * parse alone does not). Mermaid needs a DOM for its sanitizer: jsdom gives it one.
 */
import { JSDOM } from 'jsdom'
import type MermaidApi from 'mermaid'

type Mermaid = typeof MermaidApi
let loaded: Promise<Mermaid> | undefined

function load(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { window } = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true })
    Object.assign(globalThis, { window, document: window.document })
    return (await import('mermaid')).default
  })()
  return loaded
}

/** The ```mermaid blocks of a markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map(m => m[1])
}

/** Why mermaid would not draw the diagram; undefined when it would. */
export async function mermaidProblem(diagram: string): Promise<string | undefined> {
  const mermaid = await load()
  try {
    await mermaid.parse(diagram)
    const parsed = await mermaid.mermaidAPI.getDiagramFromText(diagram)
    if (parsed.type === 'gantt') {
      const db = parsed.db as unknown as { getTasks(): Array<{ task: string; startTime: Date; endTime: Date }> }
      for (const task of db.getTasks()) {
        const start = task.startTime.getTime()
        const end = task.endTime.getTime()
        if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return `gantt task '${task.task}' has no valid time span`
      }
    }
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** Every problem of every diagram in the markdown, each with the diagram's first line. */
export async function markdownDiagramProblems(markdown: string): Promise<string[]> {
  const problems: string[] = []
  for (const diagram of mermaidBlocks(markdown)) {
    const problem = await mermaidProblem(diagram)
    if (problem) problems.push(`${diagram.split('\n')[0]}: ${problem}`)
  }
  return problems
}
