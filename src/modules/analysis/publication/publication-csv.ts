import { CSV_BOM, csvLine } from '../../../server/csv-writer.ts'
import type { CountsPublication } from './counts-publication.ts'

/**
 * The publishable table as CSV text: its notes first (as '#' comment lines), a blank line, then the
 * table. The byte-order mark is for spreadsheets opening a download; a terminal does without.
 */
export function publicationCsv(publication: CountsPublication, byteOrderMark = true): string {
  return (
    (byteOrderMark ? CSV_BOM : '') +
    publication.notes.map((note) => csvLine([note])).join('') +
    '\r\n' +
    csvLine(publication.header) +
    publication.rows.map((row) => csvLine(row)).join('')
  )
}
