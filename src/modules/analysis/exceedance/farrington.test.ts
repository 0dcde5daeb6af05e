import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { farringtonFlexible, type FarringtonOptions } from './farrington.ts'

interface ReferenceCase {
  name: string
  call: string
  frequency: number
  observed: number[]
  options: Omit<FarringtonOptions, 'frequency' | 'limit54' | 'pastWeeksNotIncluded'> & {
    limit54: [number, number]
    pastWeeksNotIncluded: number | null
  }
  range: { from: number; to: number }
  upperbound: (number | null)[]
  expected: (number | null)[]
  alarm: (boolean | null)[]
  score: (number | null)[]
  pvalue: (number | null)[]
  phi: (number | null)[]
  trend: number[]
  trendCoefficient: (number | null)[]
}

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/analysis/farrington-reference.json', import.meta.url),
    'utf8',
  ),
) as { source: string; cases: ReferenceCase[] }

const runCase = (reference: ReferenceCase) =>
  farringtonFlexible(
    Float64Array.from(reference.observed),
    {
      ...reference.options,
      frequency: reference.frequency,
      pastWeeksNotIncluded: reference.options.pastWeeksNotIncluded ?? undefined,
    },
    // The reference range is 1-based, ours 0-based.
    { from: reference.range.from - 1, to: reference.range.to - 1 },
  )

/** Largest relative difference (absolute below `floor`), treating R's NA (null) as our NaN. */
function largestRelativeDifference(ours: Float64Array, theirs: (number | null)[], floor = 1e-12): number {
  assert.equal(ours.length, theirs.length)
  let largest = 0
  theirs.forEach((value, i) => {
    if (value === null) {
      assert.ok(Number.isNaN(ours[i]), `period ${i}: expected NA, got ${ours[i]}`)
      return
    }
    largest = Math.max(largest, Math.abs(ours[i]! - value) / Math.max(Math.abs(value), floor))
  })
  return largest
}

for (const reference of fixture.cases) {
  test(`${reference.name}: upper bounds and expected counts equal farringtonFlexible's to 1e-9 relative`, () => {
    const result = runCase(reference)
    assert.ok(largestRelativeDifference(result.upperBound, reference.upperbound) < 1e-9)
    assert.ok(largestRelativeDifference(result.expected, reference.expected) < 1e-9)
    assert.ok(largestRelativeDifference(result.dispersion, reference.phi) < 1e-9)
  })

  test(`${reference.name}: alarms and kept trends are exactly farringtonFlexible's`, () => {
    const result = runCase(reference)
    assert.deepEqual(
      Array.from(result.alarm, (alarm) => alarm === 1),
      reference.alarm,
    )
    assert.deepEqual(Array.from(result.trendUsed), reference.trend)
    assert.ok(largestRelativeDifference(result.trendCoefficient, reference.trendCoefficient) < 1e-8)
  })

  test(`${reference.name}: scores and p-values follow farringtonFlexible's`, () => {
    const result = runCase(reference)
    // A score is 0 when observed = expected: compared absolutely below 1.
    assert.ok(largestRelativeDifference(result.score, reference.score, 1) < 1e-8)
    assert.ok(largestRelativeDifference(result.pValue, reference.pvalue) < 1e-7)
  })
}

test('the fixtures cover alarms, kept trends, too-few-case periods and every threshold method', () => {
  const alarms = fixture.cases.reduce((sum, c) => sum + c.alarm.filter(Boolean).length, 0)
  const trends = fixture.cases.reduce((sum, c) => sum + c.trend.filter((t) => t === 1).length, 0)
  const withoutBound = fixture.cases.reduce(
    (sum, c) => sum + c.upperbound.filter((u) => u === null).length,
    0,
  )
  assert.ok(alarms > 20 && trends > 100 && withoutBound > 5)
  const methods = new Set(fixture.cases.map((c) => c.options.thresholdMethod))
  assert.deepEqual([...methods].sort(), ['delta', 'muan', 'nbPlugin'])
})

test('a count far above a flat history raises an alarm and a normal count does not', () => {
  const counts = new Float64Array(12 * 6).fill(20)
  for (let i = 0; i < counts.length; i++) counts[i] = 20 + (i % 3) // a little noise so φ is estimable
  counts[counts.length - 1] = 60
  const result = farringtonFlexible(counts, { frequency: 12, b: 5, w: 1 }, { from: 70, to: 71 })
  assert.deepEqual(Array.from(result.alarm), [0, 1])
  assert.ok(result.upperBound[1]! > 21 && result.upperBound[1]! < 60)
})

test('a range that starts before b years and w periods of history is refused, naming what is needed', () => {
  const counts = new Float64Array(80).fill(3)
  assert.throws(
    () => farringtonFlexible(counts, { frequency: 12, b: 5, w: 3 }, { from: 60, to: 79 }),
    (error: unknown) =>
      error instanceof DomainError &&
      error.fields.range !== undefined &&
      /63 periods of history/.test(error.message),
  )
})

test('options out of bounds are refused with a message naming the option', () => {
  const counts = new Float64Array(200).fill(3)
  const badOption = fc.oneof(
    fc.record({
      field: fc.constant('alpha'),
      value: fc.oneof(fc.double({ min: 0.5, max: 10 }), fc.constant(0)),
    }),
    fc.record({
      field: fc.constant('b'),
      value: fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constant(1.5)),
    }),
    fc.record({
      field: fc.constant('w'),
      value: fc.oneof(fc.integer({ min: -5, max: -1 }), fc.integer({ min: 6, max: 40 })),
    }),
    fc.record({
      field: fc.constant('noPeriods'),
      value: fc.oneof(fc.constant(0), fc.integer({ min: 12, max: 30 })),
    }),
    fc.record({ field: fc.constant('pastWeeksNotIncluded'), value: fc.integer({ min: -9, max: -1 }) }),
  )
  fc.assert(
    fc.property(badOption, ({ field, value }) => {
      assert.throws(
        () => farringtonFlexible(counts, { frequency: 12, w: 1, [field]: value }),
        (error: unknown) => error instanceof DomainError && error.fields[field] !== undefined,
      )
    }),
    { numRuns: 60 },
  )
})

test('negative or missing counts are refused', () => {
  const counts = new Float64Array(80).fill(3)
  counts[10] = -1
  assert.throws(() => farringtonFlexible(counts, { frequency: 12, b: 5, w: 1 }), DomainError)
  counts[10] = Number.NaN
  assert.throws(() => farringtonFlexible(counts, { frequency: 12, b: 5, w: 1 }), DomainError)
})

test('a series of zeros gives no alarm and no bound (too few cases)', () => {
  const result = farringtonFlexible(new Float64Array(70), { frequency: 12, b: 5, w: 1 })
  assert.ok(result.alarm.every((alarm) => alarm === 0))
  assert.ok(result.upperBound.every(Number.isNaN))
})

test('doubling every count doubles the expected counts (to the IRLS convergence tolerance)', () => {
  const reference = fixture.cases.find((c) => c.name === 'agona-no-reweight-no-trend')!
  const base = runCase(reference)
  const doubled = farringtonFlexible(
    Float64Array.from(reference.observed, (y) => 2 * y),
    { ...reference.options, frequency: 52, pastWeeksNotIncluded: undefined },
    { from: reference.range.from - 1, to: reference.range.to - 1 },
  )
  base.expected.forEach((value, i) => {
    if (Number.isFinite(value)) assert.ok(Math.abs(doubled.expected[i]! - 2 * value) < 1e-7 * value)
  })
})
