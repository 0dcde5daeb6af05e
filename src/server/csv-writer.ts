import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'

/**
 * The one CSV writer for every export (checklist D4): RFC 4180 quoting, UTF-8 with a byte-order
 * mark, and text cells that a spreadsheet would run as a formula (CWE-1236) prefixed with an
 * apostrophe. Numbers are written from numbers and never prefixed, so -3 stays a number.
 */

export type CsvCell = string | number | boolean | null | undefined

export const CSV_BOM = '\uFEFF'

// A leading tab or carriage return is also read as the start of a formula by some spreadsheets.
const FORMULA_TRIGGER = /^[=+\-@\t\r\0]/
const NEEDS_QUOTES = /[",\r\n]/

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = FORMULA_TRIGGER.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const csvLine = (cells: readonly CsvCell[]): string => `${cells.map(csvCell).join(',')}\r\n`

/** A whole CSV document as chunks: the BOM and header, then one line per row as the rows arrive. */
export async function* csvDocument(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvCell[]> | Iterable<readonly CsvCell[]>,
): AsyncGenerator<string> {
  yield CSV_BOM + csvLine(header)
  let chunk = ''
  for await (const row of rows) {
    chunk += csvLine(row)
    // Fewer, larger writes: a chunk per row would cost more than the rows themselves.
    if (chunk.length >= 64 * 1024) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/**
 * A download name safe in any file system and header: letters, digits, dot, hyphen and
 * underscore only, no leading dot, at most 100 characters, with the extension kept.
 */
export function safeFileName(name: string, extension: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 100 - extension.length - 1)
  return `${base || 'export'}.${extension}`
}

/** RFC 6266: an attachment, with the plain name and its UTF-8 form (identical once sanitised). */
export function attachmentHeader(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

/** Sends any streamed text as a download; the security headers (nosniff) are added on send. */
export function sendDownload(
  reply: FastifyReply,
  options: { fileName: string; contentType: string; chunks: AsyncIterable<string> },
): FastifyReply {
  return reply
    .type(options.contentType)
    .header('Content-Disposition', attachmentHeader(options.fileName))
    .header('X-Content-Type-Options', 'nosniff')
    .send(Readable.from(options.chunks, { objectMode: false }))
}

/** Sends a CSV export, streamed row by row. `name` is sanitised; '.csv' is added. */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  header: readonly string[],
  rows: AsyncIterable<readonly CsvCell[]> | Iterable<readonly CsvCell[]>,
): FastifyReply {
  return sendDownload(reply, {
    fileName: safeFileName(name, 'csv'),
    contentType: 'text/csv; charset=utf-8',
    chunks: csvDocument(header, rows),
  })
}
