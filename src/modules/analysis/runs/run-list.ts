import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { failStaleRuns } from './queries.ts'
import type { AnalysisRunStatus } from './tables.ts'

/** A run as the list of runs shows it: no result, which can be large. */
export interface AnalysisRunSummary {
  id: number
  method: string
  status: AnalysisRunStatus
  progress: number
  input: string
  filter: Record<string, unknown> | null
  startedByName: string | null
  createdAt: Date
  durationMs: number | null
}

/** The newest runs first; runs left unfinished by a process that has ended are marked failed first. */
export async function listAnalysisRuns(
  db: Kysely<Database>,
  options: { limit: number },
): Promise<AnalysisRunSummary[]> {
  await failStaleRuns(db)
  const rows = await db
    .selectFrom('analysis_run')
    .leftJoin('app_user', 'app_user.id', 'analysis_run.started_by')
    .select([
      'analysis_run.id',
      'analysis_run.method',
      'analysis_run.status',
      'analysis_run.progress',
      'analysis_run.input',
      'analysis_run.filter',
      'analysis_run.created_at',
      'analysis_run.duration_ms',
      'app_user.display_name',
    ])
    .orderBy('analysis_run.id', 'desc')
    .limit(options.limit)
    .execute()
  return rows.map((row) => ({
    id: Number(row.id),
    method: row.method,
    status: row.status,
    progress: Number(row.progress),
    input: row.input,
    filter: row.filter,
    startedByName: row.display_name,
    createdAt: row.created_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  }))
}
