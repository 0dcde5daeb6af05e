import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { parse, type CsvError } from 'csv-parse'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import {
  checkHeader,
  NaturalKeys,
  parseStreetRow,
  POLICE_UK_STREET_KIND,
  UNKNOWN_CATEGORY,
  type MappedIncident,
  type Rejection,
} from './importers/police-uk-street.ts'
import type { ImportRunStatus } from './tables.ts'

export const DEFAULT_BATCH_SIZE = 5000
/** Rows per INSERT statement: PostgreSQL takes at most 65,535 parameters in one. */
const ROWS_PER_STATEMENT = 1000
/** A strict run that fails keeps this many rejections in its report. */
const MAX_STRICT_REJECTIONS = 10_000
const EXCERPT_LENGTH = 120

export interface ImportOptions {
  file: string
  strict?: boolean
  batchSize?: number
  importedBy?: string | null
  clock: Clock
  onProgress?: (bytesRead: number, fileSize: number) => void
  /** Stops the run after the batch in progress commits; the run is left 'interrupted', to resume. */
  signal?: AbortSignal
}

export interface ImportResult {
  runId: number | null
  file: string
  status: ImportRunStatus | 'already-imported'
  message: string | null
  resumed: boolean
  /** Batches an unfinished earlier run had committed, skipped by this one. */
  batchesSkipped: number
  rowsRead: number
  rowsInserted: number
  rowsUpdated: number
  rowsRejected: number
  durationMs: number
  /** 'Crime type' labels that are not one of the 14, with their row counts. */
  unknownCrimeTypes: Record<string, number>
  /** The first rejected rows, in file order; the run's report has them all. */
  firstRejections: { rowNumber: number; column: string | null; value: string | null; reason: string }[]
}

const REJECTIONS_SHOWN = 20

interface PendingRejection extends Rejection {
  rowNumber: number
}

interface ParsedRow {
  rowNumber: number
  outcome:
    { ok: true; incident: MappedIncident & { natural_key: string } } | { ok: false; rejection: Rejection }
}

export async function fileDigest(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return { size: (await stat(file)).size, sha256: hash.digest('hex') }
}

class HeaderError extends Error {}

/**
 * Streams the rows of a street file in order, with parse failures as rejected rows.
 * Row numbers are the file's line numbers (the header is line 1); a quoted value with line
 * breaks in it gives its row the number of its last line.
 */
async function* streetRows(file: string, onBytes: (bytes: number) => void): AsyncGenerator<ParsedRow> {
  const skipped: PendingRejection[] = []
  const parser = parse({
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  })
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    skipped.push({
      rowNumber: error.lines ?? 0,
      column: null,
      value: null,
      reason: `the row cannot be read as CSV: ${error.message}`,
    })
  })
  const source = createReadStream(file)
  source.on('error', (error) => parser.destroy(error)).pipe(parser)
  try {
    yield* recordsAfterHeader(parser, skipped, onBytes)
  } finally {
    // A run stopped early must not leave the file open.
    source.destroy()
    parser.destroy()
  }
}

async function* recordsAfterHeader(
  parser: AsyncIterable<unknown>,
  skipped: PendingRejection[],
  onBytes: (bytes: number) => void,
): AsyncGenerator<ParsedRow> {
  const keys = new NaturalKeys()
  let header = true
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[]
    info: { lines: number; bytes: number }
  }>) {
    onBytes(info.bytes)
    while (skipped.length && skipped[0]!.rowNumber <= info.lines) yield skippedRow(skipped.shift()!)
    if (header) {
      header = false
      const problem = checkHeader(record)
      if (problem) throw new HeaderError(problem)
      continue
    }
    const result = parseStreetRow(record)
    yield {
      rowNumber: info.lines,
      outcome: result.ok
        ? { ok: true, incident: { ...result.incident, natural_key: keys.next(result.incident.identity) } }
        : result,
    }
  }
  if (header) throw new HeaderError(checkHeader([]) ?? 'The file is empty')
  for (const rejection of skipped) yield skippedRow(rejection)
}

function skippedRow(rejection: PendingRejection): ParsedRow {
  return { rowNumber: rejection.rowNumber, outcome: { ok: false, rejection } }
}

function excerpt(value: string | null): string | null {
  if (value === null) return null
  // PostgreSQL text cannot hold NUL.
  const clean = value.replaceAll('\u0000', '\uFFFD')
  return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean
}

function rejectionRow(runId: number, row: ParsedRow & { outcome: { ok: false } }) {
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

async function writeBatch(
  db: Kysely<Database>,
  { runId, fileSha256, importedBy }: BatchContext,
  batchNo: number,
  rows: ParsedRow[],
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
    const incidents = rows.flatMap((row) => (row.outcome.ok ? [row.outcome.incident] : []))
    const rejections = rows.flatMap((row) =>
      row.outcome.ok ? [] : [rejectionRow(runId, row as ParsedRow & { outcome: { ok: false } })],
    )
    const inserted = await upsertIncidents(trx, runId, incidents)
    for (let start = 0; start < rejections.length; start += ROWS_PER_STATEMENT) {
      await trx
        .insertInto('import_rejection')
        .values(rejections.slice(start, start + ROWS_PER_STATEMENT))
        .execute()
    }
    const counts = { inserted, updated: incidents.length - inserted, rejected: rejections.length }
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
      details: { batchNo, fileSha256, rowsInserted: counts.inserted, rowsUpdated: counts.updated, rowsRejected: counts.rejected },
    })
    return counts
  })
}

