import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  negativeBinomialQuantile,
  negativeBinomialUpperTailFrom,
  poissonQuantile,
  poissonUpperTailFrom,
  studentTwoSidedPValue,
} from './distributions.ts'

const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/farrington-glm.json', import.meta.url), 'utf8'),
) as {
  ptTwoSided: { t: number[]; df: number[]; value: number[] }
  qpois: { p: number[] | number; mean: number; value: number; upperTail: number[] }[]
  qnbinom: { p: number; size: number; prob: number; value: number; upperTail: number[] }[]
  tailY: number[]
}

const relativelyClose = (ours: number, theirs: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(ours - theirs) <= tolerance * Math.abs(theirs), `${what}: ${ours} vs R ${theirs}`)

test('two-sided Student t p-values equal R pt to 1e-12', () => {
  fixture.ptTwoSided.t.forEach((t, i) => {
    const df = fixture.ptTwoSided.df[i]!
    relativelyClose(studentTwoSidedPValue(t, df), fixture.ptTwoSided.value[i]!, 1e-12, `pt(${t}, ${df})`)
  })
})

test('Poisson quantiles and upper tails equal R qpois and ppois', () => {
  for (const c of fixture.qpois) {
    assert.equal(poissonQuantile(c.p as number, c.mean), c.value)
    fixture.tailY.forEach((y, i) =>
      relativelyClose(poissonUpperTailFrom(y, c.mean), c.upperTail[i]!, 1e-10, `ppois(${y} - 1, ${c.mean})`),
    )
  }
})

test('negative binomial quantiles and upper tails equal R qnbinom and pnbinom', () => {
  for (const c of fixture.qnbinom) {
    assert.equal(negativeBinomialQuantile(c.p, c.size, c.prob), c.value)
    fixture.tailY.forEach((y, i) =>
      relativelyClose(
        negativeBinomialUpperTailFrom(y, c.size, c.prob),
        c.upperTail[i]!,
        1e-10,
        `pnbinom(${y} - 1, ${c.size}, ${c.prob})`,
      ),
    )
  }
})
