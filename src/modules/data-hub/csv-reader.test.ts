import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse, type CsvError, type Options } from 'csv-parse/sync'
import fc from 'fast-check'
import { CsvDecoder, CsvTokenizer, type CsvRecord } from './csv-reader.ts'

interface Read {
  records: { fields: string[]; line: number }[]
  unreadable: { line: number; message: string }[]
}

/** Our reader, fed the bytes in the given chunks. */
function ours(chunks: Buffer[]): Read {
  const decoder = new CsvDecoder()
  const tokenizer = new CsvTokenizer()
  const records: CsvRecord[] = []
  for (const chunk of chunks) tokenizer.push(decoder.write(chunk), records)
  tokenizer.push(decoder.end(), records)
  const problem = tokenizer.end(records)
  return { records, unreadable: problem ? [problem] : [] }
}

/** csv-parse with the options the import pipeline used before it had its own reader. */
function reference(bytes: Buffer): Read {
  const unreadable: Read['unreadable'] = []
  // on_skip is in csv-parse's code but not in its types.
  const options: Options & { on_skip: (error: CsvError | undefined) => void } = {
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: ['\r\n', '\n'],
    info: true,
    on_skip: (error: CsvError | undefined) => {
      const lines = (error as (CsvError & { lines?: number }) | undefined)?.lines ?? 0
      unreadable.push({ line: lines, message: error?.message ?? '' })
    },
  }
  const parsed = parse(bytes, options) as unknown as { record: string[]; info: { lines: number } }[]
  return { records: parsed.map(({ record, info }) => ({ fields: record, line: info.lines })), unreadable }
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const point of points) {
    chunks.push(bytes.subarray(from, point))
    from = point
  }
  chunks.push(bytes.subarray(from))
  return chunks
}

const piece = fc.constantFrom(
  'a',
  'bc',
  ',',
  '"',
  '""',
  '\r',
  '\n',
  '\r\n',
  ' ',
  'é',
  '\u{1F600}',
  '\uFEFF',
  '\u0000',
  'On or near "High" Street',
)
const invalidBytes = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc3]))
const content = fc.array(
  fc.oneof({ weight: 9, arbitrary: piece.map((text) => Buffer.from(text)) }, invalidBytes),
  {
    maxLength: 60,
  },
)

describe('the CSV reader', () => {
  test('reads generated input exactly as csv-parse does, however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        content,
        fc.constantFrom(null, 'utf8'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (parts, bom, cuts) => {
          let bytes = Buffer.concat(parts)
          if (bom === 'utf8') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
          assert.deepEqual(ours(split(bytes, cuts)), reference(bytes))
        },
      ),
      { numRuns: 3000 },
    )
  })

  test('reads police.uk-shaped rows with quoted commas, line breaks and CRLF as csv-parse does', () => {
    const row = fc
      .array(
        fc.oneof(
          fc.constantFrom('', 'E01000917', '-0.110350', 'On or near Holborn'),
          fc.constantFrom(
            '"Investigation complete; no suspect identified"',
            '"a, b"',
            '"two\nlines"',
            '"say ""hi"""',
          ),
        ),
        { minLength: 1, maxLength: 12 },
      )
      .map((fields) => fields.join(','))
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }),
        fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (rows, newline, trailing, cuts) => {
          // Line ends vary row by row.
          const end = (i: number) => newline[i % newline.length]!
          const text = rows.map((row, i) => `${row}${end(i + 1)}`).join('')
          const bytes = Buffer.from(`Crime ID,Month${end(0)}${trailing ? text : text.slice(0, -1)}`)
          assert.deepEqual(ours(split(bytes, cuts)), reference(bytes))
        },
      ),
      { numRuns: 1000 },
    )
  })

  test('a UTF-16LE file with its byte-order mark reads as the same text in UTF-8', () => {
    const text = 'Crime ID,Location\r\n"a1","On or near ""Bank"", EC2"\r\n'
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    assert.deepEqual(ours(split(utf16, [3, 9])), reference(Buffer.from(text)))
  })

  test('a quote left open at the end makes the last record unreadable, naming its line', () => {
    const read = ours([Buffer.from('a,b\n1,"open\n\n')])
    assert.deepEqual(read.records, [{ fields: ['a', 'b'], line: 1 }])
    assert.deepEqual(read.unreadable, [
      { line: 3, message: 'Quote Not Closed: the parsing is finished with an opening quote at line 3' },
    ])
  })

  test('a record longer than a chunk, split one byte at a time, is read whole', () => {
    const long = `"${'x'.repeat(5000)},\n${'y'.repeat(5000)}"`
    const bytes = Buffer.from(`h\n${long}\nlast\n`)
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))
    assert.deepEqual(ours(chunks), reference(bytes))
  })
})
