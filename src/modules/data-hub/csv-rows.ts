import { createReadStream } from 'node:fs'
import { parse, type CsvError } from 'csv-parse'
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
 * Streams the checked rows of a file in order, with the rows the CSV parser cannot read as
 * rejections in their place. Throws HeaderError before any row when the header is wrong.
 */
export async function* csvRows<Row extends IdentifiedRow>(
  file: string,
  format: ImportFormat<Row>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<ParsedRow<Row>> {
  const skipped: ParsedRow<Row>[] = []
  const parser = parse({
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Both line ends, row by row: csv-parse otherwise takes the first one it sees for the whole file.
    record_delimiter: ['\r\n', '\n'],
    info: true,
  })
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    skipped.push(unreadable(error.lines ?? 0, `the row cannot be read as CSV: ${error.message}`))
  })
  const source = createReadStream(file)
  source.on('error', (error) => parser.destroy(error)).pipe(parser)
  try {
    const keys = new NaturalKeys()
    let header = true
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[]
      info: { lines: number; bytes: number }
    }>) {
      onBytes(info.bytes)
      while (skipped.length && skipped[0]!.rowNumber <= info.lines) yield skipped.shift()!
      if (header) {
        header = false
        const problem = format.checkHeader(record)
        if (problem) throw new HeaderError(problem)
        continue
      }
      const result = format.parseRow(record)
      yield {
        rowNumber: info.lines,
        outcome: result.ok
          ? { ok: true, row: { ...result.row, natural_key: keys.next(result.row.identity) } }
          : result,
      }
    }
    if (header) throw new HeaderError(`The file is empty. ${format.checkHeader([]) ?? ''}`.trim())
    yield* skipped
  } finally {
    // A run stopped early must not leave the file open.
    source.destroy()
    parser.destroy()
  }
}

function unreadable<Row extends IdentifiedRow>(rowNumber: number, reason: string): ParsedRow<Row> {
  return { rowNumber, outcome: { ok: false, rejection: { column: null, value: null, reason } } }
}
