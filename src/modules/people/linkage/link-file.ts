/**
 * The file `upstream link evaluate` reads: a CSV of person records with their true identities,
 * header exactly source,record_id,first_name,last_name,date_of_birth,address,postcode,true_id.
 * Every problem is named by row (the header is row 1; a quoted value with a line break does not
 * start a new row) and column; a file with
 * problems is refused as a whole, listing the first of them. Read with the data hub's streaming CSV
 * reader (BOM, CRLF and quoted line breaks handled), a few times faster than csv-parse.
 */
import { createReadStream } from 'node:fs'
import { CsvDecoder, CsvTokenizer, type CsvRecord } from '../../data-hub/csv-reader.ts'
import { parseDateOfBirth } from './normalise.ts'
import type { PersonRecord } from './person-record.ts'

export const LINK_FILE_COLUMNS = [
  'source',
  'record_id',
  'first_name',
  'last_name',
  'date_of_birth',
  'address',
  'postcode',
  'true_id',
] as const

/** Longest value a column may hold: far above any real name or address, it bounds the cost of comparing. */
export const LONGEST_VALUE = 500

/** Problems listed in the error before "and N more". */
const PROBLEMS_LISTED = 20

export class LinkFileError extends Error {
  override name = 'LinkFileError'
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message)
  }
}

export interface LinkFile {
  readonly records: PersonRecord[]
  /** True identity of each record, numbered from 0 in order of first appearance. */
  readonly trueIdentities: Int32Array
}

export async function readLinkFile(file: string): Promise<LinkFile> {
  const source = createReadStream(file, { highWaterMark: 1 << 20 })
  const decoder = new CsvDecoder()
  const tokenizer = new CsvTokenizer()
  const reader = new LinkRowReader()
  const rows: CsvRecord[] = []
  let rowNumber = 0
  const take = () => {
    for (const row of rows) reader.row(row.fields, ++rowNumber)
    rows.length = 0
  }
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      tokenizer.push(decoder.write(chunk), rows)
      take()
    }
    tokenizer.push(decoder.end(), rows)
    const unreadable = tokenizer.end(rows)
    take()
    if (unreadable) {
      throw new LinkFileError(`${file} is not a readable CSV file: ${unreadable.message}`, [
        unreadable.message,
      ])
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && !(error instanceof LinkFileError))
      throw new LinkFileError(`Cannot read ${file}: ${error.message}`, [])
    throw error
  } finally {
    source.destroy()
  }
  return reader.finish(file)
}

/** Checks rows one by one (the header first) and collects the records. */
export class LinkRowReader {
  private header = true
  private readonly problems: string[] = []
  private problemCount = 0
  private readonly records: PersonRecord[] = []
  private readonly identities: number[] = []
  private readonly identityNumbers = new Map<string, number>()
  /** Row of each record id, by source. */
  private readonly rowOfRecord = new Map<string, Map<string, number>>()

  private problem(text: string): void {
    this.problemCount++
    if (this.problems.length < PROBLEMS_LISTED) this.problems.push(text)
  }

  private bad(rowNumber: number, column: string, why: string): void {
    this.problem(`Row ${rowNumber}, column ${column}: ${why}`)
  }

  row(values: readonly string[], rowNumber: number): void {
    if (this.header) {
      this.header = false
      const given = values.map((value) => value.trim()).join(',')
      if (given !== LINK_FILE_COLUMNS.join(',')) {
        throw new LinkFileError(
          `The header must be exactly ${LINK_FILE_COLUMNS.join(',')}; this file's is ${given.slice(0, 200) || '(empty)'}`,
          [],
        )
      }
      return
    }
    if (values.length !== LINK_FILE_COLUMNS.length) {
      this.problem(
        `Row ${rowNumber}: ${values.length} values, expected ${LINK_FILE_COLUMNS.length} (${LINK_FILE_COLUMNS.join(',')})`,
      )
      return
    }
    // Plain loops and no closures: this runs once for each of a million rows.
    let tooLong = false
    for (let column = 0; column < values.length; column++) {
      if ((values[column] ?? '').length > LONGEST_VALUE) {
        this.bad(rowNumber, LINK_FILE_COLUMNS[column] ?? '', `longer than ${LONGEST_VALUE} characters`)
        tooLong = true
      }
    }
    const source = (values[0] ?? '').trim()
    const recordId = (values[1] ?? '').trim()
    const firstName = (values[2] ?? '').trim()
    const lastName = (values[3] ?? '').trim()
    const dateOfBirth = (values[4] ?? '').trim()
    const address = (values[5] ?? '').trim()
    const postcode = (values[6] ?? '').trim()
    const trueId = (values[7] ?? '').trim()
    const before = this.problemCount
    if (source === '') this.bad(rowNumber, 'source', 'is empty (the system the record came from is needed)')
    if (recordId === '') this.bad(rowNumber, 'record_id', 'is empty (each record needs its id in its source)')
    if (trueId === '')
      this.bad(rowNumber, 'true_id', 'is empty (the true identity is needed to score the linkage)')
    if (parseDateOfBirth(dateOfBirth) === null) {
      this.bad(
        rowNumber,
        'date_of_birth',
        `'${dateOfBirth.slice(0, 40)}' is not a date (expected YYYY-MM-DD or DD/MM/YYYY, or empty)`,
      )
    }
    let rowsOfSource = this.rowOfRecord.get(source)
    if (rowsOfSource === undefined) {
      rowsOfSource = new Map()
      this.rowOfRecord.set(source, rowsOfSource)
    }
    const earlier = rowsOfSource.get(recordId)
    if (earlier !== undefined && source !== '' && recordId !== '') {
      this.bad(
        rowNumber,
        'record_id',
        `'${recordId.slice(0, 40)}' of source '${source.slice(0, 40)}' is already on row ${earlier}`,
      )
    }
    if (tooLong || this.problemCount > before) return
    rowsOfSource.set(recordId, rowNumber)
    let identity = this.identityNumbers.get(trueId)
    if (identity === undefined) {
      identity = this.identityNumbers.size
      this.identityNumbers.set(trueId, identity)
    }
    this.identities.push(identity)
    this.records.push({ source, recordId, firstName, lastName, dateOfBirth, address, postcode })
  }

  finish(file: string): LinkFile {
    if (this.header)
      throw new LinkFileError(`${file} is empty: it needs the header ${LINK_FILE_COLUMNS.join(',')}`, [])
    if (this.problemCount > 0) {
      const more = this.problemCount - this.problems.length
      throw new LinkFileError(
        `${file} has ${this.problemCount} problem(s):\n  ${this.problems.join('\n  ')}${more > 0 ? `\n  and ${more} more` : ''}`,
        this.problems,
      )
    }
    return { records: this.records, trueIdentities: Int32Array.from(this.identities) }
  }
}
