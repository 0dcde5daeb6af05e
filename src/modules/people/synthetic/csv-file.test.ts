import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { csvField, PERSON_RECORDS_HEADER, writePersonRecordsFile } from './csv-file.ts'
import { SOURCES } from './person-records.ts'
import { UK_POSTCODE } from './west-midlands-places.ts'

const WEST_MIDLANDS_AREAS = new Set(['B', 'CV', 'WS', 'WV', 'DY'])

const isCalendarDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)

describe('person records CSV', () => {
  test('is valid CSV with the evaluate header and well-formed fields in every row', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'person-records-'))
    try {
      const file = path.join(folder, 'records.csv')
      assert.equal(await writePersonRecordsFile({ records: 20_000, seed: 3 }, file), 20_000)
      const rows = parse(await readFile(file), { columns: false, relax_column_count: false }) as string[][]
      assert.deepEqual(rows[0], [...PERSON_RECORDS_HEADER])
      assert.equal(rows.length, 20_001)
      const prefixes = new Map<string, string>(Object.entries(SOURCES))
      for (const [index, row] of rows.slice(1).entries()) {
        const where = `row ${index + 2}`
        const [source, recordId, firstName, lastName, dateOfBirth, address, postcode, trueId] = row as [
          string,
          string,
          string,
          string,
          string,
          string,
          string,
          string,
        ]
        assert.ok(prefixes.has(source), `${where}: source ${source}`)
        assert.match(recordId, new RegExp(`^${prefixes.get(source)}\\d{8}$`), where)
        assert.match(firstName, /^[A-Za-z][A-Za-z' -]*$/, `${where}: first name`)
        assert.match(lastName, /^[A-Za-z][A-Za-z' -]*$/, `${where}: last name`)
        assert.ok(dateOfBirth === '' || isCalendarDate(dateOfBirth), `${where}: date of birth ${dateOfBirth}`)
        assert.ok(
          dateOfBirth === '' || (dateOfBirth.slice(0, 4) >= '1930' && dateOfBirth.slice(0, 4) <= '2026'),
          `${where}: ${dateOfBirth}`,
        )
        assert.ok(postcode === '' || UK_POSTCODE.test(postcode), `${where}: postcode ${postcode}`)
        if (postcode !== '')
          assert.ok(WEST_MIDLANDS_AREAS.has(postcode.match(/^[A-Z]+/)![0]), `${where}: ${postcode}`)
        assert.ok(address !== '' || postcode === '', `${where}: a postcode without an address`)
        assert.match(trueId, /^P\d{7}$/, where)
      }
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })

  test('any text survives a CSV field and csv-parse unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (fields) => {
        // A lone empty field is an empty line, which a CSV reader skips: keep a second column.
        const line = [...fields, 'end'].map(csvField).join(',')
        assert.deepEqual(parse(line, { relax_quotes: false }), [[...fields, 'end']])
      }),
    )
  })

  test('a file that cannot be written is an error, not a crash', async () => {
    await assert.rejects(
      writePersonRecordsFile({ records: 10, seed: 1 }, path.join(os.tmpdir(), 'no-such-folder-h6', 'x.csv')),
      /ENOENT/,
    )
  })
})
