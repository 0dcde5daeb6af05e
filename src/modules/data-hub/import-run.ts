import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { whileNoOtherImport } from './file-lock.ts'
import { assignAreasForRun } from './geography/assign-areas.ts'
import { csvRows, HeaderError, type ParsedRow, type RejectedRow } from './csv-rows.ts'
import type { IdentifiedRow, ImportFormat } from './formats/import-format.ts'
import { policeUkStreetFormat } from './formats/police-uk-street.ts'
import type { ImportRunStatus } from './tables.ts'

export const DEFAULT_BATCH_SIZE = 5000
/** Rows per INSERT statement: PostgreSQL takes at most 65,535 parameters in one. */
const ROWS_PER_STATEMENT = 1000
/** A strict run that fails keeps this many rejections in its report. */
const MAX_STRICT_REJECTIONS = 10_000
const EXCERPT_LENGTH = 120
/** Exit code of the test hook UPSTREAM_TEST_EXIT_AFTER_BATCH=<batch_no> (not in production; crash-safety.test.ts). */
export const EXIT_AFTER_BATCH_CODE = 86

export interface ImportOptions {
  file: string
  strict?: boolean
  batchSize?: number
  importedBy?: string | null
  clock: Clock
  /** The name to record when the file on disk has a generated one (an upload). */
  fileName?: string
  onProgress?: (bytesRead: number, fileSize: number) => void
  /** Stops the run after the batch in progress commits; the run is left 'interrupted', to resume. */
  signal?: AbortSignal
}

export interface ImportResult {
  runId: number | null
  file: string
  /** 'busy' when another import of the same file is running. */
  status: ImportRunStatus | 'already-imported' | 'busy'
  message: string | null
  resumed: boolean
  /** Batches an unfinished earlier run had committed, skipped by this one. */
  batchesSkipped: number
  rowsRead: number
  rowsInserted: number
  rowsUpdated: number
  rowsRejected: number
  durationMs: number
  /** The source kind of the format the file was read as. */
  kind: string
  /** Labels not in the format's code lists (a 'Crime type' not one of the 14), kept as 'unknown'. */
  unknownLabels: { column: string; label: string; rows: number }[]
  /** The first rejected rows, in file order; the run's report has them all. */
  firstRejections: { rowNumber: number; column: string | null; value: string | null; reason: string }[]
}

const REJECTIONS_SHOWN = 20

export async function fileDigest(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return { size: (await stat(file)).size, sha256: hash.digest('hex') }
}

function excerpt(value: string | null): string | null {
  if (value === null) return null
  // PostgreSQL text cannot hold NUL.
  const clean = value.replaceAll('\u0000', '\uFFFD')
  return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean
}

function rejectionRow(runId: number, row: RejectedRow) {
  return {
    import_run_id: runId,
    row_number: row.rowNumber,
    column_name: row.outcome.rejection.column,
    value_excerpt: excerpt(row.outcome.rejection.value),
    reason: row.outcome.rejection.reason,
  }
}

interface BatchContext {
  runId: number
  fileSha256: string
  importedBy: string | null
}

async function writeBatch<Row extends IdentifiedRow>(
  db: Kysely<Database>,
  format: ImportFormat<Row>,
  { runId, fileSha256, importedBy }: BatchContext,
  batchNo: number,
  rows: ParsedRow<Row>[],
  committedAt: Date,
): Promise<{ inserted: number; updated: number; rejected: number }> {
  return db.transaction().execute(async (trx) => {
    // The batch row first: a second process writing the same batch fails here and rolls back.
    await trx
      .insertInto('import_batch')
      .values({
        import_run_id: runId,
        batch_no: batchNo,
        rows_read: rows.length,
        rows_inserted: 0,
        rows_updated: 0,
        rows_rejected: 0,
        committed_at: committedAt,
      })
      .execute()
    const good = rows.flatMap((row) => (row.outcome.ok ? [row.outcome.row] : []))
    const rejections = rows.flatMap((row) =>
      row.outcome.ok ? [] : [rejectionRow(runId, row as RejectedRow)],
    )
    const written = await format.write(trx, runId, good)
    for (let start = 0; start < rejections.length; start += ROWS_PER_STATEMENT) {
      await trx
        .insertInto('import_rejection')
        .values(rejections.slice(start, start + ROWS_PER_STATEMENT))
        .execute()
    }
    const counts = { ...written, rejected: rejections.length }
    await trx
      .updateTable('import_batch')
      .set({ rows_inserted: counts.inserted, rows_updated: counts.updated, rows_rejected: counts.rejected })
      .where('import_run_id', '=', runId)
      .where('batch_no', '=', batchNo)
      .execute()
    // s.62 "collection": one audit entry per batch with its counts and the file's hash, not one per row.
    await recordAudit(trx, {
      action: 'collect',
      event: 'IMPORT_BATCH',
      actorUserId: importedBy,
      recordType: 'import_run',
      recordIds: [String(runId)],
      occurredAt: committedAt,
      details: {
        batchNo,
        fileSha256,
        rowsInserted: counts.inserted,
        rowsUpdated: counts.updated,
        rowsRejected: counts.rejected,
      },
    })
    return counts
  })
}

