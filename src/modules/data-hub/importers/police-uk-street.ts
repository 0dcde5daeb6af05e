import { createHash } from 'node:crypto'
import { latLngToCell } from 'h3-js'
import type { Selectable } from 'kysely'
import type { IncidentKind, IncidentTable } from '../tables.ts'

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

/** A generous box around the United Kingdom (with Northern Ireland, Scilly and Shetland). */
export const UK_BOUNDS = { minLongitude: -8.7, maxLongitude: 1.9, minLatitude: 49.8, maxLatitude: 60.9 }

const MAX_FIELD_LENGTH = 1000
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/
const LSOA_CODE = /^[EW]01\d{6}$/
const DECIMAL = /^-?\d{1,3}(\.\d+)?$/

export interface Rejection {
  column: string | null
  value: string | null
  reason: string
}

/** An incident ready to write: the table's row without its id, import run, source, harm weight and natural key. */
export type MappedIncident = Omit<
  Selectable<IncidentTable>,
  'id' | 'source_kind' | 'import_run_id' | 'natural_key' | 'harm_weight'
> & {
  /** Identifies the row before its occurrence index is added: crime id and month, or month and content hash. */
  identity: string
}

export type RowResult = { ok: true; incident: MappedIncident } | { ok: false; rejection: Rejection }

/** Returns the name of the first expected column missing or out of place, or null when the header is right. */
export function checkHeader(header: readonly string[]): string | null {
  const names = header.map((name) => name.trim())
  if (
    names.length === POLICE_UK_STREET_COLUMNS.length &&
    POLICE_UK_STREET_COLUMNS.every((c, i) => names[i] === c)
  ) {
    return null
  }
  const missing = POLICE_UK_STREET_COLUMNS.filter((column) => !names.includes(column))
  const problem = missing.length
    ? `it has no ${missing.map((c) => `'${c}'`).join(', ')} column${missing.length > 1 ? 's' : ''}`
    : 'its columns are not in the expected order or there are extra columns'
  return (
    `The header is not that of a data.police.uk street-level crime file: ${problem}. ` +
    `Expected the columns: ${POLICE_UK_STREET_COLUMNS.join(',')}`
  )
}

/** A stable code for an outcome label: lower case words joined by hyphens. */
export function outcomeCode(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

function reject(column: string | null, value: string | null, reason: string): RowResult {
  return { ok: false, rejection: { column, value, reason } }
}

function optional(value: string): string | null {
  return value === '' ? null : value
}

export function parseStreetRow(fields: readonly string[]): RowResult {
  if (fields.length !== POLICE_UK_STREET_COLUMNS.length) {
    return reject(
      null,
      fields.join(','),
      `the row has ${fields.length} columns, expected ${POLICE_UK_STREET_COLUMNS.length}`,
    )
  }
  for (const [index, value] of fields.entries()) {
    const column = POLICE_UK_STREET_COLUMNS[index]!
    if (value.includes('\uFFFD')) return reject(column, value, 'the value is not valid UTF-8')
    if (value.includes('\u0000')) return reject(column, value, 'the value contains a NUL character')
    if (value.length > MAX_FIELD_LENGTH)
      return reject(column, value, `the value is longer than ${MAX_FIELD_LENGTH} characters`)
  }
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
  const categoryCode = CRIME_TYPE_CODES[crimeType] ?? UNKNOWN_CATEGORY

  let longitude: number | null = null
  let latitude: number | null = null
  if (longitudeText !== '' || latitudeText !== '') {
    if (!DECIMAL.test(longitudeText))
      return reject('Longitude', longitudeText, 'the longitude is not a decimal number')
    if (!DECIMAL.test(latitudeText))
      return reject('Latitude', latitudeText, 'the latitude is not a decimal number')
    longitude = Number(longitudeText)
    latitude = Number(latitudeText)
    if (longitude < UK_BOUNDS.minLongitude || longitude > UK_BOUNDS.maxLongitude) {
      return reject('Longitude', longitudeText, 'the longitude is outside the United Kingdom')
    }
    if (latitude < UK_BOUNDS.minLatitude || latitude > UK_BOUNDS.maxLatitude) {
      return reject('Latitude', latitudeText, 'the latitude is outside the United Kingdom')
    }
  }
  if (lsoaCode !== '' && !LSOA_CODE.test(lsoaCode)) {
    return reject('LSOA code', lsoaCode, 'the LSOA code is not E01 or W01 followed by 6 digits')
  }

  const kind: IncidentKind = categoryCode === 'anti-social-behaviour' ? 'anti-social-behaviour' : 'crime'
  const monthDate = `${monthMatch[1]}-${monthMatch[2]}-01`
  const identity =
    crimeId !== ''
      ? `police-uk:${crimeId}:${month}`
      : `police-uk:${month}:${createHash('sha256').update(fields.join('\u001f')).digest('hex')}`
  const cell = (resolution: number) =>
    latitude === null || longitude === null ? null : latLngToCell(latitude, longitude, resolution)
  return {
    ok: true,
    incident: {
      kind,
      crime_id: optional(crimeId),
      month: monthDate,
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
      h3_res7: cell(7),
      h3_res8: cell(8),
      h3_res9: cell(9),
      context: optional(context),
      identity,
    },
  }
}

/**
 * Numbers repeated identities within one file: the same Crime ID twice in a month, or two
 * identical anti-social behaviour rows, become distinct incidents with stable keys.
 */
export class NaturalKeys {
  // An open-addressing table of 64-bit fingerprints of the identities (the first 8 bytes of their
  // SHA-256) with their counts: 12 bytes a slot, so a million-row file needs tens of megabytes, not hundreds.
  private high = new Uint32Array(1 << 12)
  private low = new Uint32Array(1 << 12)
  /** Occurrences seen so far; 0 marks an empty slot. */
  private counts = new Uint32Array(1 << 12)
  private used = 0

  next(identity: string): string {
    const digest = createHash('sha256').update(identity).digest()
    const occurrence = this.increment(digest.readUInt32LE(0), digest.readUInt32LE(4))
    return `${identity}:${occurrence}`
  }

  /** Returns how many times the fingerprint was seen before, and counts this time. */
  private increment(high: number, low: number): number {
    const mask = this.counts.length - 1
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask
    while (this.counts[slot] !== 0) {
      if (this.high[slot] === high && this.low[slot] === low) return this.counts[slot]!++
      slot = (slot + 1) & mask
    }
    this.high[slot] = high
    this.low[slot] = low
    this.counts[slot] = 1
    this.used += 1
    if (this.used * 2 > this.counts.length) this.grow()
    return 0
  }

  private grow(): void {
    const { high, low, counts } = this
    this.high = new Uint32Array(counts.length * 2)
    this.low = new Uint32Array(counts.length * 2)
    this.counts = new Uint32Array(counts.length * 2)
    const mask = this.counts.length - 1
    for (let old = 0; old < counts.length; old++) {
      if (counts[old] === 0) continue
      let slot = (low[old]! ^ Math.imul(high[old]!, 0x9e3779b1)) & mask
      while (this.counts[slot] !== 0) slot = (slot + 1) & mask
      this.high[slot] = high[old]!
      this.low[slot] = low[old]!
      this.counts[slot] = counts[old]!
    }
  }
}
