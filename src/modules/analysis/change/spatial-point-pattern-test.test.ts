import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import {
  P_VALUE_ADJUSTMENTS,
  R_P_ADJUST_METHOD,
  type PValueAdjustment,
} from '../statistics/p-value-adjustment.ts'
import { Xoshiro128StarStar } from '../statistics/random.ts'
import {
  proportionDifferenceTest,
  roundHalfToEven,
  spatialPointPatternTest,
  type DifferenceTest,
} from './spatial-point-pattern-test.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/analysis')

interface ReferenceFixture {
  input: { areas: string[]; baseCounts: number[]; testCounts: number[] }
  proportionDifference: {
    call: string
    test: string
    adjustment: string
    confidence: number
    pValue: (number | null)[]
    pAdjusted: (number | null)[]
    sIndex: number[]
    globalS: number
    robustGlobalS: number
  }[]
  classic: {
    samples: number
    samplePercent: number
    confidence: number
    sampleSize: number
    basePercent: number[]
    testPercent: number[]
    lower: number[]
    upper: number[]
    limitLower: number[]
    limitUpper: number[]
    lowerDistribution: { belowBound: number[]; atBound: number[] }
    upperDistribution: { belowBound: number[]; atBound: number[] }
    sIndex: number[]
    globalS: number
    robustGlobalS: number
  }
}

const load = (name: string): ReferenceFixture =>
  JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as ReferenceFixture

// sppt_diff's names for its tests and R p.adjust's for the adjustments.
const TEST_NAMES: Record<string, DifferenceTest> = {
  Chi2_Nmin1: 'chi-square-n-minus-1',
  Chi2: 'chi-square',
  Yates: 'yates',
  Fisher: 'fisher',
}
const adjustmentNamedInR = (name: string): PValueAdjustment =>
  P_VALUE_ADJUSTMENTS.find((adjustment) => R_P_ADJUST_METHOD[adjustment] === name)!

const FIXTURE_NAMES = ['sppt-city-of-london-h3', 'sppt-small-with-empty-areas']
const robustAreas = (fixture: ReferenceFixture) =>
  fixture.input.baseCounts.filter((count, area) => count + fixture.input.testCounts[area]! > 0).length
const counts = (fixture: ReferenceFixture) => ({
  base: Float64Array.from(fixture.input.baseCounts),
  test: Float64Array.from(fixture.input.testCounts),
})

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  )
}

describe('the proportion difference test equals R sppt_diff', () => {
  for (const name of FIXTURE_NAMES) {
    const fixture = load(name)
    const { base, test: testCounts } = counts(fixture)
    for (const reference of fixture.proportionDifference) {
      test(`${name}: ${reference.call}`, () => {
        const result = proportionDifferenceTest(base, testCounts, {
          test: TEST_NAMES[reference.test]!,
          adjustment: adjustmentNamedInR(reference.adjustment),
          confidence: reference.confidence,
        })
        reference.pValue.forEach((expected, area) => {
          if (expected === null)
            assert.ok(Number.isNaN(result.pValue[area]), `area ${area + 1}: R has no p-value`)
          else assertClose(result.pValue[area]!, expected, 1e-12, `p-value of area ${area + 1}`)
          const adjusted = reference.pAdjusted[area]!
          if (adjusted === null) assert.ok(Number.isNaN(result.pAdjusted[area]))
          else assertClose(result.pAdjusted[area]!, adjusted, 1e-12, `adjusted p-value of area ${area + 1}`)
        })
        assert.deepEqual(Array.from(result.sIndex), reference.sIndex)
        assertClose(result.globalS, reference.globalS, 1e-12, 'global S')
        assertClose(result.robustGlobalS, reference.robustGlobalS, 1e-12, 'robust global S')
      })
    }
  }
})

