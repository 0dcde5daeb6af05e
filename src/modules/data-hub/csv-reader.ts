import { StringDecoder } from 'node:string_decoder'

/**
 * The CSV reader of the import pipeline. It gives the same records, line numbers and errors as
 * csv-parse with the options the pipeline used (bom, relax_quotes, relax_column_count,
 * skip_empty_lines, skip_records_with_error, record delimiters CRLF and LF) — a property test
 * holds it to that — at about four times csv-parse's speed; csv-parse was the largest single cost in
 * this process of an import (docs/benchmarks.md).
 *
 * The rules, as csv-parse applies them:
 * - a record ends at CRLF or LF outside quotes, whichever each line has;
 * - a field that starts with a quote runs to a quote followed by a comma, the record delimiter or
 *   the end of the input, with "" standing for one quote; a quote followed by anything else ends
 *   the quoting but keeps both quotes, and the field goes on unquoted;
 * - a quote inside an unquoted field is an ordinary character, as is a lone CR;
 * - a record's line is the line of its last character: every CR or LF counts a line, and a CRLF
 *   record delimiter counts one;
 * - a line with no character is skipped; a quote still open at the end of the input makes the
 *   last record unreadable.
 * UTF-16LE files (with their byte-order mark) are read too, with lines counted as in UTF-8:
 * csv-parse counts them by bytes, which miscounts.
 */

export interface CsvRecord {
  fields: string[]
  /** The line of the record's last character, the first line being 1. */
  line: number
}

export interface CsvUnreadable {
  line: number
  message: string
}

const COMMA = 44
const QUOTE = 34
const CR = 13
const LF = 10
/** Lookahead needed to decide: the caller must push more text first. */
const MORE = -1
/** A record longer than this that is still incomplete is retried only when the text has doubled. */
const LONG_RECORD = 1 << 20

/** Splits decoded text into records. Push text in order, then call end(). */
export class CsvTokenizer {
  private text = ''
  /** The line the unread text starts on. */
  private lines = 1
  private retryAt = 0

  /** Adds text and appends the records it completes to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    this.text = this.text ? this.text + chunk : chunk
    if (this.text.length < this.retryAt) return
    this.read(false, out)
  }

  /** The input has ended: appends the last record, or returns why it cannot be read. */
  end(out: CsvRecord[]): CsvUnreadable | null {
    const problem = this.read(true, out)
    this.text = ''
    return problem
  }

  /** The length of the record delimiter at `at`, 0 when there is none, MORE when undecidable. */
  private delimiterAt(text: string, at: number, final: boolean): number {
    if (at >= text.length) return 0
    const code = text.charCodeAt(at)
    if (code === LF) return 1
    if (code !== CR) return 0
    if (at + 1 >= text.length) return final ? 0 : MORE
    return text.charCodeAt(at + 1) === LF ? 2 : 0
  }

