import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { nysiis } from './phonetic.ts'

// The NYSIIS codes of the Python library jellyfish's test data (testdata/nysiis.csv in
// jamesturk/jellyfish), upper-cased as normalise.ts gives names.
const JELLYFISH: readonly [string, string][] = [
  ['WORTHY', 'WARTY'],
  ['OGATA', 'OGAT'],
  ['MONTGOMERY', 'MANTGANARY'],
  ['COSTALES', 'CASTAL'],
  ['TU', 'T'],
  ['MARTINCEVIC', 'MARTANCAFAC'],
  ['CATHERINE', 'CATARAN'],
  ['KATHERINE', 'CATARAN'],
  ['KATERINA', 'CATARAN'],
  ['JOHNATHAN', 'JANATAN'],
  ['JONATHAN', 'JANATAN'],
  ['JOHN', 'JAN'],
  ['TERESA', 'TARAS'],
  ['THERESA', 'TARAS'],
  ['JESSICA', 'JASAC'],
  ['JOSHUA', 'JAS'],
  ['BOSCH', 'BAS'],
  ['LAPHER', 'LAFAR'],
  ['WIYH', 'WY'],
  ['MACARTHUR', 'MCARTAR'],
  ['PHEENARD', 'FANAD'],
  ['SCHMITTIE', 'SNATY'],
  ['KNAQZE', 'NAGS'],
  ['KNOKNO', 'NAN'],
  ['KNOKO', 'NAC'],
  ['MACAW', 'MC'],
  ['', ''],
  ['T', 'T'],
  ['S', 'S'],
  ['P', 'P'],
  ['K', 'C'],
  ['M', 'M'],
  ['E', 'E'],
  ['PFEISTER', 'FASTAR'],
  ['SARAH', 'SAR'],
]

for (const [name, code] of JELLYFISH) {
  test(`NYSIIS of ${name || "''"} is ${code || "''"}, as jellyfish gives`, () => {
    assert.equal(nysiis(name), code)
  })
}

test('NYSIIS gives a code of capital letters for any upper-case name, never failing', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Z]{1,20}$/), (name) => {
      assert.match(nysiis(name), /^[A-Z]+$/)
    }),
  )
})
