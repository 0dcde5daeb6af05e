import { createHash } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { countWritten, upsertIncidents, type IncidentValues } from '../incident-writer.ts'
import {
  checkExactHeader,
  checkFields,
  reject,
  type IdentifiedRow,
  type ImportFormat,
  type RowResult,
} from './import-format.ts'
import { h3Cells, optional, parseUkPoint } from './uk-fields.ts'
import type { PoliceUkStopSearchTable } from './police-uk-tables.ts'

/** Parsing, checking and writing of the rows of a data.police.uk stop-and-search file. */

export const POLICE_UK_STOP_SEARCH_KIND = 'police-uk-stop-search'

export const POLICE_UK_STOP_SEARCH_COLUMNS = [
  'Type',
  'Date',
  'Part of a policing operation',
  'Policing operation',
  'Latitude',
  'Longitude',
  'Gender',
  'Age range',
  'Self-defined ethnicity',
  'Officer-defined ethnicity',
  'Legislation',
  'Object of search',
  'Outcome',
  'Outcome linked to object of search',
  'Removal of more than just outer clothing',
] as const

/** The 'Type' labels and their codes, which become the incident's category. */
export const SEARCH_TYPE_CODES: Readonly<Record<string, string>> = {
  'Person search': 'person-search',
  'Vehicle search': 'vehicle-search',
  'Person and Vehicle search': 'person-and-vehicle-search',
}

/** The published value sets of the columns that have one; a value outside is kept and reported. */
export const KNOWN_VALUES = {
  Gender: ['Male', 'Female', 'Other'],
  'Age range': ['under 10', '10-17', '18-24', '25-34', 'over 34'],
  'Officer-defined ethnicity': ['Asian', 'Black', 'Mixed', 'Other', 'White'],
} as const satisfies Partial<Record<(typeof POLICE_UK_STOP_SEARCH_COLUMNS)[number], readonly string[]>>

export const UNKNOWN_SEARCH_TYPE = 'unknown'

/** An ISO 8601 date-time with its offset, as the files write it: 2023-04-01T13:05:00+00:00. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/

// data.police.uk writes times in UTC but files a search under the month of its local date: a
// search at 2023-03-31T23:45:00+00:00 (00:45 on 1 April in London) is in the April file.
const LONDON_MONTH = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
})

export type StopSearchDetails = Omit<PoliceUkStopSearchTable, 'incident_id' | 'import_run_id'>

export type StopSearchRow = IncidentValues & IdentifiedRow & { details: StopSearchDetails }

export function checkStopSearchHeader(header: readonly string[]): string | null {
  return checkExactHeader('data.police.uk stop and search', POLICE_UK_STOP_SEARCH_COLUMNS, header)
}

/** 'True', 'False' or empty, in any letter case; undefined when it is something else. */
function flag(value: string): boolean | null | undefined {
  const lower = value.toLowerCase()
  if (lower === '') return null
  if (lower === 'true') return true
  if (lower === 'false') return false
  return undefined
}

function parseDateTime(text: string): { at: Date; month: string } | null {
  const match = DATE_TIME.exec(text)
  if (!match) return null
  const [, year, month, day, hour, minute, second] = match
  const at = new Date(text)
  if (Number.isNaN(at.getTime())) return null
  // Date accepts 2023-02-30 and rolls it over; a real date-time gives back its own fields.
  const local = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0)),
  )
  if (
    local.getUTCFullYear() !== Number(year) ||
    local.getUTCMonth() !== Number(month) - 1 ||
    local.getUTCDate() !== Number(day) ||
    local.getUTCHours() !== Number(hour) ||
    local.getUTCMinutes() !== Number(minute)
  ) {
    return null
  }
  const parts = LONDON_MONTH.formatToParts(at)
  const londonYear = parts.find((part) => part.type === 'year')!.value
  const londonMonth = parts.find((part) => part.type === 'month')!.value
  return { at, month: `${londonYear}-${londonMonth}-01` }
}

const FLAG_COLUMNS = [
  'Part of a policing operation',
  'Outcome linked to object of search',
  'Removal of more than just outer clothing',
] as const

