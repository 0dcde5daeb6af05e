import type { ColumnType, Generated } from 'kysely'

/** Table types of the analysis module. */

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export const ANALYSIS_RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const
export type AnalysisRunStatus = (typeof ANALYSIS_RUN_STATUSES)[number]

export interface AnalysisRunTable {
  id: Generated<number>
  method: string
  parameters: Json<Record<string, unknown>>
  /** The incident filter for database input (with the kinds the user could see); null for a file. */
  filter: ColumnType<Record<string, unknown> | null, string | null, string | null>
  /** 'database', or the name of the file the points came from. */
  input: string
  /** What was read: the file's sha256 and format, or the import runs; points and those without location. */
  input_detail: Json<Record<string, unknown>>
  data_version: string
  status: AnalysisRunStatus
  progress: Generated<number>
  stage: string | null
  result: ColumnType<unknown, string | null, string | null>
  error: string | null
  started_by: string | null
  created_at: Timestamp
  started_at: Timestamp | null
  finished_at: Timestamp | null
  duration_ms: ColumnType<number | null, number | null, number | null>
  /** The database's now() as last written by the process running it; a queued or running run whose heartbeat is old has stopped. */
  heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface AnalysisTables {
  analysis_run: AnalysisRunTable
}
