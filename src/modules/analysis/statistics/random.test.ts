import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { hashedStreamSeeding, splitMix32Seeding, Xoshiro128StarStar } from './random.ts'

const reference = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/knox-xoshiro128.json', import.meta.url), 'utf8'),
) as {
  cases: { state: [number, number, number, number]; outputs: number[] }[]
  seeded: { seed: number; stream: number; outputs: number[] }[]
}

const draws = (generator: Xoshiro128StarStar, count: number) =>
  Array.from({ length: count }, () => generator.nextUint32())

/** Chi-square statistic of counts that should each be `expected`. */
const chiSquare = (counts: Iterable<number>, expected: number) =>
  [...counts].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)

describe('xoshiro128**', () => {
  test('gives the same numbers as xoshiro128** in C from the same state', () => {
    for (const { state, outputs } of reference.cases) {
      assert.deepEqual(draws(Xoshiro128StarStar.fromState(state), outputs.length), outputs)
    }
  })

  test('SplitMix32 seeding (Knox) gives the same numbers as the C reference', () => {
    for (const { seed, stream, outputs } of reference.seeded) {
      assert.deepEqual(
        draws(new Xoshiro128StarStar(seed, stream, splitMix32Seeding), outputs.length),
        outputs,
      )
    }
  })

  test('hashed seeding (Gi*) gives the same numbers as the C reference, seeds above 2³² included', () => {
    const hashed = JSON.parse(
      readFileSync(
        new URL('../../../../test/fixtures/analysis/xoshiro128-hashed-seeding.json', import.meta.url),
        'utf8',
      ),
    ) as { seeded: { seed: number; stream: number; outputs: number[] }[] }
    for (const { seed, stream, outputs } of hashed.seeded) {
      assert.deepEqual(
        draws(new Xoshiro128StarStar(seed, stream, hashedStreamSeeding), outputs.length),
        outputs,
      )
    }
  })

  test('the same seed gives the same stream and nearby seeds or streams different ones, in both seedings', () => {
    for (const seeding of [splitMix32Seeding, hashedStreamSeeding]) {
      const first = draws(new Xoshiro128StarStar(42, 0, seeding), 8)
      assert.deepEqual(draws(new Xoshiro128StarStar(42, 0, seeding), 8), first)
      assert.notDeepEqual(draws(new Xoshiro128StarStar(43, 0, seeding), 8), first)
      assert.notDeepEqual(draws(new Xoshiro128StarStar(42, 1, seeding), 8), first)
    }
  })

  test('hashed seeding tells apart seeds that differ only above 2³², and reseeding starts the stream again', () => {
    const high = draws(new Xoshiro128StarStar(2 ** 40 + 5, 3, hashedStreamSeeding), 8)
    assert.notDeepEqual(draws(new Xoshiro128StarStar(5, 3, hashedStreamSeeding), 8), high)
    const generator = new Xoshiro128StarStar(1, 0, hashedStreamSeeding)
    draws(generator, 5)
    generator.reseed(2 ** 40 + 5, 3)
    assert.deepEqual(draws(generator, 8), high)
  })
})

describe('integers below a bound, uniform numbers and shuffles', () => {
  test('below and belowByRemainder stay within 0 .. bound − 1, uniform within [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), fc.maxSafeInteger(), (bound, seed) => {
        const generator = new Xoshiro128StarStar(seed, 3, hashedStreamSeeding)
        for (let i = 0; i < 20; i++) {
          for (const value of [generator.below(bound), generator.belowByRemainder(bound)])
            assert.ok(Number.isInteger(value) && value >= 0 && value < bound)
          const uniform = generator.uniform()
          assert.ok(uniform >= 0 && uniform < 1)
        }
      }),
    )
  })

  test('below and belowByRemainder are uniform: a chi-square test on 60 000 draws over 6 bins passes', () => {
    // 20.5 is the 0.999 quantile of chi-square with 5 degrees of freedom.
    for (const draw of ['below', 'belowByRemainder'] as const) {
      const generator = new Xoshiro128StarStar(2024, 0, hashedStreamSeeding)
      const bins = new Float64Array(6)
      for (let i = 0; i < 60_000; i++) bins[generator[draw](6)]!++
      assert.ok(chiSquare(bins, 10_000) < 20.5, `${draw}: chi-square ${chiSquare(bins, 10_000)}`)
    }
  })

  test('below is uniform for bounds above 2²¹ too (deciles of 60 000 draws below 10⁹)', () => {
    const generator = new Xoshiro128StarStar(7)
    const bins = new Float64Array(10)
    for (let i = 0; i < 60_000; i++) bins[Math.floor(generator.below(1e9) / 1e8)]!++
    // 27.9 is the 0.999 quantile of chi-square with 9 degrees of freedom.
    assert.ok(chiSquare(bins, 6_000) < 27.9, `chi-square ${chiSquare(bins, 6_000)}`)
  })

  test('a shuffle keeps every value once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: -1000, max: 1000 })),
        (seed, values) => {
          const shuffled = Int32Array.from(values)
          new Xoshiro128StarStar(seed).shuffle(shuffled)
          assert.deepEqual(
            [...shuffled].sort((a, b) => a - b),
            [...values].sort((a, b) => a - b),
          )
        },
      ),
    )
  })

  test('shuffles are uniform: each of the 6 orders of 3 values about 1/6 of the time', () => {
    const random = new Xoshiro128StarStar(2024)
    const seen = new Map<string, number>()
    const rounds = 60_000
    for (let i = 0; i < rounds; i++) {
      const values = Int32Array.of(1, 2, 3)
      random.shuffle(values)
      const key = values.join('')
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    assert.equal(seen.size, 6)
    assert.ok(
      chiSquare(seen.values(), rounds / 6) < 20.5,
      `chi-square ${chiSquare(seen.values(), rounds / 6)}`,
    )
  })
})
