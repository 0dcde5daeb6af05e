import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AnalysisRunStatus, AnalysisRunTable } from './tables.ts'

/** The analysis module's SQL over analysis_run. Row types stay here; the rest sees AnalysisRunRecord. */

/**
 * A queued or running run whose heartbeat is older than this has stopped: its process beats every
 * HEARTBEAT_INTERVAL_MS (10 s), so six beats missed means it is gone, not merely slow.
 */
export const STALE_AFTER_SECONDS = 60

export const STALE_RUN_ERROR =
  'The run stopped without finishing: the process running it ended (for example a restart). Run it again.'

export interface AnalysisRunRecord {
  id: number
  method: string
  parameters: Record<string, unknown>
  filter: Record<string, unknown> | null
  input: string
  inputDetail: Record<string, unknown>
  dataVersion: string
  status: AnalysisRunStatus
  progress: number
  stage: string | null
  result: unknown
  error: string | null
  startedBy: string | null
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
  durationMs: number | null
  /** When its process last said it was working (the database's clock). */
  heartbeatAt: Date | null
}

function record(row: Selectable<AnalysisRunTable>): AnalysisRunRecord {
  return {
    id: Number(row.id),
    method: row.method,
    parameters: row.parameters,
    filter: row.filter,
    input: row.input,
    inputDetail: row.input_detail,
    dataVersion: row.data_version,
    status: row.status,
    progress: Number(row.progress),
    stage: row.stage,
    result: row.result ?? null,
    error: row.error,
    startedBy: row.started_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    heartbeatAt: row.heartbeat_at,
  }
}

export interface NewAnalysisRun {
  method: string
  parameters: Record<string, unknown>
  filter: Record<string, unknown> | null
  input: string
  inputDetail: Record<string, unknown>
  dataVersion: string
  startedBy: string | null
  createdAt: Date
}

export async function insertAnalysisRun(
  db: Kysely<Database>,
  run: NewAnalysisRun,
): Promise<AnalysisRunRecord> {
  const row = await db
    .insertInto('analysis_run')
    .values({
      method: run.method,
      parameters: JSON.stringify(run.parameters),
      filter: run.filter === null ? null : JSON.stringify(run.filter),
      input: run.input,
      input_detail: JSON.stringify(run.inputDetail),
      data_version: run.dataVersion,
      status: 'queued',
      started_by: run.startedBy,
      created_at: run.createdAt,
      // The database's clock, as every heartbeat and the staleness test use, so clocks of machines do not matter.
      heartbeat_at: sql<Date>`now()`,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return record(row)
}

/** The run, marked failed first if it was left queued or running by a process that has ended. */
export async function findAnalysisRun(
  db: Kysely<Database>,
  id: number,
): Promise<AnalysisRunRecord | undefined> {
  await failStaleRuns(db, { id })
  const row = await db.selectFrom('analysis_run').selectAll().where('id', '=', id).executeTakeFirst()
  return row && record(row)
}

/** The newest completed run of this method with equal parameters and filter (jsonb equality) on this data version. */
export async function findReusableRun(
  db: Kysely<Database>,
  key: {
    method: string
    parameters: Record<string, unknown>
    filter: Record<string, unknown> | null
    dataVersion: string
  },
): Promise<AnalysisRunRecord | undefined> {
  const filter =
    key.filter === null
      ? sql<boolean>`filter is null`
      : sql<boolean>`filter = ${JSON.stringify(key.filter)}::jsonb`
  const row = await db
    .selectFrom('analysis_run')
    .selectAll()
    .where('method', '=', key.method)
    .where('data_version', '=', key.dataVersion)
    .where('status', '=', 'completed')
    .where(sql<boolean>`parameters = ${JSON.stringify(key.parameters)}::jsonb`)
    .where(filter)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && record(row)
}

/**
 * Queued or running runs whose heartbeat is older than STALE_AFTER_SECONDS → failed, all of them or
 * the one asked for; returns how many this call changed. One conditional UPDATE on the database's
 * clock: of two readers at once only one changes a row, and a run whose process still beats is
 * never touched.
 */
export async function failStaleRuns(db: Kysely<Database>, scope: { id?: number } = {}): Promise<number> {
  let update = db
    .updateTable('analysis_run')
    .set({ status: 'failed', error: STALE_RUN_ERROR, stage: null, finished_at: sql<Date>`now()` })
    .where('status', 'in', ['queued', 'running'])
    .where(sql<boolean>`heartbeat_at < now() - ${STALE_AFTER_SECONDS} * interval '1 second'`)
  if (scope.id !== undefined) update = update.where('id', '=', scope.id)
  const result = await update.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The process running the run is still at it; false when the run is no longer queued or running. */
export async function writeHeartbeat(db: Kysely<Database>, id: number): Promise<boolean> {
  const row = await db
    .updateTable('analysis_run')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Queued → running; false when the run was cancelled before it started. */
export async function markRunning(
  db: Kysely<Database>,
  id: number,
  values: { startedAt: Date; dataVersion: string; inputDetail: Record<string, unknown> },
): Promise<boolean> {
  const row = await db
    .updateTable('analysis_run')
    .set({
      status: 'running',
      started_at: values.startedAt,
      data_version: values.dataVersion,
      input_detail: JSON.stringify(values.inputDetail),
      heartbeat_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Records progress; false when the run is no longer running (it was cancelled). */
export async function writeProgress(
  db: Kysely<Database>,
  id: number,
  progress: number,
  stage: string,
): Promise<boolean> {
  const row = await db
    .updateTable('analysis_run')
    .set({ progress, stage: stage.slice(0, 200), heartbeat_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Running → completed or failed; a run cancelled meanwhile stays cancelled. */
export async function finishAnalysisRun(
  db: Kysely<Database>,
  id: number,
  outcome: { status: 'completed'; result: unknown } | { status: 'failed'; error: string },
  finishedAt: Date,
  durationMs: number,
): Promise<void> {
  await db
    .updateTable('analysis_run')
    .set({
      status: outcome.status,
      ...(outcome.status === 'completed'
        ? { result: JSON.stringify(outcome.result ?? null), progress: 1, stage: null }
        : { error: outcome.error.slice(0, 2000) }),
      finished_at: finishedAt,
      duration_ms: Math.round(durationMs),
    })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute()
}

/** Queued or running → cancelled; undefined when the run was not queued or running. */
export async function markCancelled(
  db: Kysely<Database>,
  id: number,
  finishedAt: Date,
): Promise<AnalysisRunRecord | undefined> {
  const row = await db
    .updateTable('analysis_run')
    .set({ status: 'cancelled', finished_at: finishedAt, stage: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst()
  return row && record(row)
}

/** A cancelled run's duration, once its work has stopped. */
export async function recordDuration(db: Kysely<Database>, id: number, durationMs: number): Promise<void> {
  await db
    .updateTable('analysis_run')
    .set({ duration_ms: Math.round(durationMs) })
    .where('id', '=', id)
    .where('duration_ms', 'is', null)
    .execute()
}
