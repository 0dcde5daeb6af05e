import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { SeededRandom } from './random.ts'

const reference = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/knox-xoshiro128.json', import.meta.url), 'utf8'),
) as {
  cases: { state: [number, number, number, number]; outputs: number[] }[]
  seeded: { seed: number; stream: number; outputs: number[] }[]
}

test('the generator gives the same numbers as xoshiro128** in C from the same state', () => {
  for (const { state, outputs } of reference.cases) {
    const random = SeededRandom.fromState(state)
    assert.deepEqual(
      outputs.map(() => random.nextUint32()),
      outputs,
    )
  }
})

test('seeding from a seed and stream gives the same numbers as the C reference', () => {
  for (const { seed, stream, outputs } of reference.seeded) {
    const random = new SeededRandom(seed, stream)
    assert.deepEqual(
      outputs.map(() => random.nextUint32()),
      outputs,
    )
  }
})

test('the same seed gives the same stream and nearby seeds different ones', () => {
  const draw = (seed: number) => {
    const random = new SeededRandom(seed)
    return Array.from({ length: 8 }, () => random.nextUint32())
  }
  assert.deepEqual(draw(42), draw(42))
  assert.notDeepEqual(draw(42), draw(43))
})

test('below(n) stays in [0, n) and shuffle keeps every value once', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_294_967_295 }),
      fc.integer({ min: 1, max: 4_294_967_296 }),
      (seed, bound) => {
        const random = new SeededRandom(seed)
        for (let i = 0; i < 20; i++) {
          const value = random.below(bound)
          assert.ok(Number.isInteger(value) && value >= 0 && value < bound)
        }
      },
    ),
  )
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.array(fc.integer({ min: -1000, max: 1000 })),
      (seed, values) => {
        const shuffled = Int32Array.from(values)
        new SeededRandom(seed).shuffle(shuffled)
        assert.deepEqual(
          [...shuffled].sort((a, b) => a - b),
          [...values].sort((a, b) => a - b),
        )
      },
    ),
  )
})

test('shuffles are uniform: each of the 6 orders of 3 values about 1/6 of the time', () => {
  const random = new SeededRandom(2024)
  const seen = new Map<string, number>()
  const rounds = 60_000
  for (let i = 0; i < rounds; i++) {
    const values = Int32Array.of(1, 2, 3)
    random.shuffle(values)
    const key = values.join('')
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  assert.equal(seen.size, 6)
  // Chi-square with 5 degrees of freedom: 20.5 is the 0.999 quantile.
  const chiSquare = [...seen.values()].reduce(
    (sum, count) => sum + (count - rounds / 6) ** 2 / (rounds / 6),
    0,
  )
  assert.ok(chiSquare < 20.5, `chi-square ${chiSquare}`)
})
