/** The shapes of aggregate.json: the matrix's cells and, against a baseline, what changed. */

/**
 * `mode: aggregate`: the result.json files of a matrix, one row per cell.
 *
 * A cell is named after the folder that holds its result.json. `actions/download-artifact`
 * puts each artifact in a folder named after it, and this action names its artifact
 * `openhands-<job>[-<matrix values>]`, so a downloaded cell is named like its artifact.
 * A re-run uploads `<name>-attempt-<n>`: that is the same cell, and the latest attempt counts.
 * When two files still share a name, each is named by its path instead.
 */
export interface CellResult {
  cell: string
  /** The result.json read; null when the cell never reported. */
  file: string | null
  /** A run status, or `missing` (no result.json) or `invalid` (a result.json that cannot be read). */
  status: string
  cost: number
  promptTokens: number
  completionTokens: number
  durationSeconds: number
  /** Why the cell did not finish: the run's error, or what was wrong with its file. */
  error: string | null
}

/** Bumped on any incompatible change to aggregate.json (2: `comparison`); JSON Schema in schemas/aggregate.schema.json. */
export const AGGREGATE_SCHEMA_VERSION = 2

export interface Aggregate {
  schema_version: typeof AGGREGATE_SCHEMA_VERSION
  cells: CellResult[]
  /** `failed` counts every cell that did not finish, `missing` ones included: finished + failed = cells. */
  totals: {
    cells: number
    finished: number
    failed: number
    missing: number
    cost: number
    prompt_tokens: number
    completion_tokens: number
    duration_seconds: number
  }
  /** finished / cells; 0 when there are no cells. */
  success_rate: number
  /** Total cost / finished cells; null when none finished. */
  cost_per_success: number | null
  /** This night against the `baseline` input's aggregate.json; null without a usable baseline. */
  comparison: Comparison | null
}

/** One cell then and now; a side is null when the cell was not in that night. */
export interface CellSide {
  status: string
  cost: number
  tokens: number
  duration_seconds: number
}

export type CellChange = 'regressed' | 'fixed' | 'new' | 'vanished' | 'same'

export interface CellComparison {
  cell: string
  change: CellChange
  then: CellSide | null
  now: CellSide | null
  /** USD, now minus then; null unless the cell is in both nights. */
  cost_change: number | null
  /** Percent of the baseline's cost; null unless the cell is in both nights with a baseline cost above 0. */
  cost_change_percent: number | null
  /** The change is beyond the threshold, either way. */
  cost_flagged: boolean
}

export interface NightTotals {
  cells: number
  finished: number
  success_rate: number
  cost: number
}

export interface Comparison {
  /** The baseline aggregate.json read. */
  baseline_file: string
  cost_change_threshold_percent: number
  regressed: string[]
  fixed: string[]
  new_cells: string[]
  vanished: string[]
  cost_changes: string[]
  totals: { then: NightTotals; now: NightTotals }
  cells: CellComparison[]
}