/**
 * Writes batches one at a time, in order, while the caller reads the next: on PostgreSQL the
 * server commits batch n while this process parses batch n + 1. A failed write surfaces at
 * the next write or at settled().
 */
class BatchWriter<Row extends IdentifiedRow> {
  private pending: Promise<unknown> = Promise.resolve()

  constructor(private readonly writeOne: (batchNo: number, rows: ParsedRow<Row>[]) => Promise<unknown>) {}

  async write(batchNo: number, rows: ParsedRow<Row>[]): Promise<void> {
    await this.pending
    this.pending = this.writeOne(batchNo, rows)
    // Handled at the next write or settled(); until then it must not count as unhandled.
    this.pending.catch(() => undefined)
  }

  async settled(): Promise<void> {
    const pending = this.pending
    this.pending = Promise.resolve()
    await pending
  }
}

function emptyResult(file: string, kind: string): ImportResult {
  return {
    runId: null,
    file,
    kind,
    status: 'running',
    message: null,
    resumed: false,
    batchesSkipped: 0,
    rowsRead: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsRejected: 0,
    durationMs: 0,
    unknownLabels: [],
    firstRejections: [],
  }
}

/** Imports one data.police.uk street-level crime file; see importFile. */
export function importPoliceUkStreetFile(
  db: Kysely<Database>,
  options: ImportOptions,
): Promise<ImportResult> {
  return importFile(db, policeUkStreetFormat, options)
}

/**
 * Imports one file of the given format in batches, each committed with its batch row, so a
 * killed run resumes after its last committed batch. The same file (by checksum) imported
 * again adds nothing; rows re-published in another file update in place by natural key.
 */
export async function importFile<Row extends IdentifiedRow>(
  db: Kysely<Database>,
  format: ImportFormat<Row>,
  options: ImportOptions,
): Promise<ImportResult> {
  const { clock } = options
  const began = clock.now().getTime()
  const fileName = options.fileName ?? path.basename(options.file)
  const result = emptyResult(fileName, format.kind)
  const digest = await fileDigest(options.file)
  const run = await whileNoOtherImport(db, digest.sha256, () =>
    importUnlocked(db, format, options, { began, fileName, result, digest }),
  )
  return (
    run ?? {
      ...result,
      status: 'busy',
      message: `Another import of ${fileName} is running; nothing was done. Wait for it to finish, then check its report`,
    }
  )
}

