import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import type { ImportFormat } from '../formats/import-format.ts'
import { importFile, type ImportResult } from '../import-run.ts'

/**
 * Uploaded files waiting for or being imported, in this server process, one at a time in
 * the order they came. The run itself is the import pipeline's (batches, resume, report);
 * this only keeps what the progress page shows. A server stop interrupts the run after its
 * current batch; uploading the same file again resumes it.
 */
export interface UploadImport {
  id: string
  userId: string
  fileName: string
  format: ImportFormat
  strict: boolean
  size: number
  sha256: string
  storedPath: string
  state: 'waiting' | 'running' | 'finished'
  bytesRead: number
  result: ImportResult | null
  /** Set when the import failed unexpectedly (the run's own failures are in result). */
  failure: string | null
  finishedAt: Date | null
}

const KEEP_FINISHED_MS = 24 * 60 * 60_000

export class UploadImports {
  private readonly imports = new Map<string, UploadImport>()
  private queue: Promise<void> = Promise.resolve()
  private readonly stopping = new AbortController()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logError: (error: unknown) => void,
  ) {}

  start(
    input: Pick<UploadImport, 'userId' | 'fileName' | 'format' | 'strict' | 'size' | 'sha256' | 'storedPath'>,
  ): UploadImport {
    this.forgetOldImports()
    const upload: UploadImport = {
      ...input,
      id: randomUUID(),
      state: 'waiting',
      bytesRead: 0,
      result: null,
      failure: null,
      finishedAt: null,
    }
    this.imports.set(upload.id, upload)
    this.queue = this.queue.then(() => this.run(upload))
    return upload
  }

  /** Only the user who uploaded a file follows its progress. */
  find(id: string, userId: string): UploadImport | undefined {
    const upload = this.imports.get(id)
    return upload?.userId === userId ? upload : undefined
  }

  /** Rows in the batches committed so far (the pipeline commits 5,000 at a time). */
  async rowsSoFar(upload: UploadImport): Promise<number> {
    if (upload.result) return upload.result.rowsRead
    if (upload.state === 'waiting') return 0
    const row = await this.db
      .selectFrom('import_batch')
      .innerJoin('import_run', 'import_run.id', 'import_batch.import_run_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('import_batch.rows_read'), eb.lit(0)).as('rows'))
      .where('import_run.file_sha256', '=', upload.sha256)
      .where('import_run.source_kind', '=', upload.format.kind)
      .where('import_run.status', '=', 'running')
      .executeTakeFirst()
    return Number(row?.rows ?? 0)
  }

  /** Stops the queue: the running import stops after its batch in progress; waiting ones never start. */
  async close(): Promise<void> {
    this.stopping.abort()
    await this.queue
  }

  private async run(upload: UploadImport): Promise<void> {
    try {
      if (this.stopping.signal.aborted) {
        upload.failure = 'The server stopped before this import began. Upload the file again.'
        return
      }
      upload.state = 'running'
      upload.result = await importFile(this.db, upload.format, {
        file: upload.storedPath,
        fileName: upload.fileName,
        importedBy: upload.userId,
        strict: upload.strict,
        clock: this.clock,
        signal: this.stopping.signal,
        onProgress: (bytesRead) => {
          upload.bytesRead = bytesRead
        },
      })
      upload.bytesRead = upload.size
    } catch (error) {
      this.logError(error)
      upload.failure = `The import stopped: ${(error as Error).message}`
    } finally {
      await rm(upload.storedPath, { force: true }).catch(this.logError)
      upload.state = 'finished'
      upload.finishedAt = this.clock.now()
    }
  }

  private forgetOldImports(): void {
    const now = this.clock.now().getTime()
    for (const [id, upload] of this.imports) {
      if (upload.finishedAt && now - upload.finishedAt.getTime() > KEEP_FINISHED_MS) this.imports.delete(id)
    }
  }
}
