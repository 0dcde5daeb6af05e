import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { concentration, generalisedGini, gini, topShare } from './concentration.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/analysis')

interface GiniCase {
  name: string
  values: number[]
  gini: number
  generalisedGini: number
  topShares: number[]
}
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'concentration-gini.json'), 'utf8')) as {
  percents: number[]
  cases: GiniCase[]
}

const closeTo = (actual: number | null, expected: number, tolerance = 1e-12) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`)

const counts = fc
  .array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 60 })
  .filter((xs) => xs.some((x) => x > 0))

describe('the Gini coefficient and top shares', () => {
  for (const example of reference.cases) {
    test(`match R ineq and lorenzgini: ${example.name}`, () => {
      closeTo(gini(example.values), example.gini)
      const events = example.values.reduce((a, b) => a + b, 0)
      closeTo(generalisedGini(example.values, events), example.generalisedGini)
      reference.percents.forEach((percent, k) =>
        closeTo(topShare(example.values, percent), example.topShares[k]!),
      )
    })
  }

  test("reproduce lorenzgini's published worked examples", () => {
    const sparse = [5, 2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert.equal(gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0])!.toFixed(2), '0.78')
    assert.equal(gini(sparse)!.toFixed(2), '0.80')
    assert.equal(generalisedGini(sparse, 8)!.toFixed(2), '0.75')
    assert.equal(gini([10, ...new Array<number>(9).fill(0)])!.toFixed(2), '0.90')
    assert.equal(gini([10, ...new Array<number>(99).fill(0)])!.toFixed(2), '0.99')
  })

  test('zero-count places raise the concentration: all places versus places with crime', () => {
    const withCrime = [6, 3, 1]
    const allPlaces = [...withCrime, 0, 0, 0, 0, 0, 0, 0]
    assert.ok(gini(allPlaces)! > gini(withCrime)!)
    assert.ok(topShare(allPlaces, 10)! > topShare(withCrime, 10)!)
  })

  test('is undefined (null) with no places or nothing to share', () => {
    assert.equal(gini([]), null)
    assert.equal(gini([0, 0, 0]), null)
    assert.equal(topShare([0, 0], 10), null)
    assert.equal(generalisedGini([0, 0], 0), null)
  })

  test('the Gini lies in [0, 1 - 1/n] and the generalised Gini never exceeds it', () => {
    fc.assert(
      fc.property(counts, (values) => {
        const coefficient = gini(values)!
        const events = values.reduce((a, b) => a + b, 0)
        assert.ok(coefficient >= 0 && coefficient <= 1 - 1 / values.length + 1e-12)
        assert.ok(generalisedGini(values, events)! <= coefficient + 1e-12)
      }),
    )
  })

  test('neither depends on the order of the places', () => {
    fc.assert(
      fc.property(counts, fc.infiniteStream(fc.nat()), (values, randomness) => {
        const shuffled = [...values]
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = randomness.next().value % (i + 1)
          ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
        }
        closeTo(gini(shuffled), gini(values)!)
        closeTo(topShare(shuffled, 7), topShare(values, 7)!)
      }),
    )
  })

  test('top shares grow with the percentage, hold at least their proportion, and reach 1 at 100%', () => {
    fc.assert(
      fc.property(
        counts,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (values, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a]
          assert.ok(topShare(values, low)! <= topShare(values, high)! + 1e-12)
          assert.ok(topShare(values, low)! >= low / 100 - 1e-12)
          closeTo(topShare(values, 100), 1)
        },
      ),
    )
  })

  test('bad percentages and negative values get a clear error naming them', () => {
    assert.throws(
      () => concentration([1, 2], [0]),
      (error: DomainError) => error.fields.top !== undefined,
    )
    assert.throws(() => concentration([1, 2], [101]), /at most 100/)
    assert.throws(() => concentration([1, 2], []), /at least one top percentage/)
    assert.throws(
      () => concentration([1, -2], [10]),
      (error: DomainError) => /Place 2 has -2/.test(error.fields.values!),
    )
    assert.throws(() => concentration([1, Number.NaN], [10]), DomainError)
  })
})
