import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { LOCATION, PATTERN_COUNT, patternOf } from './comparisons.ts'
import { seededRandom } from './em.ts'
import { atSameAddress, uAtAddress } from './household.ts'

// A known model of pairs at one address: one person's records (m) mixed with members of a
// household (u at the address: mostly one surname, now and then twins). uAtAddress must find the
// household's u again from the pattern counts alone, knowing m and the ordinary u.
const M = [
  [0.7, 0.01, 0.1, 0.1, 0.04, 0.01, 0.04],
  [0.8, 0.01, 0.12, 0.04, 0.03],
  [0.85, 0.03, 0.05, 0.05, 0.02],
  [1, 0, 0, 0, 0, 0],
]
const ORDINARY_U = [
  [0.02, 0.0001, 0.003, 0.004, 0.003, 0.07, 0.8999],
  [0.015, 0.0001, 0.003, 0.004, 0.9779],
  [0.0005, 0.0001, 0.0004, 0.01, 0.989],
  [0.001, 0.001, 0.002, 0.02, 0.05, 0.926],
]
const HOUSEHOLD_U = [
  [0.03, 0.001, 0.01, 0.01, 0.02, 0.07, 0.859],
  [0.7, 0.001, 0.05, 0.02, 0.229],
  [0.01, 0.002, 0.003, 0.05, 0.935],
  [1, 0, 0, 0, 0, 0],
]

function draw(probabilities: readonly number[], random: () => number): number {
  let x = random()
  for (let level = 0; level < probabilities.length; level++) {
    x -= probabilities[level] ?? 0
    if (x < 0) return level
  }
  return probabilities.length - 1
}

function simulate(pairs: number, share: number, seed: number): Float64Array {
  const random = seededRandom(seed)
  const counts = new Float64Array(PATTERN_COUNT)
  for (let p = 0; p < pairs; p++) {
    const model = random() < share ? M : HOUSEHOLD_U
    const pattern = patternOf(model.map((row) => draw(row, random)))
    counts[pattern] = (counts[pattern] ?? 0) + 1
  }
  return counts
}

test('u among different people at one address comes back from a mix with one person’s records', () => {
  const estimated = uAtAddress(simulate(200_000, 0.4, 21), ORDINARY_U, M)
  for (const [field, level, tolerance] of [
    [0, 0, 0.006],
    [1, 0, 0.01],
    [1, 4, 0.01],
    [2, 0, 0.004],
    [2, 4, 0.01],
  ] as const) {
    const value = estimated[field]?.[level] ?? 0
    const expected = HOUSEHOLD_U[field]?.[level] ?? 0
    assert.ok(
      Math.abs(value - expected) < tolerance,
      `u[${field}][${level}] = ${value}, expected ${expected}`,
    )
  }
  assert.deepEqual(estimated[LOCATION], ORDINARY_U[LOCATION])
})

test('without taking one person’s records out, twins are overestimated: the correction matters', () => {
  const counts = simulate(200_000, 0.4, 22)
  const naive = uAtAddress(counts, ORDINARY_U)[2]?.[0] ?? 0
  const corrected = uAtAddress(counts, ORDINARY_U, M)[2]?.[0] ?? 0
  assert.ok(naive > 2 * corrected, `naive ${naive}, corrected ${corrected}`)
})

test('too few pairs at one address keep the ordinary u', () => {
  assert.deepEqual(uAtAddress(simulate(20, 0.4, 23), ORDINARY_U, M), ORDINARY_U)
  assert.deepEqual(uAtAddress(new Float64Array(PATTERN_COUNT), ORDINARY_U), ORDINARY_U)
})

test('any pattern counts give probabilities: every level above 0, each comparison adding up to 1', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(PATTERN_COUNT - 1), fc.nat(10_000)), { maxLength: 300 }),
      fc.boolean(),
      (cells, withM) => {
        const counts = new Float64Array(PATTERN_COUNT)
        for (const [pattern, count] of cells) {
          if (atSameAddress(pattern)) counts[pattern] = (counts[pattern] ?? 0) + count
        }
        for (const row of uAtAddress(counts, ORDINARY_U, withM ? M : undefined)) {
          assert.ok(row.every((value) => value > 0 && Number.isFinite(value)))
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9)
        }
      },
    ),
  )
})
