import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  DEFAULT_RFG_SCHEME,
  rfgSchemeProblems,
  rfgScore,
  type RfgOffence,
  type RfgScheme,
  type RfgScore,
} from './rfg.ts'

interface ReferenceCase {
  scheme: 'default' | 'variant'
  scoredOn: string
  offences: RfgOffence[]
  expected: RfgScore
}

const reference = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/triggers/rfg-reference.json', import.meta.url), 'utf8'),
) as { workedExample: ReferenceCase; cases: ReferenceCase[] }

const VARIANT: RfgScheme = {
  ...DEFAULT_RFG_SCHEME,
  frequencyPointsPerOffence: 1.5,
  frequencyCap: null,
  gravityCombination: 'highest',
}

test('the worked example of the README scores R5 + F6 + G8 = 19, as the R reference does', () => {
  const { offences, scoredOn, expected } = reference.workedExample
  assert.deepEqual(rfgScore(offences, scoredOn, DEFAULT_RFG_SCHEME), expected)
  assert.equal(expected.total, 19)
})

test('60 seeded offence histories score exactly as the independent R implementation', () => {
  assert.equal(reference.cases.length, 60)
  for (const [index, item] of reference.cases.entries()) {
    const scheme = item.scheme === 'variant' ? VARIANT : DEFAULT_RFG_SCHEME
    assert.deepEqual(rfgScore(item.offences, item.scoredOn, scheme), item.expected, `case ${index + 1}`)
  }
})

test('an offence of the day itself is in the first recency band; one a year back scores no recency', () => {
  const one = (date: string) =>
    rfgScore([{ incidentId: 1, date, categoryCode: 'robbery' }], '2024-06-30', DEFAULT_RFG_SCHEME)
  assert.equal(one('2024-06-30').recency, 5)
  assert.equal(one('2024-06-01').recency, 5)
  assert.equal(one('2024-05-31').recency, 4)
  assert.equal(one('2023-07-01').recency, 0)
})

test('more offences never lower the score, and the parts always add up to the total', () => {
  const offence = fc.record({
    incidentId: fc.integer({ min: 1, max: 30 }),
    date: fc
      .integer({ min: 0, max: 400 })
      .map((back) => new Date(Date.parse('2024-06-30') - back * 864e5).toISOString().slice(0, 10)),
    categoryCode: fc.constantFrom('robbery', 'shoplifting', 'drugs', 'nothing-known'),
  })
  fc.assert(
    fc.property(fc.array(offence, { maxLength: 25 }), offence, (offences, extra) => {
      const before = rfgScore(offences, '2024-06-30', DEFAULT_RFG_SCHEME)
      const after = rfgScore([...offences, extra], '2024-06-30', DEFAULT_RFG_SCHEME)
      assert.ok(after.total >= before.total)
      assert.equal(after.total, after.recency + after.frequency + after.gravity)
    }),
  )
})

test('a scheme with a band past the window, a gravity of 5 or an unknown field is refused with its path', () => {
  const problems = rfgSchemeProblems(
    {
      ...DEFAULT_RFG_SCHEME,
      recencyBands: [{ withinDays: 400, points: 1 }],
      gravityByCategory: { robbery: 5 },
      colour: 'red',
    },
    'score.scheme',
    365,
  )
  assert.deepEqual(problems.map((problem) => problem.path).sort(), [
    'score.scheme.colour',
    'score.scheme.gravityByCategory.robbery',
    'score.scheme.recencyBands[0].withinDays',
  ])
  assert.deepEqual(rfgSchemeProblems(DEFAULT_RFG_SCHEME, 'score.scheme', 365), [])
})