export function parseStopSearchRow(fields: readonly string[]): RowResult<StopSearchRow> {
  const unreadable = checkFields<StopSearchRow>(POLICE_UK_STOP_SEARCH_COLUMNS, fields)
  if (unreadable) return unreadable
  const values = fields.map((value) => value.trim())
  const field = (column: (typeof POLICE_UK_STOP_SEARCH_COLUMNS)[number]) =>
    values[POLICE_UK_STOP_SEARCH_COLUMNS.indexOf(column)]!

  const type = field('Type')
  if (type === '') return reject('Type', type, 'the type of search is empty')
  const date = parseDateTime(field('Date'))
  if (!date) {
    return reject(
      'Date',
      field('Date'),
      'the date is not an ISO 8601 date and time such as 2023-04-01T13:05:00+00:00',
    )
  }
  const point = parseUkPoint(field('Longitude'), field('Latitude'))
  if (!point.ok) return { ok: false, rejection: point.rejection }
  const flags: Partial<Record<(typeof FLAG_COLUMNS)[number], boolean | null>> = {}
  for (const column of FLAG_COLUMNS) {
    const value = flag(field(column))
    if (value === undefined) return reject(column, field(column), 'the value is not True, False or empty')
    flags[column] = value
  }

  const { latitude, longitude } = point
  const digest = createHash('sha256').update(values.join('\u001f')).digest('hex')
  return {
    ok: true,
    row: {
      kind: 'stop-and-search',
      source_reference: null,
      crime_id: null,
      month: date.month,
      occurred_at: date.at,
      category_code: Object.hasOwn(SEARCH_TYPE_CODES, type) ? SEARCH_TYPE_CODES[type]! : UNKNOWN_SEARCH_TYPE,
      category_label: type,
      last_outcome_code: null,
      last_outcome_label: null,
      reported_by: null,
      falls_within: null,
      longitude,
      latitude,
      location_text: null,
      lsoa_code: null,
      lsoa_name: null,
      ...h3Cells(latitude, longitude),
      context: null,
      // No identifier in the file: identical rows are distinct searches, told apart by occurrence.
      identity: `police-uk-stop-search:${date.month.slice(0, 7)}:${digest}`,
      details: {
        search_type: type,
        part_of_policing_operation: flags['Part of a policing operation'] ?? null,
        policing_operation: optional(field('Policing operation')),
        gender: optional(field('Gender')),
        age_range: optional(field('Age range')),
        self_defined_ethnicity: optional(field('Self-defined ethnicity')),
        officer_defined_ethnicity: optional(field('Officer-defined ethnicity')),
        legislation: optional(field('Legislation')),
        object_of_search: optional(field('Object of search')),
        outcome: optional(field('Outcome')),
        outcome_linked_to_object_of_search: flags['Outcome linked to object of search'] ?? null,
        removal_of_more_than_just_outer_clothing: flags['Removal of more than just outer clothing'] ?? null,
      },
    },
  }
}

export function unknownStopSearchLabels(row: StopSearchRow): { column: string; label: string }[] {
  const unknown: { column: string; label: string }[] = []
  if (row.category_code === UNKNOWN_SEARCH_TYPE) unknown.push({ column: 'Type', label: row.category_label })
  const given = {
    Gender: row.details.gender,
    'Age range': row.details.age_range,
    'Officer-defined ethnicity': row.details.officer_defined_ethnicity,
  }
  for (const [column, known] of Object.entries(KNOWN_VALUES) as [
    keyof typeof KNOWN_VALUES,
    readonly string[],
  ][]) {
    const label = given[column]
    if (label !== null && !known.includes(label)) unknown.push({ column, label })
  }
  return unknown
}

const DETAIL_TYPES = {
  search_type: 'text',
  part_of_policing_operation: 'boolean',
  policing_operation: 'text',
  gender: 'text',
  age_range: 'text',
  self_defined_ethnicity: 'text',
  officer_defined_ethnicity: 'text',
  legislation: 'text',
  object_of_search: 'text',
  outcome: 'text',
  outcome_linked_to_object_of_search: 'boolean',
  removal_of_more_than_just_outer_clothing: 'boolean',
} as const satisfies Record<keyof StopSearchDetails, string>
const DETAIL_COLUMNS = Object.keys(DETAIL_TYPES) as (keyof StopSearchDetails)[]

/** Writes the batch's incidents, then their details keyed by incident id (replaced on a re-published row). */
async function writeStopSearches(
  trx: Transaction<Database>,
  runId: number,
  rows: readonly (StopSearchRow & { natural_key: string })[],
): Promise<{ inserted: number; updated: number }> {
  const written = await upsertIncidents(trx, POLICE_UK_STOP_SEARCH_KIND, runId, rows)
  if (!written.length) return { inserted: 0, updated: 0 }
  const byKey = new Map(rows.map((row) => [row.natural_key, row.details]))
  const details = written.map((incident) => ({ id: incident.id, ...byKey.get(incident.naturalKey)! }))
  const list = sql.join(DETAIL_COLUMNS.map((column) => sql.ref(column)))
  const arrays = sql.join(
    DETAIL_COLUMNS.map(
      (column) => sql`${details.map((row) => row[column])}::${sql.raw(DETAIL_TYPES[column])}[]`,
    ),
  )
  await sql`
    insert into police_uk_stop_search (incident_id, import_run_id, ${list})
    select incident_id, ${runId}, ${list}
    from unnest(${details.map((row) => row.id)}::bigint[], ${arrays}) as batch (incident_id, ${list})
    on conflict (incident_id) do update set import_run_id = excluded.import_run_id,
      ${sql.join(DETAIL_COLUMNS.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}`.execute(
    trx,
  )
  return countWritten(written)
}

export const policeUkStopSearchFormat: ImportFormat<StopSearchRow> = {
  kind: POLICE_UK_STOP_SEARCH_KIND,
  name: 'data.police.uk stop and search',
  columns: POLICE_UK_STOP_SEARCH_COLUMNS,
  checkHeader: checkStopSearchHeader,
  parseRow: parseStopSearchRow,
  unknownLabels: unknownStopSearchLabels,
  write: writeStopSearches,
}
