import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AnalysisRunStatus, AnalysisRunTable } from './tables.ts'

/** The analysis module's SQL over analysis_run. Row types stay here; the rest sees AnalysisRunRecord. */

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
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return record(row)
}

export async function findAnalysisRun(
  db: Kysely<Database>,
  id: number,
): Promise<AnalysisRunRecord | undefined> {
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
    .set({ progress, stage: stage.slice(0, 200) })
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
