import { createHash } from 'node:crypto'
import { countWritten, upsertIncidents, type IncidentValues } from '../incident-writer.ts'
import type { IncidentKind } from '../tables.ts'
import {
  checkExactHeader,
  checkFields,
  reject,
  type IdentifiedRow,
  type ImportFormat,
  type RowResult,
} from './import-format.ts'
import { outcomeCode, UNKNOWN_OUTCOME } from './police-uk-outcome-codes.ts'
import { applyLatestOutcomes, takeOutcomeLock } from './police-uk-tables.ts'
import { h3Cells, LSOA_CODE, optional, parseUkPoint } from './uk-fields.ts'

/** Parsing, checking and mapping of one row of a data.police.uk street-level crime file. No I/O. */

export const POLICE_UK_STREET_KIND = 'police-uk-street'

export const POLICE_UK_STREET_COLUMNS = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Crime type',
  'Last outcome category',
  'Context',
] as const

/** The 14 'Crime type' labels and the data.police.uk category slugs they map to. */
export const CRIME_TYPE_CODES: Readonly<Record<string, string>> = {
  'Anti-social behaviour': 'anti-social-behaviour',
  'Bicycle theft': 'bicycle-theft',
  Burglary: 'burglary',
  'Criminal damage and arson': 'criminal-damage-arson',
  Drugs: 'drugs',
  'Other theft': 'other-theft',
  'Possession of weapons': 'possession-of-weapons',
  'Public order': 'public-order',
  Robbery: 'robbery',
  Shoplifting: 'shoplifting',
  'Theft from the person': 'theft-from-the-person',
  'Vehicle crime': 'vehicle-crime',
  'Violence and sexual offences': 'violent-crime',
  'Other crime': 'other-crime',
}

export const UNKNOWN_CATEGORY = 'unknown'

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

/** A street-file row ready to write, with what identifies it before its occurrence index is added. */
export type StreetIncident = IncidentValues & IdentifiedRow

/** Returns why the header is not a street file's, naming the expected columns, or null when it is. */
export function checkHeader(header: readonly string[]): string | null {
  return checkExactHeader('data.police.uk street-level crime', POLICE_UK_STREET_COLUMNS, header)
}

export function parseStreetRow(fields: readonly string[]): RowResult<StreetIncident> {
  const unreadable = checkFields<StreetIncident>(POLICE_UK_STREET_COLUMNS, fields)
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
    crimeType,
    outcome,
    context,
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
    string,
    string,
  ]

  const monthMatch = MONTH.exec(month)
  if (!monthMatch) return reject('Month', month, 'the month is not in the form YYYY-MM')

  if (crimeType === '') return reject('Crime type', crimeType, 'the crime type is empty')
  const categoryCode = Object.hasOwn(CRIME_TYPE_CODES, crimeType)
    ? CRIME_TYPE_CODES[crimeType]!
    : UNKNOWN_CATEGORY

  const point = parseUkPoint(longitudeText, latitudeText)
  if (!point.ok) return point
  const { longitude, latitude } = point
  if (lsoaCode !== '' && !LSOA_CODE.test(lsoaCode)) {
    return reject('LSOA code', lsoaCode, 'the LSOA code is not E01 or W01 followed by 6 digits')
  }

  const kind: IncidentKind = categoryCode === 'anti-social-behaviour' ? 'anti-social-behaviour' : 'crime'
  const monthDate = `${monthMatch[1]}-${monthMatch[2]}-01`
  const identity =
    crimeId !== ''
      ? `police-uk:${crimeId}:${month}`
      : `police-uk:${month}:${createHash('sha256').update(fields.join('\u001f')).digest('hex')}`
  return {
    ok: true,
    row: {
      kind,
      source_reference: optional(crimeId),
      crime_id: optional(crimeId),
      month: monthDate,
      occurred_at: null,
      category_code: categoryCode,
      category_label: crimeType,
      last_outcome_code: outcome === '' ? null : outcomeCode(outcome),
      last_outcome_label: optional(outcome),
      reported_by: optional(reportedBy),
      falls_within: optional(fallsWithin),
      longitude,
      latitude,
      location_text: optional(location),
      lsoa_code: optional(lsoaCode),
      lsoa_name: optional(lsoaName),
      ...h3Cells(latitude, longitude),
      context: optional(context),
      identity,
    },
  }
}

export const policeUkStreetFormat: ImportFormat<StreetIncident> = {
  kind: POLICE_UK_STREET_KIND,
  name: 'data.police.uk street-level crime',
  columns: POLICE_UK_STREET_COLUMNS,
  checkHeader,
  parseRow: parseStreetRow,
  unknownLabels: (row) => [
    ...(row.category_code === UNKNOWN_CATEGORY ? [{ column: 'Crime type', label: row.category_label }] : []),
    ...(row.last_outcome_code === UNKNOWN_OUTCOME
      ? [{ column: 'Last outcome category', label: row.last_outcome_label! }]
      : []),
  ],
  write: async (trx, runId, rows) => {
    await takeOutcomeLock(trx)
    const counts = countWritten(await upsertIncidents(trx, POLICE_UK_STREET_KIND, runId, rows))
    // An outcomes file imported before this one holds later outcomes than the street file's own.
    await applyLatestOutcomes(
      trx,
      rows.flatMap((row) => (row.crime_id === null ? [] : [row.crime_id])),
    )
    return counts
  },
}
