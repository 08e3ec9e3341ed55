import { roundUsd } from './markdown.js'

/**
 * Mermaid diagrams for the step summary and comments, which GitHub renders. Each builder
 * returns undefined when the picture would be too large to read or to render (mermaid refuses
 * text over its maxTextSize, 50 000 characters): the table next to it then stands alone.
 */

/** Well below mermaid's 50 000, and small enough that a comment keeps room for the rest. */
export const MAX_DIAGRAM_CHARS = 8_000
/** Bars or tasks past this are unreadable; the table says it better. */
export const MAX_DIAGRAM_ITEMS = 40

export interface GanttTask {
  label: string
  startMs: number
  endMs: number
  /** Drawn red: a phase or cell that did not succeed. */
  failed?: boolean
}

/** A timeline; times are milliseconds from the start, shown as minutes and seconds. */
export function gantt(title: string, sections: Array<{ name: string; tasks: GanttTask[] }>): string | undefined {
  const tasks = sections.flatMap(s => s.tasks)
  if (!tasks.length || tasks.length > MAX_DIAGRAM_ITEMS) return undefined
  const end = Math.max(...tasks.map(t => t.endMs))
  // Times count from 0 (1970 to mermaid): no "today" line, which would sit decades to the right.
  const lines = ['gantt', `  title ${text(title)}`, '  dateFormat x', `  axisFormat ${end >= 3_600_000 ? '%H:%M:%S' : '%M:%S'}`, '  todayMarker off']
  for (const section of sections) {
    if (!section.tasks.length) continue
    lines.push(`  section ${text(section.name)}`)
    for (const task of section.tasks) {
      const start = Math.max(0, Math.round(task.startMs))
      // A zero-length bar is invisible: give it one millisecond.
      const stop = Math.max(start + 1, Math.round(task.endMs))
      lines.push(`  ${taskLabel(task.label)} :${task.failed ? 'crit, ' : ''}${start}, ${stop}`)
    }
  }
  return fit(lines)
}

export interface Series {
  kind: 'bar' | 'line'
  values: number[]
}

/** A bar chart (bars and lines over the same labels); horizontal, so long names stay legible. */
export function barChart(title: string, labels: string[], axis: string, series: Series[]): string | undefined {
  if (!labels.length || labels.length > MAX_DIAGRAM_ITEMS || !series.length) return undefined
  const max = Math.max(...series.flatMap(s => s.values))
  const lines = [
    'xychart-beta horizontal',
    `  title "${quoted(title)}"`,
    `  x-axis [${labels.map(l => `"${quoted(l)}"`).join(', ')}]`,
    // An explicit range: with every value 0, mermaid's own range would be empty.
    `  y-axis "${quoted(axis)}" 0 --> ${number(max > 0 ? max * 1.1 : 1)}`,
    ...series.map(s => `  ${s.kind} [${s.values.map(number).join(', ')}]`)
  ]
  return fit(lines)
}

/** A pie of the positive slices; undefined when fewer than two are left. */
export function pie(title: string, slices: Array<{ label: string; value: number }>): string | undefined {
  const shown = slices.filter(s => s.value > 0)
  if (shown.length < 2 || shown.length > MAX_DIAGRAM_ITEMS) return undefined
  return fit([`pie title ${text(title)}`, ...shown.map(s => `  "${quoted(s.label)}" : ${number(s.value)}`)])
}

/** A ```mermaid block, or nothing for a diagram that was left out. */
export function fence(diagram: string | undefined): string {
  return diagram ? `\`\`\`mermaid\n${diagram}\n\`\`\`\n\n` : ''
}

function fit(lines: string[]): string | undefined {
  const diagram = lines.join('\n')
  return diagram.length <= MAX_DIAGRAM_CHARS ? diagram : undefined
}

/** Free text on a line of its own (titles, section names): one line, no comment or statement separators. */
function text(value: string): string {
  return (
    value
      .replace(/[\r\n]+/g, ' ')
      .replace(/[#;%]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 80) || '-'
  )
}

/** Keywords that would start a gantt statement instead of a task. */
const GANTT_KEYWORDS =
  /^(title|section|dateformat|axisformat|tickinterval|todaymarker|excludes|includes|inclusiveenddates|topaxis|weekday|weekend|accTitle|accDescr|click)\b/i

/** A task name: mermaid reads up to the first `:` as the name. */
function taskLabel(value: string): string {
  const label = text(value.replace(/:/g, ' '))
  return GANTT_KEYWORDS.test(label) ? `· ${label}` : label
}

/** Inside double quotes: no quote, no line break, no `%%` (mermaid cuts a comment out of any line). */
function quoted(value: string): string {
  return (
    value
      .replace(/[\r\n%]+/g, ' ')
      .replace(/["\\]/g, "'")
      .trim()
      .slice(0, 60) || '-'
  )
}

function number(n: number): string {
  return Number.isFinite(n) ? String(roundUsd(n)) : '0'
}
