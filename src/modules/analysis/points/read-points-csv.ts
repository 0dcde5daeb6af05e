import { createReadStream } from 'node:fs'
import {
  CRIME_TYPE_CODES,
  CsvDecoder,
  CsvTokenizer,
  UNKNOWN_CATEGORY,
  type CsvRecord,
} from '../../data-hub/index.ts'
import { parseDay, parseLatitude, parseLongitude, parseMonth, parseWeight } from './point-fields.ts'
import type { PointSetBuilder } from './point-set-builder.ts'
import type { ProblemList } from './points-file-problems.ts'

/**
 * Points from a CSV file, streamed: either a points CSV (longitude, latitude, date or datetime,
 * optional category, weight, id and area (the LSOA code); any order, any case) or a data.police.uk
 * street file as it is (its LSOA code column gives the area).
 * Rows with neither coordinate are skipped and counted: police.uk publishes crimes without a location.
 */

export type CsvPointsFormat = 'csv' | 'police-uk-street'

/** Header names accepted for each column of a points CSV, lower case. */
export const POINT_COLUMN_NAMES = {
  longitude: ['longitude', 'lon', 'lng', 'x'],
  latitude: ['latitude', 'lat', 'y'],
  date: ['date', 'datetime'],
  category: ['category'],
  weight: ['weight'],
  id: ['id'],
  area: ['area', 'lsoa', 'lsoa code', 'lsoa_code'],
} as const

type PointColumn = keyof typeof POINT_COLUMN_NAMES
const REQUIRED: readonly PointColumn[] = ['longitude', 'latitude', 'date']

/** One row of either kind of file read into the builder; returns false when the row has no location. */
type RowReader = (fields: readonly string[], line: number, dataRow: number) => boolean | 'problem'

const CHUNK_BYTES = 256 * 1024

export function isPoliceUkStreetHeader(header: readonly string[]): boolean {
  const names = header.map((name) => name.trim())
  return names.includes('Month') && names.includes('Crime type')
}

/** Reads the file into `builder`, listing problems in `problems`; returns the format and rows without location. */
export async function readPointsCsv(
  file: string,
  builder: PointSetBuilder,
  problems: ProblemList,
): Promise<{ format: CsvPointsFormat | null; withoutLocation: number }> {
  const decoder = new CsvDecoder()
  const tokenizer = new CsvTokenizer()
  const records: CsvRecord[] = []
  let reader: RowReader | null = null
  let format: CsvPointsFormat | null = null
  let headerSeen = false
  let dataRow = 0
  let withoutLocation = 0

  const take = (): boolean => {
    for (const { fields, line } of records) {
      if (!headerSeen) {
        headerSeen = true
        format = isPoliceUkStreetHeader(fields) ? 'police-uk-street' : 'csv'
        reader =
          format === 'csv'
            ? pointsCsvReader(fields, builder, problems)
            : policeUkReader(fields, builder, problems)
        if (!reader) return false
        continue
      }
      dataRow++
      if (reader!(fields, line, dataRow) === false) withoutLocation++
    }
    records.length = 0
    return true
  }

  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES })
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      tokenizer.push(decoder.write(chunk), records)
      if (!take()) return { format, withoutLocation }
    }
    tokenizer.push(decoder.end(), records)
    const unreadable = tokenizer.end(records)
    if (!take()) return { format, withoutLocation }
    if (unreadable)
      problems.add({ line: unreadable.line, reason: `the row cannot be read as CSV: ${unreadable.message}` })
  } finally {
    source.destroy()
  }
  if (!headerSeen)
    problems.add({ reason: 'the file is empty: expected a header line, then one line per point' })
  return { format, withoutLocation }
}