describe('the classic test agrees with R sppt over 10,000 samples', () => {
  for (const name of FIXTURE_NAMES) {
    const fixture = load(name)
    const { base, test: testCounts } = counts(fixture)
    const reference = fixture.classic
    const result = spatialPointPatternTest(base, testCounts, {
      samples: reference.samples,
      samplePercent: reference.samplePercent,
      confidence: reference.confidence,
      random: new Xoshiro128StarStar(2024),
    })
    const onePoint = 100 / reference.sampleSize

    test(`${name}: the same sample size and base and test percentages`, () => {
      assert.equal(result.sampleSize, reference.sampleSize)
      reference.basePercent.forEach((expected, area) =>
        assertClose(result.basePercent[area]!, expected, 1e-12, 'base %'),
      )
      reference.testPercent.forEach((expected, area) =>
        assertClose(result.testPercent[area]!, expected, 1e-12, 'test %'),
      )
    })

    // Both R's bounds and ours are Monte Carlo order statistics of the hypergeometric distribution of
    // an area's count in a sample. They may miss its 2.5th or 97.5th percentile (R qhyper) by one
    // point, and only where that distribution (R phyper) passes the percentile within five standard
    // errors of the empirical one, sqrt(p(1 − p) / samples), of a count.
    const near = (probability: number, percentile: number) =>
      Math.abs(probability - percentile) < 5 * Math.sqrt((percentile * (1 - percentile)) / reference.samples)
    const checkBound = (
      ours: number,
      limit: number,
      below: number,
      at: number,
      percentile: number,
      what: string,
    ) => {
      if (Math.abs(ours - limit) < 1e-9) return
      if (ours < limit) assertClose(ours, limit - onePoint, 1e-9, what)
      else assertClose(ours, limit + onePoint, 1e-9, what)
      assert.ok(
        near(ours < limit ? below : at, percentile),
        `${what}: ${ours} misses ${limit} where it should not`,
      )
    }

    test(`${name}: interval bounds settle on the hypergeometric quantiles (R qhyper, phyper)`, () => {
      reference.limitLower.forEach((limit, area) => {
        const { belowBound, atBound } = reference.lowerDistribution
        checkBound(
          result.lower[area]!,
          limit,
          belowBound[area]!,
          atBound[area]!,
          0.025,
          `lower bound of area ${area + 1}`,
        )
      })
      reference.limitUpper.forEach((limit, area) => {
        const { belowBound, atBound } = reference.upperDistribution
        checkBound(
          result.upper[area]!,
          limit,
          belowBound[area]!,
          atBound[area]!,
          0.975,
          `upper bound of area ${area + 1}`,
        )
      })
    })

    test(`${name}: interval bounds are R's, or one point away where the percentile is on the edge`, () => {
      reference.lower.forEach((expected, area) => {
        const { belowBound, atBound } = reference.lowerDistribution
        const edge = near(belowBound[area]!, 0.025) || near(atBound[area]!, 0.025)
        if (!edge) assertClose(result.lower[area]!, expected, 1e-9, `lower bound of area ${area + 1}`)
        else assertClose(result.lower[area]!, expected, onePoint + 1e-9, `lower bound of area ${area + 1}`)
      })
      reference.upper.forEach((expected, area) => {
        const { belowBound, atBound } = reference.upperDistribution
        const edge = near(belowBound[area]!, 0.975) || near(atBound[area]!, 0.975)
        if (!edge) assertClose(result.upper[area]!, expected, 1e-9, `upper bound of area ${area + 1}`)
        else assertClose(result.upper[area]!, expected, onePoint + 1e-9, `upper bound of area ${area + 1}`)
      })
    })

    test(`${name}: every area's result and the S index are R's, but where a bound on such an edge meets the base share`, () => {
      // Moving a bound by one point changes an area's result only when the base share lies within a point of it.
      const { lowerDistribution: lower, upperDistribution: upper, basePercent } = reference
      const mayDiffer = basePercent.map((share, area) => {
        const lowerEdge = near(lower.belowBound[area]!, 0.025) || near(lower.atBound[area]!, 0.025)
        const upperEdge = near(upper.belowBound[area]!, 0.975) || near(upper.atBound[area]!, 0.975)
        return (
          (lowerEdge && Math.abs(share - reference.limitLower[area]!) <= onePoint + 1e-9) ||
          (upperEdge && Math.abs(share - reference.limitUpper[area]!) <= onePoint + 1e-9)
        )
      })
      reference.sIndex.forEach((expected, area) => {
        if (!mayDiffer[area]) assert.equal(result.sIndex[area], expected, `area ${area + 1}`)
      })
      const flippable = mayDiffer.filter(Boolean).length
      assertClose(result.globalS, reference.globalS, flippable / reference.sIndex.length + 1e-12, 'global S')
      assertClose(
        result.robustGlobalS,
        reference.robustGlobalS,
        flippable / robustAreas(fixture) + 1e-12,
        'robust S',
      )
    })
  }
})

