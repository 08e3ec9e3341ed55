/** What main decides about the report before it runs, and saves for the post step: where it goes, and what result.json names. */

/** Where the run's report goes: the comment, the artifact and the files; main saves it for the post step. */
export interface ReportTarget {
  repository: string
  /** Issue or pull request that gets the sticky comment; null when no comment is posted. */
  commentOn: number | null
  /** Identifies this workflow + job + matrix cell: one comment and one artifact each. */
  cellKey: string
  runUrl: string | undefined
  uploadArtifacts: boolean
  artifactName: string
  outputDir: string
}

/** What the run was asked to do, as result.json names it; the post step reads it back from the saved state. */
export interface ResultContext {
  sessionId: string
  image: string
  llmModel: string
  outputDir: string
  /** The attempt a `resume` run continues (the previous one); null when it continues a named conversation-id. */
  continuedFromAttempt: number | null
}
