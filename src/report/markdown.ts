/** The few markdown rules every report (summary, comment, aggregate, sweep) follows. */

/** Inline code; a backtick inside becomes a quote. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}

/** One table cell: on one line, with `|` escaped (also inside code). */
export function tableCell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|')
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** At most `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** A whole number with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** USD as every report and output gives it: at most 6 decimals. */
export function roundUsd(cost: number): number {
  return Number(cost.toFixed(6))
}
