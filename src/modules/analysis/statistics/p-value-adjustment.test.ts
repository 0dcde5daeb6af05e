import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  adjustPValues,
  benjaminiHochberg,
  P_VALUE_ADJUSTMENTS,
  R_P_ADJUST_METHOD,
} from './p-value-adjustment.ts'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url), 'utf8'),
  ) as T

const closeTo = (actual: Float64Array, expected: readonly (number | null)[]) => {
  assert.equal(actual.length, expected.length)
  expected.forEach((value, i) => {
    if (value === null) return assert.ok(Number.isNaN(actual[i]), `${i}: ${actual[i]} where R has NA`)
    assert.ok(Math.abs(actual[i]! - value) <= 1e-14 * Math.max(value, 1e-3), `${i}: ${actual[i]} vs ${value}`)
  })
}

describe('adjustPValues', () => {
  const { cases } = fixture<{
    cases: { name: string; p: (number | null)[]; adjusted: Record<string, (number | null)[]> }[]
  }>('p-value-adjustment.json')
  for (const { name, p, adjusted } of cases) {
    for (const adjustment of P_VALUE_ADJUSTMENTS) {
      const rName = R_P_ADJUST_METHOD[adjustment]
      test(`gives R p.adjust(p, '${rName}') on the ${name} p-values`, () => {
        closeTo(
          adjustPValues(
            Float64Array.from(p, (value) => value ?? Number.NaN),
            adjustment,
          ),
          adjusted[rName]!,
        )
      })
    }
  }

  test('adjusted p-values are at least p, at most 1, and keep the order of p, for every method', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 100 }),
        fc.constantFrom(...P_VALUE_ADJUSTMENTS),
        (values, adjustment) => {
          const p = Float64Array.from(values)
          const adjusted = adjustPValues(p, adjustment)
          for (let i = 0; i < p.length; i++) {
            assert.ok(adjusted[i]! >= p[i]! && adjusted[i]! <= 1)
            for (let j = 0; j < p.length; j++) if (p[i]! < p[j]!) assert.ok(adjusted[i]! <= adjusted[j]!)
          }
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('benjaminiHochberg', () => {
  test("gives R p.adjust(p, 'BH') for p-values with ties, zeros and ones", () => {
    const { fdr } = fixture<{ fdr: { p: number[]; pFdr: number[] } }>('gi-star-grid.json')
    closeTo(benjaminiHochberg(Float64Array.from(fdr.p)), fdr.pFdr)
  })

  test("gives R p.adjust(p, 'BH') for the Gi* p-values of the City of London H3 study areas", () => {
    const { studies } = fixture<{ studies: { p: number[]; pFdr: number[] }[] }>('gi-star-h3.json')
    for (const study of studies) closeTo(benjaminiHochberg(Float64Array.from(study.p)), study.pFdr)
  })

  test('by hand: 0.2 → min(3·0.2, 3/2·0.3) = 0.45, 0.3 → 3/2·0.3 = 0.45, the largest, 0.8, is left as it is', () => {
    closeTo(benjaminiHochberg(Float64Array.of(0.3, 0.8, 0.2)), [0.45, 0.8, 0.45])
    assert.equal(benjaminiHochberg(new Float64Array(0)).length, 0)
  })

  test('refuses values that are not probabilities', () => {
    assert.throws(
      () => benjaminiHochberg(Float64Array.of(0.1, Number.NaN)),
      /p-value 2 is NaN, not a probability from 0 to 1/,
    )
    assert.throws(() => benjaminiHochberg(Float64Array.of(1.5)), /p-value 1 is 1.5/)
    assert.throws(() => benjaminiHochberg(Float64Array.of(-0.1)), /p-value 1 is -0.1/)
  })
})
