import type { ColumnType, Generated } from 'kysely'

/** Table types of the data hub. */

type Timestamp = ColumnType<Date, Date | string, Date | string>

export type ImportRunStatus = 'running' | 'completed' | 'interrupted' | 'failed' | 'rejected'
export const INCIDENT_KINDS = [
  'crime',
  'anti-social-behaviour',
  'stop-and-search',
  'call-for-service',
  'ae-assault',
  'missing-episode',
] as const
export type IncidentKind = (typeof INCIDENT_KINDS)[number]

export interface DataSourceTable {
  id: Generated<number>
  kind: string
  name: string
}

export interface ImportRunTable {
  id: Generated<number>
  source_kind: string
  file_name: string
  file_size: number
  file_sha256: string
  batch_size: number
  strict: Generated<boolean>
  status: ImportRunStatus
  message: string | null
  started_at: Timestamp
  finished_at: Timestamp | null
  rows_read: Generated<number>
  rows_inserted: Generated<number>
  rows_updated: Generated<number>
  rows_rejected: Generated<number>
  duration_ms: number | null
  imported_by: string | null
}

export interface ImportBatchTable {
  import_run_id: number
  batch_no: number
  rows_read: number
  rows_inserted: number
  rows_updated: number
  rows_rejected: number
  committed_at: Timestamp
}

export interface ImportRejectionTable {
  id: Generated<number>
  import_run_id: number
  row_number: number
  column_name: string | null
  value_excerpt: string | null
  reason: string
}

export interface IncidentTable {
  id: Generated<number>
  kind: IncidentKind
  source_kind: string
  import_run_id: number
  natural_key: string
  /** The source's own identifier: a call reference, an attendance or episode number. */
  source_reference: string | null
  crime_id: string | null
  /** First day of the month, as text ('2023-04-01'); every incident has one. */
  month: string
  /** The time, when the source gives more than the month. */
  occurred_at: Timestamp | null
  category_code: string
  category_label: string
  last_outcome_code: string | null
  last_outcome_label: string | null
  reported_by: string | null
  falls_within: string | null
  longitude: number | null
  latitude: number | null
  location_text: string | null
  lsoa_code: string | null
  lsoa_name: string | null
  h3_res7: string | null
  h3_res8: string | null
  h3_res9: string | null
  harm_weight: ColumnType<string, string | number | undefined, string | number>
  context: string | null
}

export interface DataHubTables {
  data_source: DataSourceTable
  import_run: ImportRunTable
  import_batch: ImportBatchTable
  import_rejection: ImportRejectionTable
  incident: IncidentTable
}