/** Finds each column by any of its names, or lists what is missing; null when the header is unusable. */
function pointsCsvReader(
  header: readonly string[],
  builder: PointSetBuilder,
  problems: ProblemList,
): RowReader | null {
  const names = header.map((name) => name.trim().toLowerCase())
  const index = {} as Record<PointColumn, number>
  let usable = true
  for (const column of Object.keys(POINT_COLUMN_NAMES) as PointColumn[]) {
    const accepted: readonly string[] = POINT_COLUMN_NAMES[column]
    const found = names.flatMap((name, i) => (accepted.includes(name) ? [i] : []))
    if (found.length > 1) {
      problems.add({
        line: 1,
        reason: `the header has ${found.length} ${column} columns (${found.map((i) => header[i]).join(', ')}): keep one`,
      })
      usable = false
    }
    index[column] = found[0] ?? -1
    if (found.length === 0 && REQUIRED.includes(column)) {
      problems.add({
        line: 1,
        reason: `the header has no ${column} column (accepted names: ${accepted.join(', ')})`,
      })
      usable = false
    }
  }
  if (!usable) return null
  const columnName = (column: PointColumn) => header[index[column]]!.trim()
  const value = (fields: readonly string[], column: PointColumn) =>
    index[column] < 0 ? '' : (fields[index[column]] ?? '').trim()

  return (fields, line, dataRow) => {
    if (fields.length < header.length) {
      problems.add({
        line,
        reason: `the row has ${fields.length} values but the header has ${header.length} columns`,
      })
      return 'problem'
    }
    const longitudeText = value(fields, 'longitude')
    const latitudeText = value(fields, 'latitude')
    if (longitudeText === '' && latitudeText === '') return false
    const longitude = parseLongitude(longitudeText)
    const latitude = parseLatitude(latitudeText)
    const day = parseDay(value(fields, 'date'))
    const weight = parseWeight(value(fields, 'weight'))
    let ok = true
    for (const [column, parsed] of [
      ['longitude', longitude],
      ['latitude', latitude],
      ['date', day],
      ['weight', weight],
    ] as const) {
      if (typeof parsed === 'string') {
        problems.add({ line, column: columnName(column), reason: parsed })
        ok = false
      }
    }
    if (!ok) return 'problem'
    const reference = value(fields, 'id') || String(dataRow)
    builder.add(
      longitude as number,
      latitude as number,
      day as number,
      value(fields, 'category'),
      weight as number,
      reference,
      index.area < 0 ? undefined : value(fields, 'area'),
    )
    return true
  }
}

/** A street file as data.police.uk publishes it: Month is the first day of the month, Crime type its slug. */
function policeUkReader(
  header: readonly string[],
  builder: PointSetBuilder,
  problems: ProblemList,
): RowReader | null {
  const names = header.map((name) => name.trim())
  const needed = ['Month', 'Longitude', 'Latitude', 'Crime type'] as const
  // Optional: police.uk leaves it empty for crimes it cannot place in an LSOA.
  const lsoaAt = names.indexOf('LSOA code')
  const missing = needed.filter((name) => !names.includes(name))
  if (missing.length) {
    problems.add({
      line: 1,
      reason: `the data.police.uk street file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`,
    })
    return null
  }
  const [month, longitudeAt, latitudeAt, crimeType] = needed.map((name) => names.indexOf(name)) as [
    number,
    number,
    number,
    number,
  ]
  const last = Math.max(month, longitudeAt, latitudeAt, crimeType)
  return (fields, line, dataRow) => {
    if (fields.length <= last) {
      problems.add({
        line,
        reason: `the row has ${fields.length} values but the header has ${header.length} columns`,
      })
      return 'problem'
    }
    const longitudeText = fields[longitudeAt]!.trim()
    const latitudeText = fields[latitudeAt]!.trim()
    if (longitudeText === '' && latitudeText === '') return false
    const longitude = parseLongitude(longitudeText)
    const latitude = parseLatitude(latitudeText)
    const day = parseMonth(fields[month]!.trim())
    const label = fields[crimeType]!.trim()
    let ok = true
    for (const [column, parsed] of [
      ['Longitude', longitude],
      ['Latitude', latitude],
      ['Month', day],
    ] as const) {
      if (typeof parsed === 'string') {
        problems.add({ line, column, reason: parsed })
        ok = false
      }
    }
    if (label === '') {
      problems.add({ line, column: 'Crime type', reason: 'the crime type is empty' })
      ok = false
    }
    if (!ok) return 'problem'
    const category = Object.hasOwn(CRIME_TYPE_CODES, label) ? CRIME_TYPE_CODES[label]! : UNKNOWN_CATEGORY
    const area = lsoaAt < 0 ? undefined : (fields[lsoaAt] ?? '').trim()
    builder.add(longitude as number, latitude as number, day as number, category, 1, String(dataRow), area)
    return true
  }
}
