import { existsSync } from 'node:fs'
import { info, warning } from '../log.js'

export interface ArtifactTarget {
  name: string
  files: string[]
  rootDirectory: string
  /** `<server>/<owner>/<repo>/actions/runs/<id>`, to link the uploaded artifact. */
  runUrl?: string
}

/**
 * Uploads the run's files as one workflow artifact. Outside a runner (no artifact service) it
 * says so and does nothing; a failure is a warning, never the run's result.
 */
export async function uploadRunArtifact(target: ArtifactTarget): Promise<{ uploaded: boolean; url?: string }> {
  const files = target.files.filter(file => existsSync(file))
  if (!files.length) return { uploaded: false }
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    info(
      `Artifact ${target.name} not uploaded: no artifact service here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are unset outside a runner). The files are in ${target.rootDirectory}.`
    )
    return { uploaded: false }
  }
  try {
    // Loaded only when uploading: it is most of the bundle's weight.
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1')
    const name = attempt > 1 ? `${target.name}-attempt-${attempt}` : target.name
    const { id } = await new DefaultArtifactClient().uploadArtifact(name, files, target.rootDirectory)
    info(`Uploaded artifact ${name} (${files.length} files).`)
    return { uploaded: true, url: id !== undefined && target.runUrl ? `${target.runUrl}/artifacts/${id}` : undefined }
  } catch (err) {
    warning(`Could not upload the run's artifact: ${(err as Error).message}`)
    return { uploaded: false }
  }
}
