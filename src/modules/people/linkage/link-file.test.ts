import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import { LinkFileError, readLinkFile } from './link-file.ts'

const HEADER = 'source,record_id,first_name,last_name,date_of_birth,address,postcode,true_id'
let folder = ''
before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'link-file-'))
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function fileWith(name: string, text: string | Uint8Array): Promise<string> {
  const file = path.join(folder, name)
  await writeFile(file, text)
  return file
}

test('a good file gives its records and true identities numbered from 0', async () => {
  const file = await fileWith(
    'good.csv',
    `${HEADER}\npolice,1,John,Smith,1980-01-02,"1 High St, Leeds",LS1 1AA,A\nhealth,9,Jon,Smith,02/01/1980,,,A\nhealth,10,Ann,Lee,,,,B\n`,
  )
  const { records, trueIdentities } = await readLinkFile(file)
  assert.equal(records.length, 3)
  assert.equal(records[0]?.address, '1 High St, Leeds')
  assert.deepEqual([...trueIdentities], [0, 0, 1])
})

test('a header that is not exactly the expected one is refused, naming the expected columns', async () => {
  const file = await fileWith('header.csv', 'source,id,first,last\nx,1,a,b\n')
  await assert.rejects(readLinkFile(file), (error: Error) => {
    assert.ok(error instanceof LinkFileError)
    assert.match(error.message, /header must be exactly source,record_id,first_name/)
    return true
  })
})

test('bad rows are named by row and column, and why', async () => {
  const file = await fileWith(
    'bad.csv',
    `${HEADER}\npolice,1,John,Smith,1980-01-02,,,A\npolice,1,John,Smith,,,,A\n,2,Ann,Lee,,,,B\npolice,3,Ann\npolice,4,Al,Li,1980-13-45,,,C\n`,
  )
  await assert.rejects(readLinkFile(file), (error: Error) => {
    assert.ok(error instanceof LinkFileError)
    assert.match(error.message, /Row 6, column date_of_birth: '1980-13-45' is not a date/)
    assert.match(error.message, /Row 3, column record_id: '1' of source 'police' is already on row 2/)
    assert.match(error.message, /Row 4, column source: is empty/)
    assert.match(error.message, /Row 5: 3 values, expected 8/)
    return true
  })
})

test('a missing file and an unreadable CSV are refused with a message, not a crash', async () => {
  await assert.rejects(readLinkFile(path.join(folder, 'none.csv')), LinkFileError)
  const file = await fileWith('quote.csv', `${HEADER}\npolice,"1,John,Smith,,,,A\n`)
  await assert.rejects(readLinkFile(file), /not a readable CSV file/)
})

test('any bytes after a good header either read or are refused as a LinkFileError, never a crash', async () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', '1980-01-02', '31/12/1999', '"', '\r\n', ',,'),
  )
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(cell, { maxLength: 10 }), { maxLength: 8 }),
      fc.uint8Array({ maxLength: 40 }),
      async (rows, bytes) => {
        const text = `${HEADER}\n${rows.map((row) => row.join(',')).join('\n')}`
        const file = await fileWith('fuzz.csv', Buffer.concat([Buffer.from(text), Buffer.from(bytes)]))
        try {
          const { records, trueIdentities } = await readLinkFile(file)
          assert.equal(records.length, trueIdentities.length)
        } catch (error) {
          assert.ok(error instanceof LinkFileError, String(error))
        }
      },
    ),
    { numRuns: 150 },
  )
})

test('a byte-order mark, CRLF line ends and a quoted line break read as they should, rows counted by record', async () => {
  const file = await fileWith(
    'crlf.csv',
    `\uFEFF${HEADER}\r\npolice,1,John,Smith,1980-01-02,"1 High St\r\nLeeds",LS1 1AA,A\r\npolice,2,Ann,Lee,1980-13-45,,,B\r\n`,
  )
  await assert.rejects(readLinkFile(file), /Row 3, column date_of_birth: '1980-13-45' is not a date/)
  const good = await fileWith(
    'crlf-good.csv',
    `\uFEFF${HEADER}\r\npolice,1,John,Smith,1980-01-02,"1 High St\r\nLeeds",LS1 1AA,A\r\n`,
  )
  const { records } = await readLinkFile(good)
  assert.equal(records[0]?.address, '1 High St\r\nLeeds')
  assert.equal(records[0]?.source, 'police')
})
