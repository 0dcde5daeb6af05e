import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { cleanFileName, hasCsvExtension } from './file-name.ts'

const hostile = fc.array(
  fc.oneof(
    fc.constantFrom(
      '../',
      '..\\',
      '/',
      '\u0000',
      '\u202e',
      '\u2066',
      '\r\n',
      'CON',
      '😀',
      '.',
      'a'.repeat(300),
    ),
    fc.string(),
  ),
  { maxLength: 8 },
)

test('a cleaned name has no path, no control or bidirectional characters, and at most 200 characters', () => {
  fc.assert(
    fc.property(hostile, (pieces) => {
      const name = cleanFileName(pieces.join(''))
      assert.doesNotMatch(name, /[/\\\p{Cc}\u202a-\u202e\u2066-\u2069]/u)
      assert.ok([...name].length <= 200, name)
      assert.ok(name.length > 0 && !name.startsWith('.'))
      assert.equal(cleanFileName(name), name, 'cleaning twice changes nothing')
    }),
  )
})

test('a long name keeps its extension', () => {
  const name = cleanFileName(`${'x'.repeat(300)}.csv`)
  assert.ok(hasCsvExtension(name))
  assert.equal([...name].length, 200)
})

test('the reversed-text trick does not make an executable look like a CSV file', () => {
  assert.equal(cleanFileName('invoice\u202Evsc.exe'), 'invoicevsc.exe')
  assert.equal(hasCsvExtension(cleanFileName('invoice\u202Evsc.exe')), false)
})

test('a path is reduced to its last segment', () => {
  assert.equal(cleanFileName('../../etc/passwd'), 'passwd')
  assert.equal(cleanFileName('C:\\Users\\ada\\april.csv'), 'april.csv')
  assert.equal(cleanFileName('../'), 'upload.csv')
})
