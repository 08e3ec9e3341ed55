import { barChart, fence, gantt } from '../report/mermaid.js'
import type { Aggregate } from './aggregate-types.js'

/**
 * The matrix as pictures, next to its table: cost per cell, and each cell's run time as a bar,
 * red when the cell did not finish. Left out (the table alone) when there are too many cells.
 */
export function renderAggregateCharts(aggregate: Aggregate): string {
  const { cells } = aggregate
  if (!cells.length) return ''
  const cost = barChart(
    'Cost per cell (USD)',
    cells.map(c => c.cell),
    'USD',
    [{ kind: 'bar', values: cells.map(c => c.cost) }]
  )
  const outcome = gantt('Cells: run time, red when not finished', [
    {
      name: `${aggregate.totals.finished} of ${aggregate.totals.cells} finished`,
      tasks: cells.map(c => ({ label: `${c.cell} (${c.status})`, startMs: 0, endMs: c.durationSeconds * 1000, failed: c.status !== 'finished' }))
    }
  ])
  return fence(cost) + fence(outcome)
}
