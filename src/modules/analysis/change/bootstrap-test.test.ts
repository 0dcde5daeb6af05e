import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { BOOTSTRAP_MAXIMUM_VALUES, bootstrapPointPatternTest } from './bootstrap-test.ts'
import { Xoshiro128StarStar } from '../statistics/random.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/analysis')

interface BootstrapFixture {
  input: { baseCounts: number[]; testCounts: number[] }
  bootstrap: {
    call: string
    samples: number
    confidence: number
    lowerDifference: number[]
    upperDifference: number[]
    sIndex: number[]
    globalS: number
    robustGlobalS: number
    admissibleLower: number[][]
    admissibleUpper: number[][]
  }
}

const isAmong = (value: number, values: readonly number[]) => values.some((v) => Math.abs(v - value) < 1e-9)

describe('the bootstrap test agrees with R sppt_boot over 10,000 samples', () => {
  for (const name of ['sppt-city-of-london-h3', 'sppt-small-with-empty-areas']) {
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as BootstrapFixture
    const reference = fixture.bootstrap
    const base = Float64Array.from(fixture.input.baseCounts)
    const testCounts = Float64Array.from(fixture.input.testCounts)
    const result = bootstrapPointPatternTest(base, testCounts, {
      samples: reference.samples,
      confidence: reference.confidence,
      random: new Xoshiro128StarStar(2024),
    })

    test(`${name}: each bound is a value the exact distribution allows at its rank`, () => {
      // The admissible values (see sppt-reference.R): support points of the exact distribution of the
      // difference whose step passes the bound's rank within six standard errors.
      result.lowerDifference.forEach((value, area) => {
        assert.ok(
          isAmong(value, reference.admissibleLower[area]!),
          `lower bound ${value} of area ${area + 1}`,
        )
        assert.ok(
          isAmong(reference.lowerDifference[area]!, reference.admissibleLower[area]!),
          'R lower bound',
        )
      })
      result.upperDifference.forEach((value, area) => {
        assert.ok(
          isAmong(value, reference.admissibleUpper[area]!),
          `upper bound ${value} of area ${area + 1}`,
        )
        assert.ok(
          isAmong(reference.upperDifference[area]!, reference.admissibleUpper[area]!),
          'R upper bound',
        )
      })
    })

    test(`${name}: each area's result is R's unless the allowed bounds straddle zero`, () => {
      let undecided = 0
      reference.sIndex.forEach((expected, area) => {
        const lower = reference.admissibleLower[area]!
        const upper = reference.admissibleUpper[area]!
        const straddles =
          (lower.some((v) => v > 0) && lower.some((v) => v <= 0)) ||
          (upper.some((v) => v < 0) && upper.some((v) => v >= 0))
        if (straddles) undecided += 1
        else assert.equal(result.sIndex[area], expected || 0, `area ${area + 1}`) // R writes -0 for −1 × 0
      })
      assert.ok(Math.abs(result.globalS - reference.globalS) <= undecided / reference.sIndex.length + 1e-12)
    })
  }
})

describe('the bootstrap test', () => {
  const base = Float64Array.from([3, 10, 0, 25, 7, 0])
  const testCounts = Float64Array.from([5, 4, 2, 30, 9, 0])
  const options = { samples: 200, confidence: 95 }

  test('gives the same result for the same seed', () => {
    const first = bootstrapPointPatternTest(base, testCounts, {
      ...options,
      random: new Xoshiro128StarStar(5),
    })
    assert.deepEqual(
      bootstrapPointPatternTest(base, testCounts, { ...options, random: new Xoshiro128StarStar(5) }),
      first,
    )
  })

  test('an area empty in both patterns has a zero interval and is similar', () => {
    const result = bootstrapPointPatternTest(base, testCounts, {
      ...options,
      random: new Xoshiro128StarStar(5),
    })
    assert.equal(result.lowerDifference[5], 0)
    assert.equal(result.upperDifference[5], 0)
    assert.equal(result.sIndex[5], 0)
  })

  test('intervals are ordered and the result follows where they lie against zero', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), fc.nat(20)), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 1000 }),
        (areas, seed) => {
          const baseCounts = Float64Array.from(areas, ([b]) => b)
          const counts = Float64Array.from(areas, ([, t]) => t)
          fc.pre(baseCounts.some((c) => c > 0) && counts.some((c) => c > 0))
          const result = bootstrapPointPatternTest(baseCounts, counts, {
            samples: 40,
            confidence: 90,
            random: new Xoshiro128StarStar(seed),
          })
          result.sIndex.forEach((value, area) => {
            const lower = result.lowerDifference[area]!
            const upper = result.upperDifference[area]!
            assert.ok(lower <= upper && lower >= -100 && upper <= 100)
            assert.equal(value, lower > 0 ? -1 : upper < 0 ? 1 : 0)
          })
        },
      ),
      { numRuns: 100 },
    )
  })

  test('refuses more samples than its memory bound allows, naming samples', () => {
    const areas = new Float64Array(1000).fill(1)
    assert.throws(
      () =>
        bootstrapPointPatternTest(areas, areas, {
          samples: BOOTSTRAP_MAXIMUM_VALUES / 1000 + 1,
          confidence: 95,
          random: new Xoshiro128StarStar(1),
        }),
      (error: unknown) => error instanceof DomainError && /fewer samples/.test(error.fields.samples ?? ''),
    )
  })
})