describe('the classic test', () => {
  const base = Float64Array.from([3, 10, 0, 25, 7, 0])
  const testCounts = Float64Array.from([5, 4, 2, 30, 9, 0])
  const options = { samples: 200, samplePercent: 85, confidence: 95 }

  test('gives the same result for the same seed', () => {
    const first = spatialPointPatternTest(base, testCounts, { ...options, random: new Xoshiro128StarStar(7) })
    const second = spatialPointPatternTest(base, testCounts, {
      ...options,
      random: new Xoshiro128StarStar(7),
    })
    assert.deepEqual(second, first)
  })

  test('leaves areas empty in both patterns out of the robust S only', () => {
    const result = spatialPointPatternTest(base, testCounts, {
      ...options,
      random: new Xoshiro128StarStar(7),
    })
    assert.equal(result.sIndex[5], 0)
    const similar = Array.from(result.sIndex).filter((value) => value === 0).length
    assertClose(result.globalS, similar / 6, 1e-15, 'global S')
    assertClose(result.robustGlobalS, (similar - 1) / 5, 1e-15, 'robust S')
  })

  test('with 100% samples every interval is the test percentage itself', () => {
    const result = spatialPointPatternTest(base, testCounts, {
      ...options,
      samplePercent: 100,
      random: new Xoshiro128StarStar(1),
    })
    assert.deepEqual(result.lower, result.testPercent)
    assert.deepEqual(result.upper, result.testPercent)
  })

  test('intervals hold between 0 and 100 and the sign follows the base percentage', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 10, max: 100 }),
        fc.integer({ min: 0, max: 1000 }),
        (areas, samplePercent, seed) => {
          const baseCounts = Float64Array.from(areas, ([b]) => b)
          const testCounts = Float64Array.from(areas, ([, t]) => t)
          fc.pre(baseCounts.some((c) => c > 0) && testCounts.some((c) => c > 0))
          fc.pre(roundHalfToEven((samplePercent / 100) * testCounts.reduce((a, b) => a + b, 0)) >= 1)
          const result = spatialPointPatternTest(baseCounts, testCounts, {
            samples: 50,
            samplePercent,
            confidence: 95,
            random: new Xoshiro128StarStar(seed),
          })
          result.sIndex.forEach((value, area) => {
            const lower = result.lower[area]!
            const upper = result.upper[area]!
            assert.ok(lower >= 0 && lower <= upper && upper <= 100)
            const basePercent = result.basePercent[area]!
            assert.equal(value, basePercent < lower ? -1 : basePercent > upper ? 1 : 0)
          })
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('the proportion difference test', () => {
  test('does not depend on which pattern is the base, except for the sign', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40), fc.nat(40)), { minLength: 2, maxLength: 15 }),
        fc.constantFrom<DifferenceTest>('chi-square-n-minus-1', 'chi-square', 'yates', 'fisher'),
        (areas, differenceTest) => {
          const first = Float64Array.from(areas, ([b]) => b)
          const second = Float64Array.from(areas, ([, t]) => t)
          fc.pre(first.some((c) => c > 0) && second.some((c) => c > 0))
          const options = { test: differenceTest, adjustment: 'holm' as const, confidence: 95 }
          const forward = proportionDifferenceTest(first, second, options)
          const backward = proportionDifferenceTest(second, first, options)
          forward.pValue.forEach((p, area) => {
            const other = backward.pValue[area]!
            if (Number.isNaN(p)) assert.ok(Number.isNaN(other))
            else assertClose(other, p, 1e-12 * Math.max(p, 1e-300) + 1e-15, `area ${area + 1}`)
            assert.ok(Number.isNaN(p) || (p >= 0 && p <= 1 && forward.pAdjusted[area]! >= p))
          })
          assert.equal(forward.globalS, backward.globalS)
        },
      ),
      { numRuns: 200 },
    )
  })

  test('gives each area the same result whatever the order of the areas', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40), fc.nat(40)), { minLength: 2, maxLength: 15 }).chain((areas) =>
          fc.tuple(
            fc.constant(areas),
            fc.shuffledSubarray(
              areas.map((_, i) => i),
              { minLength: areas.length },
            ),
          ),
        ),
        ([areas, order]) => {
          fc.pre(areas.some(([b]) => b > 0) && areas.some(([, t]) => t > 0))
          const options = {
            test: 'fisher' as const,
            adjustment: 'benjamini-yekutieli' as const,
            confidence: 95,
          }
          const result = proportionDifferenceTest(
            Float64Array.from(areas, ([b]) => b),
            Float64Array.from(areas, ([, t]) => t),
            options,
          )
          const shuffled = proportionDifferenceTest(
            Float64Array.from(order, (i) => areas[i]![0]),
            Float64Array.from(order, (i) => areas[i]![1]),
            options,
          )
          order.forEach((original, position) => {
            assert.equal(shuffled.pAdjusted[position], result.pAdjusted[original])
            assert.equal(shuffled.sIndex[position], result.sIndex[original])
          })
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('bad input gets a clear answer', () => {
  const base = Float64Array.from([1, 2, 3])
  const testCounts = Float64Array.from([3, 2, 1])
  const classic = { samples: 100, samplePercent: 85, confidence: 95, random: new Xoshiro128StarStar(1) }
  const difference = { test: 'fisher' as const, adjustment: 'none' as const, confidence: 95 }

  const refusedFor = (field: string, run: () => unknown) =>
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof DomainError, String(error))
      assert.equal(error.code, 'invalid')
      assert.ok(error.fields[field], `expected a problem with ${field}, got ${JSON.stringify(error.fields)}`)
      return true
    })

  test('counts of different lengths, negative or fractional counts, an empty pattern', () => {
    refusedFor('testCounts', () => proportionDifferenceTest(base, Float64Array.from([1, 2]), difference))
    refusedFor('baseCounts', () =>
      proportionDifferenceTest(Float64Array.from([1, -1, 3]), testCounts, difference),
    )
    refusedFor('testCounts', () => spatialPointPatternTest(base, Float64Array.from([1, 0.5, 3]), classic))
    refusedFor('testCounts', () => spatialPointPatternTest(base, new Float64Array(3), classic))
  })

  test('options outside their range', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.1, max: 1e6, noInteger: true })),
        fc.oneof(fc.double({ max: 0 }), fc.double({ min: 100.001, max: 1e9 }), fc.constant(Number.NaN)),
        fc.oneof(fc.double({ max: 0 }), fc.double({ min: 100, max: 1e9 }), fc.constant(Number.NaN)),
        (samples, samplePercent, confidence) => {
          refusedFor('samples', () => spatialPointPatternTest(base, testCounts, { ...classic, samples }))
          refusedFor('samplePercent', () =>
            spatialPointPatternTest(base, testCounts, { ...classic, samplePercent }),
          )
          refusedFor('confidence', () =>
            spatialPointPatternTest(base, testCounts, { ...classic, confidence }),
          )
          refusedFor('confidence', () =>
            proportionDifferenceTest(base, testCounts, { ...difference, confidence }),
          )
        },
      ),
    )
  })

  test('a sample percentage that leaves no point to sample', () => {
    refusedFor('samplePercent', () =>
      spatialPointPatternTest(base, Float64Array.from([1, 0, 0]), { ...classic, samplePercent: 40 }),
    )
  })
})

test('sample sizes round halves to even, as R round() does', () => {
  // R: round(0.5) is 0, round(1.5) and round(2.5) are 2, round(-2.5) is -2 (IEC 60559).
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, -2.5, 2.4, 2.6].map(roundHalfToEven), [0, 2, 2, 4, -2, 2, 3])
})
