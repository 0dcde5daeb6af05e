import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { attachmentHeader, csvCell, csvDocument, safeFileName, type CsvCell } from './csv-writer.ts'

async function exported(header: string[], rows: CsvCell[][]): Promise<Buffer> {
  let text = ''
  for await (const chunk of csvDocument(header, rows)) text += chunk
  return Buffer.from(text, 'utf8')
}

const parsed = (bytes: Buffer): string[][] =>
  parse(bytes, { bom: true, relax_column_count: false }) as string[][]

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\0']
const anyText = fc.string({ unit: 'binary', maxLength: 60 })
const textStartingWithTrigger = fc
  .tuple(fc.constantFrom(...TRIGGERS), anyText)
  .map(([first, rest]) => first + rest)

describe('the CSV writer (D4)', () => {
  test('any text cell parses back as itself, or with an apostrophe before it when it starts with = + - @ tab CR or NUL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(anyText, textStartingWithTrigger), { minLength: 1, maxLength: 5 }),
        async (cells) => {
          const header = [...cells.map((_, i) => `c${i}`), 'end']
          const [headerBack, row] = parsed(await exported(header, [[...cells, 'end']]))
          assert.deepEqual(headerBack, header)
          const expected = cells.map((s) => (TRIGGERS.some((t) => s.startsWith(t)) ? `'${s}` : s))
          assert.deepEqual(row, [...expected, 'end'])
        },
      ),
      { numRuns: 300 },
    )
  })

  test('a number is written as String(n), negative numbers included, never prefixed or quoted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer(), fc.double({ noNaN: false }), fc.constant(-0.5)), async (n) => {
        assert.equal(csvCell(n), String(n))
        const [, row] = parsed(await exported(['n', 'x'], [[n, 'x']]))
        assert.deepEqual(row, [String(n), 'x'])
      }),
      { numRuns: 300 },
    )
  })

  test('the document starts with a UTF-8 byte-order mark and ends lines with CRLF', async () => {
    const bytes = await exported(['name', 'count'], [['Café, "the" one', 3]])
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.equal(bytes.subarray(3).toString('utf8'), 'name,count\r\n"Café, ""the"" one",3\r\n')
  })

  test('a formula in text is neutralised while the same-looking number is not', () => {
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`)
    assert.equal(csvCell('-1'), "'-1")
    assert.equal(csvCell(-1), '-1')
    assert.equal(csvCell(null), '')
  })

  test('download names keep only safe characters and their extension', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.constantFrom('../../etc/passwd', 'CON', 'a\u202Etxt.exe', 'x\0y'),
        ),
        (name) => {
          const safe = safeFileName(name, 'csv')
          assert.match(safe, /^[A-Za-z0-9_][A-Za-z0-9._-]*\.csv$/)
          assert.ok(safe.length <= 100)
          assert.ok(!safe.includes('..'))
          assert.equal(attachmentHeader(safe), `attachment; filename="${safe}"; filename*=UTF-8''${safe}`)
        },
      ),
    )
  })
})
