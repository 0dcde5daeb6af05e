import type { Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/** What the import pipeline needs to know about one file format. The pipeline does the rest. */

export interface Rejection {
  column: string | null
  value: string | null
  reason: string
}

export type RowResult<Row> = { ok: true; row: Row } | { ok: false; rejection: Rejection }

/** Every parsed row names its identity: what makes it the same record when a file is re-published. */
export interface IdentifiedRow {
  /** The same identity twice in one file gets an occurrence number: identity:0, identity:1, ... */
  identity: string
}

export interface WriteCounts {
  inserted: number
  updated: number
}

export interface ImportFormat<Row extends IdentifiedRow = IdentifiedRow> {
  /** The data_source kind, also the CLI's name for the format: 'police-uk-street'. */
  kind: string
  /** For people, after 'a': 'data.police.uk street-level crime'. */
  name: string
  /** The header the format expects, in order. */
  columns: readonly string[]
  /** Null when the header is this format's; otherwise why not, naming the expected columns. */
  checkHeader(header: readonly string[]): string | null
  /** Checks and maps one row (the header excluded). Pure: no I/O. */
  parseRow(fields: readonly string[]): RowResult<Row>
  /** Labels that are not in the format's code lists, kept as 'unknown' and reported in the summary. */
  unknownLabels?(row: Row): { column: string; label: string }[]
  /** Writes one batch's good rows inside the batch's transaction; returns how many were new. */
  write(
    trx: Transaction<Database>,
    runId: number,
    rows: (Row & { natural_key: string })[],
  ): Promise<WriteCounts>
}

/**
 * The usual header check: exactly these columns in this order (surrounding spaces ignored).
 * The message names what is missing and lists the expected header, so the user can fix the file.
 */
export function checkExactHeader(
  name: string,
  expected: readonly string[],
  header: readonly string[],
): string | null {
  const names = header.map((column) => column.trim())
  if (names.length === expected.length && expected.every((column, i) => names[i] === column)) return null
  const missing = expected.filter((column) => !names.includes(column))
  const problem = missing.length
    ? `it has no ${missing.map((c) => `'${c}'`).join(', ')} column${missing.length > 1 ? 's' : ''}`
    : 'its columns are not in the expected order or there are extra columns'
  return `The header is not that of a ${name} file: ${problem}. Expected the columns: ${expected.join(',')}`
}

export function reject<Row>(column: string | null, value: string | null, reason: string): RowResult<Row> {
  return { ok: false, rejection: { column, value, reason } }
}

const MAX_FIELD_LENGTH = 1000

/** The checks every format makes on every field before its own: column count, UTF-8, NUL, length. */
export function checkFields<Row>(
  columns: readonly string[],
  fields: readonly string[],
): RowResult<Row> | null {
  if (fields.length !== columns.length) {
    return reject(null, fields.join(','), `the row has ${fields.length} columns, expected ${columns.length}`)
  }
  for (const [index, value] of fields.entries()) {
    const column = columns[index]!
    if (value.includes('\uFFFD')) return reject(column, value, 'the value is not valid UTF-8')
    if (value.includes('\u0000')) return reject(column, value, 'the value contains a NUL character')
    if (value.length > MAX_FIELD_LENGTH)
      return reject(column, value, `the value is longer than ${MAX_FIELD_LENGTH} characters`)
  }
  return null
}
