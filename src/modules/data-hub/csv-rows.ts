import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'
import { CsvDecoder, CsvTokenizer, type CsvRecord, type CsvUnreadable } from './csv-reader.ts'
import type { IdentifiedRow, ImportFormat, Rejection } from './formats/import-format.ts'
import { NaturalKeys } from './natural-keys.ts'

/** One row of a file, checked: ready to write with its natural key, or rejected with the reason. */
export interface ParsedRow<Row extends IdentifiedRow = IdentifiedRow> {
  /** The file's line number (the header is line 1); a quoted value with line breaks gives its last line. */
  rowNumber: number
  outcome: { ok: true; row: Row & { natural_key: string } } | { ok: false; rejection: Rejection }
}

export type RejectedRow = ParsedRow & { outcome: { ok: false } }

/** The file's header is not the format's; the message names the expected columns. */
export class HeaderError extends Error {}

/** Reads just the header of a CSV file (BOM and quotes handled), for detecting its format. */
export async function readHeader(file: string): Promise<string[]> {
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, to_line: 1 })
  const source = createReadStream(file, { end: 64 * 1024 })
  source.on('error', (error) => parser.destroy(error)).pipe(parser)
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record
    return []
  } finally {
    source.destroy()
  }
}

/**
 * Streams the checked rows of a file in order, with the rows the CSV reader cannot read as
 * rejections in their place. Throws HeaderError before any row when the header is wrong.
 */
export async function* csvRows<Row extends IdentifiedRow>(
  file: string,
  format: ImportFormat<Row>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<ParsedRow<Row>> {
  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES })
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  try {
    const decoder = new CsvDecoder()
    const tokenizer = new CsvTokenizer()
    const keys = new NaturalKeys()
    const records: CsvRecord[] = []
    let header = true
    let bytes = 0
    let ended = false
    while (!ended) {
      const { value, done } = await chunks.next()
      records.length = 0
      let unreadableRecord: CsvUnreadable | null = null
      if (done) {
        ended = true
        tokenizer.push(decoder.end(), records)
        unreadableRecord = tokenizer.end(records)
      } else {
        bytes += value.length
        // Reported before the chunk's rows, so a stop requested at the first report takes effect
        // after the first batch.
        onBytes(bytes)
        tokenizer.push(decoder.write(value), records)
      }
      for (const { fields, line } of records) {
        if (header) {
          header = false
          const problem = format.checkHeader(fields)
          if (problem) throw new HeaderError(problem)
          continue
        }
        const result = format.parseRow(fields)
        if (!result.ok) {
          yield { rowNumber: line, outcome: result }
          continue
        }
        // The row is the parser's own new object: adding the key costs far less than a copy.
        const row = result.row as Row & { natural_key: string }
        row.natural_key = keys.next(row.identity)
        yield { rowNumber: line, outcome: { ok: true, row } }
      }
      if (unreadableRecord) {
        if (header) {
          const expected = format.checkHeader([]) ?? ''
          throw new HeaderError(
            `The header cannot be read as CSV: ${unreadableRecord.message}. ${expected}`.trim(),
          )
        }
        yield unreadable(unreadableRecord.line, `the row cannot be read as CSV: ${unreadableRecord.message}`)
      }
    }
    if (header) throw new HeaderError(`The file is empty. ${format.checkHeader([]) ?? ''}`.trim())
  } finally {
    // A run stopped early must not leave the file open.
    source.destroy()
  }
}

const CHUNK_BYTES = 256 * 1024

function unreadable<Row extends IdentifiedRow>(rowNumber: number, reason: string): ParsedRow<Row> {
  return { rowNumber, outcome: { ok: false, rejection: { column: null, value: null, reason } } }
}