const TEXT_COLUMNS = [
  'kind',
  'natural_key',
  'crime_id',
  'month',
  'category_code',
  'category_label',
  'last_outcome_code',
  'last_outcome_label',
  'reported_by',
  'falls_within',
  'location_text',
  'lsoa_code',
  'lsoa_name',
  'h3_res7',
  'h3_res8',
  'h3_res9',
  'context',
] as const
const NUMBER_COLUMNS = ['longitude', 'latitude'] as const
const UPDATED_COLUMNS = [
  'import_run_id',
  ...TEXT_COLUMNS.filter((c) => c !== 'kind' && c !== 'natural_key'),
  ...NUMBER_COLUMNS,
] as const

/**
 * Inserts or updates by natural key; returns how many were new. The rows travel as one array
 * parameter a column, unnested into a single statement: far cheaper to send and plan than
 * multi-row VALUES, and not bounded by PostgreSQL's 65,535 parameters.
 */
async function upsertIncidents(
  trx: Transaction<Database>,
  runId: number,
  incidents: (MappedIncident & { natural_key: string })[],
): Promise<number> {
  if (!incidents.length) return 0
  const columns = [...TEXT_COLUMNS, ...NUMBER_COLUMNS]
  const arrays = [
    ...TEXT_COLUMNS.map((c) => sql`${incidents.map((incident) => incident[c])}::text[]`),
    ...NUMBER_COLUMNS.map((c) => sql`${incidents.map((incident) => incident[c])}::float8[]`),
  ]
  const list = (names: readonly string[]) => sql.join(names.map((name) => sql.ref(name)))
  const rows = await sql<{ inserted: boolean }>`
    insert into incident (source_kind, import_run_id, ${list(columns)})
    select ${POLICE_UK_STREET_KIND}, ${runId}, kind, natural_key, crime_id, month::date,
      ${list(columns.slice(4))}
    from unnest(${sql.join(arrays)}) as batch (${list(columns)})
    on conflict (natural_key) do update set
      ${sql.join(UPDATED_COLUMNS.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}
    -- xmax is 0 on a freshly inserted row version and set on one written by the update.
    returning (xmax = 0) as inserted`.execute(trx)
  return rows.rows.filter((row) => row.inserted).length
}

/**
 * Writes batches one at a time, in order, while the caller reads the next: on PostgreSQL the
 * server commits batch n while this process parses batch n + 1. A failed write surfaces at
 * the next write or at settled().
 */
class BatchWriter {
  private pending: Promise<unknown> = Promise.resolve()

  constructor(private readonly writeOne: (batchNo: number, rows: ParsedRow[]) => Promise<unknown>) {}

  async write(batchNo: number, rows: ParsedRow[]): Promise<void> {
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

function emptyResult(file: string): ImportResult {
  return {
    runId: null,
    file,
    status: 'running',
    message: null,
    resumed: false,
    batchesSkipped: 0,
    rowsRead: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsRejected: 0,
    durationMs: 0,
    unknownCrimeTypes: {},
    firstRejections: [],
  }
}

/**
 * Imports one data.police.uk street-level crime file. The same file (by checksum) imported
 * again adds nothing; an unfinished run of it resumes after its last committed batch.
 */
export async function importPoliceUkStreetFile(
  db: Kysely<Database>,
  options: ImportOptions,
): Promise<ImportResult> {
  const { clock } = options
  const began = clock.now().getTime()
  const fileName = path.basename(options.file)
  const result = emptyResult(fileName)
  const digest = await fileDigest(options.file)

  const previous = await db
    .selectFrom('import_run')
    .selectAll()
    .where('file_sha256', '=', digest.sha256)
    .where('source_kind', '=', POLICE_UK_STREET_KIND)
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
        source_kind: POLICE_UK_STREET_KIND,
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

  const noteUnknown = (row: ParsedRow) => {
    if (row.outcome.ok && row.outcome.incident.category_code === UNKNOWN_CATEGORY) {
      const label = row.outcome.incident.category_label
      result.unknownCrimeTypes[label] = (result.unknownCrimeTypes[label] ?? 0) + 1
    }
  }

  const batchContext = { runId, fileSha256: digest.sha256, importedBy: options.importedBy ?? null }
  const writer = new BatchWriter((batchNo, rows) => writeBatch(db, batchContext, batchNo, rows, clock.now()))
  try {
    if (options.strict && committedBatches === 0) {
      const rejected = await strictCheck(options.file, onBytes)
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

    let batch: ParsedRow[] = []
    let batchNo = 0
    for await (const row of streetRows(options.file, onBytes)) {
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
    return await finish('completed', null)
  } catch (error) {
    await writer.settled().catch(() => undefined)
    if (error instanceof HeaderError) return finish('failed', error.message)
    await finish('failed', `The import stopped: ${(error as Error).message}`).catch(() => undefined)
    throw error
  }
}

async function strictCheck(
  file: string,
  onBytes: (bytes: number) => void,
): Promise<{ read: number; count: number; rows: (ParsedRow & { outcome: { ok: false } })[] }> {
  const rows: (ParsedRow & { outcome: { ok: false } })[] = []
  let read = 0
  let count = 0
  for await (const row of streetRows(file, onBytes)) {
    read += 1
    if (row.outcome.ok) continue
    count += 1
    if (rows.length < MAX_STRICT_REJECTIONS) rows.push(row as ParsedRow & { outcome: { ok: false } })
  }
  return { read, count, rows }
}
