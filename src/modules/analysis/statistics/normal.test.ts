import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  chiSquareOneDegreeUpperTail,
  complementaryErrorFunction,
  normalQuantile,
  normalUpperTail,
  twoSidedNormalP,
} from './normal.ts'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url), 'utf8'),
  ) as T

const relativelyClose = (ours: number, theirs: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(ours - theirs) <= tolerance * Math.abs(theirs), `${what}: ${ours} vs R ${theirs}`)

describe('two-sided normal p-values', () => {
  const normal = fixture<{ z: number[]; p: number[] }>('gi-star-normal.json')
  test('equal R 2 * pnorm(-|z|) to 1e-13 relative, far tails included', () => {
    normal.z.forEach((z, i) => relativelyClose(twoSidedNormalP(z), normal.p[i]!, 1e-13, `z = ${z}`))
  })

  test('erfc(x) + erfc(−x) = 2 and erfc decreases', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, step) => {
          assert.ok(Math.abs(complementaryErrorFunction(x) + complementaryErrorFunction(-x) - 2) < 1e-15)
          assert.ok(complementaryErrorFunction(x + step) <= complementaryErrorFunction(x))
        },
      ),
    )
  })
})

describe('normal quantiles and upper tails', () => {
  const farrington = fixture<{
    qnorm: { p: number[]; value: number[] }
    pnormUpper: { x: number[]; value: number[] }
  }>('farrington-glm.json')

  test('normal quantiles equal R qnorm to 1e-14', () => {
    farrington.qnorm.p.forEach((p, i) =>
      relativelyClose(normalQuantile(p), farrington.qnorm.value[i]!, 1e-14, `qnorm(${p})`),
    )
  })

  test('normal upper tails equal R pnorm(lower.tail = FALSE) to 1e-12', () => {
    farrington.pnormUpper.x.forEach((x, i) =>
      relativelyClose(normalUpperTail(x), farrington.pnormUpper.value[i]!, 1e-12, `pnorm(${x})`),
    )
  })

  test('a normal with a mean and standard deviation is the standard one shifted and scaled', () => {
    assert.equal(normalUpperTail(13, 10, 2), normalUpperTail(1.5))
    assert.ok(Number.isNaN(normalUpperTail(Number.NaN)))
  })
})

describe('one-degree chi-square upper tails', () => {
  test('equal R pchisq(q, 1, lower.tail = FALSE) to 1e-13 relative', () => {
    const { q, p } = fixture<{ chiSquareUpperTail: { q: number[]; p: number[] } }>(
      'sppt-small-with-empty-areas.json',
    ).chiSquareUpperTail
    q.forEach((value, i) => relativelyClose(chiSquareOneDegreeUpperTail(value), p[i]!, 1e-13, `Q(${value})`))
  })

  test('are the two-sided normal p-value of √q', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (q) =>
        relativelyClose(chiSquareOneDegreeUpperTail(q), twoSidedNormalP(Math.sqrt(q)), 1e-12, `q = ${q}`),
      ),
    )
  })
})

describe('on grids over every branch, far tails included', () => {
  const grid = fixture<{
    z: number[]
    upperTail: number[]
    q: number[]
    chiSquareUpperTail: number[]
    p: number[]
    quantile: number[]
  }>('normal-distribution.json')

  test('normal upper tails equal R pnorm(lower.tail = FALSE) to 1e-13 relative', () => {
    grid.z.forEach((z, i) => relativelyClose(normalUpperTail(z), grid.upperTail[i]!, 1e-13, `pnorm(${z})`))
  })

  test('one-degree chi-square upper tails equal R pchisq to 1e-13 relative', () => {
    grid.q.forEach((q, i) =>
      relativelyClose(chiSquareOneDegreeUpperTail(q), grid.chiSquareUpperTail[i]!, 1e-13, `pchisq(${q})`),
    )
  })

  test('normal quantiles equal R qnorm to 1e-14 relative', () => {
    grid.p.forEach((p, i) => relativelyClose(normalQuantile(p), grid.quantile[i]!, 1e-14, `qnorm(${p})`))
  })
})
