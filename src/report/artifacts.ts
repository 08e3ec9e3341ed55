import { existsSync } from 'node:fs'
import { debug, info, warning } from '../log.js'

export interface ArtifactTarget {
  name: string
  files: string[]
  rootDirectory: string
  /** `<server>/<owner>/<repo>/actions/runs/<id>`, to link the uploaded artifact. */
  runUrl?: string
}

/**
 * Uploads the run's files as one workflow artifact and returns its URL. Outside a runner (no
 * artifact service) it does nothing; a failure is a warning, never the run's result.
 */
export async function uploadRunArtifact(target: ArtifactTarget): Promise<string | undefined> {
  const files = target.files.filter(file => existsSync(file))
  if (!files.length) return undefined
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    debug('No artifact service on this runner: artifacts not uploaded.')
    return undefined
  }
  try {
    // Loaded only when uploading: it is most of the bundle's weight.
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1')
    const name = attempt > 1 ? `${target.name}-attempt-${attempt}` : target.name
    const { id } = await new DefaultArtifactClient().uploadArtifact(name, files, target.rootDirectory)
    info(`Uploaded artifact ${name} (${files.length} files).`)
    return id !== undefined && target.runUrl ? `${target.runUrl}/artifacts/${id}` : undefined
  } catch (err) {
    warning(`Could not upload the run's artifact: ${(err as Error).message}`)
    return undefined
  }
}