async function importUnlocked<Row extends IdentifiedRow>(
  db: Kysely<Database>,
  format: ImportFormat<Row>,
  options: ImportOptions,
  {
    began,
    fileName,
    result,
    digest,
  }: { began: number; fileName: string; result: ImportResult; digest: { size: number; sha256: string } },
): Promise<ImportResult> {
  const { clock } = options
  const previous = await db
    .selectFrom('import_run')
    .selectAll()
    .where('file_sha256', '=', digest.sha256)
    .where('source_kind', '=', format.kind)
    .where('status', 'in', ['running', 'interrupted', 'failed', 'completed'])
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (previous?.status === 'completed') {
    return {
      ...result,
      runId: previous.id,
      status: 'already-imported',
      message: `${fileName} was already imported (run ${previous.id}); nothing added`,
    }
  }

  let runId: number
  let batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  let committedBatches = 0
  if (previous) {
    runId = previous.id
    batchSize = previous.batch_size
    result.resumed = true
    const done = await db
      .selectFrom('import_batch')
      .select((eb) => eb.fn.countAll<number>().as('batches'))
      .where('import_run_id', '=', runId)
      .executeTakeFirstOrThrow()
    committedBatches = Number(done.batches)
    result.batchesSkipped = committedBatches
    await db.updateTable('import_run').set({ status: 'running' }).where('id', '=', runId).execute()
  } else {
    const run = await db
      .insertInto('import_run')
      .values({
        source_kind: format.kind,
        file_name: fileName,
        file_size: digest.size,
        file_sha256: digest.sha256,
        batch_size: batchSize,
        strict: options.strict ?? false,
        status: 'running',
        message: null,
        started_at: clock.now(),
        imported_by: options.importedBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    runId = run.id
  }
  result.runId = runId
  const onBytes = (bytes: number) => options.onProgress?.(bytes, digest.size)

  const unknown = new Map<string, { column: string; label: string; rows: number }>()
  const noteUnknown = (row: ParsedRow<Row>) => {
    if (!row.outcome.ok || !format.unknownLabels) return
    for (const { column, label } of format.unknownLabels(row.outcome.row)) {
      const key = `${column}\u0000${label}`
      const seen = unknown.get(key) ?? { column, label, rows: 0 }
      seen.rows += 1
      unknown.set(key, seen)
    }
  }

  const finish = async (status: ImportRunStatus, message: string | null) => {
    const totals = await db
      .selectFrom('import_batch')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('rows_read'), sql<number>`0`).as('read'),
        eb.fn.coalesce(eb.fn.sum<number>('rows_inserted'), sql<number>`0`).as('inserted'),
        eb.fn.coalesce(eb.fn.sum<number>('rows_updated'), sql<number>`0`).as('updated'),
        eb.fn.coalesce(eb.fn.sum<number>('rows_rejected'), sql<number>`0`).as('rejected'),
      ])
      .where('import_run_id', '=', runId)
      .executeTakeFirstOrThrow()
    if (status !== 'rejected') {
      result.rowsRead = Number(totals.read)
      result.rowsInserted = Number(totals.inserted)
      result.rowsUpdated = Number(totals.updated)
      result.rowsRejected = Number(totals.rejected)
    }
    result.status = status
    result.message = message
    result.unknownLabels = [...unknown.values()]
    result.durationMs = clock.now().getTime() - began
    const shown = await db
      .selectFrom('import_rejection')
      .select(['row_number', 'column_name', 'value_excerpt', 'reason'])
      .where('import_run_id', '=', runId)
      .orderBy('row_number')
      .orderBy('id')
      .limit(REJECTIONS_SHOWN)
      .execute()
    result.firstRejections = shown.map((r) => ({
      rowNumber: r.row_number,
      column: r.column_name,
      value: r.value_excerpt,
      reason: r.reason,
    }))
    await db
      .updateTable('import_run')
      .set({
        status,
        message,
        finished_at: clock.now(),
        rows_read: result.rowsRead,
        rows_inserted: result.rowsInserted,
        rows_updated: result.rowsUpdated,
        rows_rejected: result.rowsRejected,
        duration_ms: result.durationMs,
      })
      .where('id', '=', runId)
      .execute()
    return result
  }

  const batchContext = { runId, fileSha256: digest.sha256, importedBy: options.importedBy ?? null }
  const exitAfterBatch =
    process.env.NODE_ENV === 'production' ? undefined : process.env.UPSTREAM_TEST_EXIT_AFTER_BATCH
  const writer = new BatchWriter<Row>(async (batchNo, rows) => {
    await writeBatch(db, format, batchContext, batchNo, rows, clock.now())
    // Test hook (checklist E2.3): die between a batch's COMMIT and anything after it.
    if (exitAfterBatch !== undefined && Number(exitAfterBatch) === batchNo)
      process.exit(EXIT_AFTER_BATCH_CODE)
  })
  try {
    if (options.strict && committedBatches === 0) {
      const rejected = await strictCheck(options.file, format, onBytes)
      if (rejected.count) {
        await db.transaction().execute(async (trx) => {
          for (let start = 0; start < rejected.rows.length; start += ROWS_PER_STATEMENT) {
            await trx
              .insertInto('import_rejection')
              .values(
                rejected.rows.slice(start, start + ROWS_PER_STATEMENT).map((row) => rejectionRow(runId, row)),
              )
              .execute()
          }
        })
        result.rowsRead = rejected.read
        result.rowsRejected = rejected.count
        return await finish(
          'rejected',
          `--strict: ${rejected.count} row(s) are invalid, so nothing from ${fileName} was imported`,
        )
      }
    }

    let batch: ParsedRow<Row>[] = []
    let batchNo = 0
    for await (const row of csvRows(options.file, format, onBytes)) {
      noteUnknown(row)
      batch.push(row)
      if (batch.length === batchSize) {
        if (batchNo >= committedBatches) await writer.write(batchNo, batch)
        batchNo += 1
        batch = []
        if (options.signal?.aborted) {
          await writer.settled()
          return await finish(
            'interrupted',
            `Stopped after batch ${batchNo}; run the same command again to resume`,
          )
        }
      }
    }
    if (batch.length && batchNo >= committedBatches) await writer.write(batchNo, batch)
    await writer.settled()
    // After every batch, so a resumed run assigns the rows of the batches it skipped too.
    await assignAreasForRun(db, runId)
    return await finish('completed', null)
  } catch (error) {
    await writer.settled().catch(() => undefined)
    if (error instanceof HeaderError) return finish('failed', error.message)
    await finish('failed', `The import stopped: ${(error as Error).message}`).catch(() => undefined)
    throw error
  }
}

async function strictCheck<Row extends IdentifiedRow>(
  file: string,
  format: ImportFormat<Row>,
  onBytes: (bytes: number) => void,
): Promise<{ read: number; count: number; rows: RejectedRow[] }> {
  const rows: RejectedRow[] = []
  let read = 0
  let count = 0
  for await (const row of csvRows(file, format, onBytes)) {
    read += 1
    if (row.outcome.ok) continue
    count += 1
    if (rows.length < MAX_STRICT_REJECTIONS) rows.push(row as RejectedRow)
  }
  return { read, count, rows }
}
