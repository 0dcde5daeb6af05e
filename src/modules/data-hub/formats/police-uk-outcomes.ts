import { sql, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import {
  checkExactHeader,
  checkFields,
  reject,
  type IdentifiedRow,
  type ImportFormat,
  type RowResult,
} from './import-format.ts'
import { outcomeCode, UNKNOWN_OUTCOME } from './police-uk-outcome-codes.ts'
import { applyLatestOutcomes, takeOutcomeLock, type PoliceUkOutcomeTable } from './police-uk-tables.ts'
import { LSOA_CODE, optional, parseUkPoint } from './uk-fields.ts'

/** Parsing, checking and writing of the rows of a data.police.uk outcomes file. */

export const POLICE_UK_OUTCOMES_KIND = 'police-uk-outcomes'

export const POLICE_UK_OUTCOMES_COLUMNS = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Outcome type',
] as const

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

export type OutcomeRow = Omit<PoliceUkOutcomeTable, 'id' | 'import_run_id' | 'natural_key'> & IdentifiedRow

export function checkOutcomesHeader(header: readonly string[]): string | null {
  return checkExactHeader('data.police.uk outcomes', POLICE_UK_OUTCOMES_COLUMNS, header)
}

export function parseOutcomeRow(fields: readonly string[]): RowResult<OutcomeRow> {
  const unreadable = checkFields<OutcomeRow>(POLICE_UK_OUTCOMES_COLUMNS, fields)
  if (unreadable) return unreadable
  const [
    crimeId,
    month,
    reportedBy,
    fallsWithin,
    longitudeText,
    latitudeText,
    location,
    lsoaCode,
    lsoaName,
    outcome,
  ] = fields.map((value) => value.trim()) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  if (crimeId === '') return reject('Crime ID', crimeId, 'an outcome needs the Crime ID of its crime')
  const monthMatch = MONTH.exec(month)
  if (!monthMatch) return reject('Month', month, 'the month is not in the form YYYY-MM')
  const point = parseUkPoint(longitudeText, latitudeText)
  if (!point.ok) return { ok: false, rejection: point.rejection }
  if (lsoaCode !== '' && !LSOA_CODE.test(lsoaCode)) {
    return reject('LSOA code', lsoaCode, 'the LSOA code is not E01 or W01 followed by 6 digits')
  }
  if (outcome === '') return reject('Outcome type', outcome, 'the outcome type is empty')
  return {
    ok: true,
    row: {
      crime_id: crimeId,
      month: `${monthMatch[1]}-${monthMatch[2]}-01`,
      outcome_code: outcomeCode(outcome),
      outcome_label: outcome,
      reported_by: optional(reportedBy),
      falls_within: optional(fallsWithin),
      longitude: point.longitude,
      latitude: point.latitude,
      location_text: optional(location),
      lsoa_code: optional(lsoaCode),
      lsoa_name: optional(lsoaName),
      identity: `police-uk-outcome:${crimeId}:${month}:${outcome}`,
    },
  }
}

const COLUMN_TYPES = {
  natural_key: 'text',
  crime_id: 'text',
  month: 'date',
  outcome_code: 'text',
  outcome_label: 'text',
  reported_by: 'text',
  falls_within: 'text',
  longitude: 'float8',
  latitude: 'float8',
  location_text: 'text',
  lsoa_code: 'text',
  lsoa_name: 'text',
} as const satisfies Record<Exclude<keyof OutcomeRow, 'identity'> | 'natural_key', string>
const COLUMNS = Object.keys(COLUMN_TYPES) as (keyof typeof COLUMN_TYPES)[]

/**
 * Adds the batch's outcomes to the history (a row already held is left as it is), then brings
 * the latest outcome of each crime with a new row onto its incidents. "Updated" counts incidents
 * whose outcome changed.
 */
async function writeOutcomes(
  trx: Transaction<Database>,
  runId: number,
  rows: readonly (OutcomeRow & { natural_key: string })[],
): Promise<{ inserted: number; updated: number }> {
  if (!rows.length) return { inserted: 0, updated: 0 }
  await takeOutcomeLock(trx)
  const list = sql.join(COLUMNS.map((column) => sql.ref(column)))
  const arrays = sql.join(
    COLUMNS.map((column) => sql`${rows.map((row) => row[column])}::${sql.raw(COLUMN_TYPES[column])}[]`),
  )
  const added = await sql<{ crime_id: string }>`
    insert into police_uk_outcome (import_run_id, ${list})
    select ${runId}, ${list} from unnest(${arrays}) as batch (${list})
    on conflict (natural_key) do nothing
    returning crime_id`.execute(trx)
  const updated = await applyLatestOutcomes(
    trx,
    added.rows.map((row) => row.crime_id),
  )
  return { inserted: added.rows.length, updated }
}

export const policeUkOutcomesFormat: ImportFormat<OutcomeRow> = {
  kind: POLICE_UK_OUTCOMES_KIND,
  name: 'data.police.uk outcomes',
  columns: POLICE_UK_OUTCOMES_COLUMNS,
  checkHeader: checkOutcomesHeader,
  parseRow: parseOutcomeRow,
  unknownLabels: (row) =>
    row.outcome_code === UNKNOWN_OUTCOME ? [{ column: 'Outcome type', label: row.outcome_label }] : [],
  write: writeOutcomes,
}
