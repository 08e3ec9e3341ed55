// The Actions results service as @actions/artifact v6 uses it to upload: Twirp JSON calls
// (CreateArtifact, FinalizeArtifact, ListArtifacts) and an Azure-Blob-like endpoint for the zip.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { unzipSync } from 'fflate'

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** Objects are sent as JSON. */
  body?: unknown
}

export interface StoredArtifact {
  id: number
  name: string
  /** The zip's files by their path in the archive, once the blob is committed. */
  files: Record<string, Buffer>
  finalized: boolean
  size: number
  /** As CreateArtifact named it: `application/zip`, or the file's own type for a `skipArchive` upload. */
  mimeType: string
}

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'
const CONTAINER = 'actions-results'

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function twirpError(status: number, code: string, msg: string): Reply {
  return { status, body: { code, msg } }
}

function blobError(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  }
}

export class ArtifactService {
  readonly artifacts: StoredArtifact[] = []
  readonly runBackendId = randomUUID()
  readonly jobBackendId = randomUUID()
  /** An unsigned JWT: the client only decodes it, for the backend ids in its `scp` claim. */
  readonly runtimeToken: string
  private readonly signature = randomBytes(12).toString('hex')
  private readonly blocks = new Map<number, Map<string, Buffer>>()
  private readonly blobs = new Map<number, Buffer>()
  private nextId = 1

  constructor(
    private readonly baseUrl: () => string,
    private readonly problem: (line: string) => void
  ) {
    const now = Math.floor(Date.now() / 1000)
    this.runtimeToken = [
      base64url({ typ: 'JWT', alg: 'none' }),
      base64url({
        scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${this.runBackendId}:${this.jobBackendId}`,
        iat: now,
        exp: now + 6 * 3600
      }),
      'stub'
    ].join('.')
  }

  handleTwirp(method: string, path: string, headers: Record<string, string>, body: unknown): Reply {
    if (headers.authorization !== `Bearer ${this.runtimeToken}`) return twirpError(401, 'unauthenticated', 'invalid or missing runtime token')
    if (method !== 'POST' || !path.startsWith(SERVICE)) return twirpError(404, 'bad_route', `no handler for ${method} ${path}`)
    const req = (body ?? {}) as Record<string, unknown>
    if (req.workflow_run_backend_id !== this.runBackendId || req.workflow_job_run_backend_id !== this.jobBackendId) {
      this.problem(`artifact ${path.slice(SERVICE.length)}: backend ids do not match ACTIONS_RUNTIME_TOKEN`)
      return twirpError(400, 'invalid_argument', 'backend ids do not match the token')
    }
    const name = typeof req.name === 'string' ? req.name : ''
    const artifact = this.artifacts.find(a => a.name === name)
    switch (path.slice(SERVICE.length)) {
      case 'CreateArtifact': {
        if (!name) return twirpError(400, 'invalid_argument', 'name is required')
        if (req.version !== 7) this.problem(`artifact CreateArtifact: version ${String(req.version)}, expected 7`)
        if (artifact?.finalized) return twirpError(409, 'already_exists', `an artifact with this name already exists on the workflow run`)
        const mimeType = typeof req.mime_type === 'string' ? req.mime_type : 'application/zip'
        const created = artifact ?? { id: this.nextId++, name, files: {}, finalized: false, size: 0, mimeType }
        if (!artifact) this.artifacts.push(created)
        const url = `${this.baseUrl()}/blob/${CONTAINER}/${created.id}/${encodeURIComponent(name)}.zip?sv=2023-11-03&sr=b&sp=cw&sig=${this.signature}`
        return { status: 200, body: { ok: true, signed_upload_url: url } }
      }
      case 'FinalizeArtifact': {
        if (!artifact) return twirpError(404, 'not_found', 'artifact not found')
        const blob = this.blobs.get(artifact.id)
        if (!blob) return twirpError(400, 'invalid_argument', 'no blob was uploaded for this artifact')
        if (String(req.size) !== String(blob.length)) this.problem(`artifact FinalizeArtifact: size ${String(req.size)}, uploaded ${blob.length} bytes`)
        const hash = (req.hash as string | undefined) ?? ''
        if (hash && hash !== `sha256:${createHash('sha256').update(blob).digest('hex')}`)
          this.problem(`artifact FinalizeArtifact: hash ${hash} does not match the upload`)
        artifact.finalized = true
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } }
      }
      case 'ListArtifacts':
        return {
          status: 200,
          body: {
            artifacts: this.artifacts
              .filter(a => a.finalized)
              .map(a => ({
                workflow_run_backend_id: this.runBackendId,
                workflow_job_run_backend_id: this.jobBackendId,
                database_id: String(a.id),
                name: a.name,
                size: String(a.size)
              }))
          }
        }
      default:
        return twirpError(404, 'bad_route', `no handler for ${path}`)
    }
  }

  /** `PUT /blob/<container>/<id>/<name>.zip`: Put Blob, or Put Block (`comp=block`) then Put Block List (`comp=blocklist`). */
  handleBlob(method: string, path: string, query: Record<string, string>, raw: Buffer): Reply {
    if (query.sig !== this.signature) return blobError(403, 'AuthenticationFailed', 'Signature did not match.')
    const m = /^\/blob\/[^/]+\/(\d+)\//.exec(path)
    const artifact = m ? this.artifacts.find(a => a.id === Number(m[1])) : undefined
    if (!artifact || method !== 'PUT') return blobError(404, 'ResourceNotFound', 'The specified resource does not exist.')
    const done: Reply = { status: 201, headers: { etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`, 'last-modified': new Date().toUTCString() } }

    if (query.comp === 'block') {
      if (!query.blockid) return blobError(400, 'InvalidQueryParameterValue', 'blockid is required')
      const staged = this.blocks.get(artifact.id) ?? new Map<string, Buffer>()
      staged.set(query.blockid, raw)
      this.blocks.set(artifact.id, staged)
      return done
    }
    if (query.comp === 'blocklist') {
      const staged = this.blocks.get(artifact.id) ?? new Map<string, Buffer>()
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(x => x[1])
      const missing = ids.filter(id => !staged.has(id))
      if (missing.length) return blobError(400, 'InvalidBlockList', `The specified block list is invalid: ${missing.length} unknown block(s).`)
      this.store(artifact, Buffer.concat(ids.map(id => staged.get(id)!)))
      this.blocks.delete(artifact.id)
      return done
    }
    if (query.comp) return blobError(400, 'UnsupportedQueryParameter', `comp=${query.comp} is not supported here`)
    this.store(artifact, raw)
    return done
  }

  private store(artifact: StoredArtifact, blob: Buffer): void {
    this.blobs.set(artifact.id, blob)
    artifact.size = blob.length
    if (artifact.mimeType !== 'application/zip') {
      artifact.files = { [artifact.name]: blob }
      return
    }
    try {
      const entries = unzipSync(new Uint8Array(blob))
      artifact.files = Object.fromEntries(
        Object.entries(entries)
          .filter(([name]) => !name.endsWith('/'))
          .map(([name, data]) => [name, Buffer.from(data)])
      )
    } catch (error) {
      this.problem(`artifact ${artifact.name}: the uploaded blob is not a readable zip (${String(error)})`)
    }
  }
}