  private read(final: boolean, out: CsvRecord[]): CsvUnreadable | null {
    const text = this.text
    const length = text.length
    let start = 0
    let lines = this.lines
    records: while (start < length) {
      const fields: string[] = []
      let lineCount = lines
      let at = start
      for (;;) {
        // One field, from `at`.
        let prefix = ''
        if (at < length && text.charCodeAt(at) === QUOTE) {
          let closed = false
          let piece = at + 1
          let index = piece
          for (;;) {
            if (index >= length) {
              if (!final) break records
              return this.unclosed(text, lineCount)
            }
            const code = text.charCodeAt(index)
            if (code === QUOTE) {
              if (index + 1 >= length && !final) break records
              const next = index + 1 < length ? text.charCodeAt(index + 1) : -1
              if (next === QUOTE) {
                prefix += text.slice(piece, index + 1)
                index += 2
                piece = index
                continue
              }
              if (next === 0) {
                // csv-parse takes a NUL after a quote for the end of its input: the quoting ends
                // and the field goes on unquoted.
                prefix += text.slice(piece, index)
                at = index + 1
                break
              }
              const ends = next === -1 || next === COMMA ? 1 : this.delimiterAt(text, index + 1, final)
              if (ends === MORE) break records
              if (ends > 0) {
                prefix += text.slice(piece, index)
                at = index + 1
                closed = true
                break
              }
              // A stray closing quote: both quotes stay and the field goes on unquoted.
              prefix = `"${prefix}${text.slice(piece, index + 1)}`
              at = index + 1
              break
            }
            if (code === CR || code === LF) lineCount++
            index++
          }
          if (closed) {
            // Closed: what follows is a comma, the record delimiter or the end.
            fields.push(prefix)
            if (at < length && text.charCodeAt(at) === COMMA) {
              at++
              continue
            }
            if (at >= length) {
              out.push({ fields, line: lineCount - this.trailingBreak(text) })
              start = length
              lines = lineCount
              break records
            }
            out.push({ fields, line: lineCount })
            start = at + this.delimiterAt(text, at, final)
            lines = lineCount + 1
            continue records
          }
        }
        // Unquoted, or the rest of a field whose quotes were stray.
        let index = at
        for (;;) {
          if (index >= length) {
            if (!final) break records
            if (fields.length || prefix || index > at) {
              fields.push(prefix + text.slice(at, index))
              out.push({ fields, line: lineCount - this.trailingBreak(text) })
            }
            start = length
            lines = lineCount
            break records
          }
          const code = text.charCodeAt(index)
          if (code === COMMA) {
            fields.push(prefix + text.slice(at, index))
            at = index + 1
            break
          }
          if (code === CR || code === LF) {
            const delimiter = this.delimiterAt(text, index, final)
            if (delimiter === MORE) break records
            if (delimiter > 0) {
              const empty = fields.length === 0 && prefix === '' && index === at
              if (!empty) {
                fields.push(prefix + text.slice(at, index))
                out.push({ fields, line: lineCount })
              }
              start = index + delimiter
              lines = lineCount + 1
              continue records
            }
            lineCount++
          }
          index++
        }
      }
    }
    this.text = start >= length ? '' : text.slice(start)
    this.lines = lines
    this.retryAt = this.text.length > LONG_RECORD ? this.text.length * 2 : 0
    return null
  }

  /** csv-parse counts a line break's line only when a character follows it. */
  private trailingBreak(text: string): number {
    const last = text.charCodeAt(text.length - 1)
    return last === CR || last === LF ? 1 : 0
  }

  private unclosed(text: string, lineCount: number): CsvUnreadable {
    const line = lineCount - this.trailingBreak(text)
    return {
      line,
      message: `Quote Not Closed: the parsing is finished with an opening quote at line ${line}`,
    }
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]
const UTF16LE_BOM = [0xff, 0xfe]

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte)
}

/**
 * Decodes a byte stream as csv-parse does with `bom: true`: UTF-8, or UTF-16LE after its
 * byte-order mark; the mark is dropped, and invalid bytes become U+FFFD.
 */
export class CsvDecoder {
  private decoder: StringDecoder | null = null
  private head: Buffer | null = null

  write(chunk: Buffer): string {
    if (this.decoder) return this.decoder.write(chunk)
    const bytes = this.head ? Buffer.concat([this.head, chunk]) : chunk
    if (bytes.length < 3) {
      this.head = bytes
      return ''
    }
    return this.start(bytes)
  }

  end(): string {
    if (this.decoder) return this.decoder.end()
    // Like csv-parse, look for a byte-order mark only in an input of three bytes or more.
    return (this.head ?? Buffer.alloc(0)).toString('utf8')
  }

  private start(bytes: Buffer): string {
    this.head = null
    if (startsWith(bytes, UTF8_BOM)) {
      this.decoder = new StringDecoder('utf8')
      return this.decoder.write(bytes.subarray(UTF8_BOM.length))
    }
    if (startsWith(bytes, UTF16LE_BOM)) {
      this.decoder = new StringDecoder('utf16le')
      return this.decoder.write(bytes.subarray(UTF16LE_BOM.length))
    }
    this.decoder = new StringDecoder('utf8')
    return this.decoder.write(bytes)
  }
}
