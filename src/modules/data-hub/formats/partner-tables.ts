import { sql, type ColumnType, type Selectable, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { countWritten, upsertIncidents, type IncidentValues } from '../incident-writer.ts'
import type { IdentifiedRow, WriteCounts } from './import-format.ts'

/**
 * The detail tables of the partner formats (calls for service, A&E assault attendances,
 * missing episodes), keyed by incident id, and the writer of their rows (field readers: partner-fields.ts).
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface CallForServiceDetailTable {
  incident_id: number
  initial_category_code: string
  initial_category_label: string
  final_category_code: string | null
  final_category_label: string | null
  grade_code: string
  grade_label: string
  repeat_caller: boolean | null
  vulnerability_codes: string[]
  vulnerability_labels: string[]
  closing_code: string | null
  closing_label: string | null
}

export interface AeAssaultDetailTable {
  incident_id: number
  site_code: string
  arrival_at: Timestamp | null
  assault_date: string
  assault_at: Timestamp | null
  location_type_code: string
  location_type_label: string
  method_code: string
  method_label: string
  method_description: string | null
  assailant_count: number | null
  assailant_relationship_code: string | null
  assailant_relationship_label: string | null
  assailant_gender_code: string | null
  assailant_gender_label: string | null
}

export interface MissingEpisodeDetailTable {
  incident_id: number
  person_reference: string
  reported_missing_at: Timestamp
  returned_at: Timestamp | null
  missing_from_type_code: string | null
  missing_from_type_label: string | null
  found_location_text: string | null
  found_longitude: number | null
  found_latitude: number | null
  risk_level_code: string
  risk_level_label: string
}

export interface PartnerIncidentTables {
  call_for_service_detail: CallForServiceDetailTable
  ae_assault_detail: AeAssaultDetailTable
  missing_episode_detail: MissingEpisodeDetailTable
}

// ---------------------------------------------------------------------------------------------
// Writing: the incident through the shared writer, then its detail row by the incident's id.

/** A parsed partner row: the incident, its detail (without the id, not known yet) and its identity. */
export interface PartnerRow<Detail> extends IdentifiedRow {
  incident: IncidentValues
  detail: Omit<Selectable<Detail>, 'incident_id'>
}

/** Rows per detail INSERT: well under PostgreSQL's 65,535 parameters at 15 columns. */
const DETAIL_ROWS_PER_STATEMENT = 1000

export async function writePartnerRows<Table extends keyof PartnerIncidentTables>(
  trx: Transaction<Database>,
  sourceKind: string,
  table: Table,
  runId: number,
  rows: readonly (PartnerRow<PartnerIncidentTables[Table]> & { natural_key: string })[],
): Promise<WriteCounts> {
  if (!rows.length) return { inserted: 0, updated: 0 }
  const written = await upsertIncidents(
    trx,
    sourceKind,
    runId,
    rows.map((row) => ({ ...row.incident, natural_key: row.natural_key })),
  )
  const idByKey = new Map(written.map((incident) => [incident.naturalKey, incident.id]))
  const details = rows.map((row) => ({ incident_id: idByKey.get(row.natural_key)!, ...row.detail }))
  const columns = Object.keys(details[0]!)
  const updated = columns.filter((column) => column !== 'incident_id')
  for (let start = 0; start < details.length; start += DETAIL_ROWS_PER_STATEMENT) {
    const chunk = details.slice(start, start + DETAIL_ROWS_PER_STATEMENT)
    const values = chunk.map(
      (detail) =>
        sql`(${sql.join(
          columns.map((column) => {
            const value = (detail as Record<string, unknown>)[column]
            return value instanceof Date ? value.toISOString() : value
          }),
        )})`,
    )
    await sql`
      insert into ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))})
      values ${sql.join(values)}
      on conflict (incident_id) do update set
        ${sql.join(updated.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}`.execute(
      trx,
    )
  }
  return countWritten(written)
}
