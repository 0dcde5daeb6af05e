import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { jaroWinkler } from './jaro-winkler.ts'

// Winkler's published examples (Winkler 1990, Table 5, as also used by the Python library
// jellyfish's test data, testdata/jaro_winkler.csv: jamesturk/jellyfish), three decimals.
const PUBLISHED: readonly [string, string, number][] = [
  ['MARTHA', 'MARHTA', 0.961],
  ['DWAYNE', 'DUANE', 0.84],
  ['DIXON', 'DICKSONX', 0.813],
  ['William', 'Williams', 0.975],
  ['', 'foo', 0],
  ['a', 'a', 1],
  ['abc', 'xyz', 0],
]

for (const [a, b, expected] of PUBLISHED) {
  test(`Jaro-Winkler of ${a || "''"} and ${b} is ${expected}, as published`, () => {
    assert.equal(Math.round(jaroWinkler(a, b) * 1000) / 1000, expected)
  })
}

test('Jaro-Winkler is symmetric, between 0 and 1, and 1 for a string with itself', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
      const forward = jaroWinkler(a, b)
      assert.ok(Math.abs(forward - jaroWinkler(b, a)) < 1e-12)
      assert.ok(forward >= 0 && forward <= 1 + 1e-12)
      assert.equal(jaroWinkler(a, a), 1)
    }),
  )
})
