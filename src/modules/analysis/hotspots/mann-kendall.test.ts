import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { twoSidedNormalP } from '../statistics/normal.ts'
import { mannKendall } from './mann-kendall.ts'

interface Fixture {
  source: string
  cases: {
    name: string
    series: number[]
    scipy: { tau: number; p: number }
    r: { tau: number; z: number; p: number; zContinuityCorrected: number; pContinuityCorrected: number }
  }[]
  normalTwoSided: { z: number; p: number }[]
}

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/analysis/mann-kendall-trend.json', import.meta.url),
    'utf8',
  ),
) as Fixture

/** |actual − expected| within an absolute or a relative tolerance (p-values span many decades). */
function assertClose(actual: number, expected: number, what: string, tolerance = 1e-12): void {
  const difference = Math.abs(actual - expected)
  assert.ok(
    difference <= tolerance || difference <= tolerance * Math.abs(expected),
    `${what}: ${actual} differs from ${expected} by ${difference}`,
  )
}

/** Kendall's S and the tie term of Var(S) counted the slow, obvious way. */
function bruteForce(series: readonly number[]): { s: number; tieTerm: number } {
  let s = 0
  for (let i = 0; i < series.length; i++) {
    for (let j = i + 1; j < series.length; j++) s += Math.sign(series[j]! - series[i]!)
  }
  const groups = new Map<number, number>()
  for (const value of series) groups.set(value, (groups.get(value) ?? 0) + 1)
  let tieTerm = 0
  for (const t of groups.values()) tieTerm += t * (t - 1) * (2 * t + 5)
  return { s, tieTerm }
}

test('the fixture names the implementations that produced it', () => {
  assert.match(fixture.source, /scipy \d+\.\d+/)
  assert.match(fixture.source, /R version 4\.\d/)
  assert.ok(fixture.cases.length >= 10)
})

test("tau, z and p with continuity correction equal R's cor.test(kendall, exact = FALSE, continuity = TRUE)", () => {
  for (const { name, series, r } of fixture.cases) {
    const trend = mannKendall(Float64Array.from(series))
    assertClose(trend.tau, r.tau, `${name} tau`)
    assertClose(trend.z, r.zContinuityCorrected, `${name} z`)
    assertClose(trend.p, r.pContinuityCorrected, `${name} p`)
  }
})

test("without continuity correction, tau and p equal scipy's kendalltau and z equals R's", () => {
  for (const { name, series, scipy, r } of fixture.cases) {
    const trend = mannKendall(series, { continuityCorrection: false })
    assertClose(trend.tau, scipy.tau, `${name} tau`)
    assertClose(trend.p, scipy.p, `${name} p`)
    assertClose(trend.z, r.z, `${name} z`)
  }
})

test('the two-sided normal p that trends use equals scipy from the centre to the far tail', () => {
  for (const { z, p } of fixture.normalTwoSided) {
    assertClose(twoSidedNormalP(z), p, `z = ${z}`, 1e-13)
    assertClose(twoSidedNormalP(-z), p, `z = ${-z}`, 1e-13)
  }
})

test('S and its tie-corrected variance equal a brute-force count of pairs', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 2, maxLength: 60 }), (values) => {
      const trend = mannKendall(Float64Array.from(values))
      const { s, tieTerm } = bruteForce(values)
      const n = values.length
      assert.equal(trend.s, s)
      assert.equal(trend.variance, (n * (n - 1) * (2 * n + 5) - tieTerm) / 18)
    }),
  )
})

test('reversing time negates S, tau and z and keeps p', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 40 }),
      (values) => {
        const forward = mannKendall(values)
        const backward = mannKendall([...values].reverse())
        assert.equal(backward.s + forward.s, 0)
        assert.ok(Math.abs(backward.tau + forward.tau) < 1e-12)
        assert.ok(Math.abs(backward.z + forward.z) < 1e-12)
        assert.ok(Math.abs(backward.p - forward.p) < 1e-12)
      },
    ),
  )
})

test('tau stays in [-1, 1] and p in (0, 1]', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { maxLength: 50 }), (values) => {
      const trend = mannKendall(values)
      assert.ok(trend.tau >= -1 && trend.tau <= 1, `tau ${trend.tau}`)
      assert.ok(trend.p > 0 && trend.p <= 1, `p ${trend.p}`)
    }),
  )
})

test('a series with every value tied, one value or none has no trend', () => {
  for (const series of [[2, 2, 2, 2, 2], [1.5], []]) {
    const trend = mannKendall(series)
    assert.deepEqual([trend.s, trend.tau, trend.z, trend.p], [0, 0, 0, 1], `series ${series.join(',')}`)
  }
})

test('two falling values give S = -1, which the continuity correction takes to z = 0', () => {
  const trend = mannKendall([2, 1])
  assert.equal(trend.s, -1)
  assert.equal(trend.variance, 1)
  assert.equal(trend.z, 0)
  assert.equal(mannKendall([2, 1], { continuityCorrection: false }).z, -1)
})

test('a value that is not a finite number is refused, naming its position', () => {
  assert.throws(() => mannKendall([1, Number.NaN, 3]), /series value 1 is NaN/)
  assert.throws(() => mannKendall([1, 2, Number.POSITIVE_INFINITY]), /series value 2 is Infinity/)
})
