import assert from 'node:assert/strict'
import { test } from 'node:test'
import { COMPARISONS, PATTERN_COUNT, patternOf } from './comparisons.ts'
import { estimatePrior, expectationMaximisation, patternBayesFactors, seededRandom } from './em.ts'

// A known Fellegi-Sunter model over the four comparisons: pairs drawn from it, then EM must find
// m and the share of matches again from the pattern counts alone.
const TRUE_M = [
  [0.7, 0.01, 0.1, 0.1, 0.04, 0.01, 0.04],
  [0.8, 0.01, 0.12, 0.04, 0.03],
  [0.85, 0.03, 0.05, 0.05, 0.02],
  [0.6, 0.1, 0.08, 0.02, 0.02, 0.18],
]
const TRUE_U = [
  [0.02, 0.0001, 0.003, 0.004, 0.003, 0.07, 0.8999],
  [0.015, 0.0001, 0.003, 0.004, 0.9779],
  [0.0005, 0.0001, 0.0004, 0.01, 0.989],
  [0.001, 0.001, 0.002, 0.02, 0.05, 0.926],
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
    const model = random() < share ? TRUE_M : TRUE_U
    const pattern = patternOf(model.map((row) => draw(row, random)))
    counts[pattern] = (counts[pattern] ?? 0) + 1
  }
  return counts
}

test('the probabilities of each level of the model under test add up to 1', () => {
  for (const model of [TRUE_M, TRUE_U]) {
    model.forEach((row, field) => {
      assert.equal(row.length, COMPARISONS[field]?.levels.length)
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9)
    })
  }
})

test('EM with u fixed recovers m and the share of matches from pairs drawn from a known model', () => {
  const counts = simulate(200_000, 0.2, 11)
  const estimate = expectationMaximisation(counts, TRUE_U, [])
  assert.ok(Math.abs(estimate.share - 0.2) < 0.005, `share ${estimate.share}`)
  estimate.m.forEach((row, field) =>
    row.forEach((value, level) => {
      const expected = TRUE_M[field]?.[level] ?? 0
      assert.ok(Math.abs(value - expected) < 0.01, `m[${field}][${level}] = ${value}, expected ${expected}`)
    }),
  )
})

test('EM leaves the m of a comparison fixed by blocking as it was given', () => {
  const counts = simulate(50_000, 0.3, 12)
  const start = TRUE_M.map((row) => row.map(() => 1 / row.length))
  const estimate = expectationMaximisation(counts, TRUE_U, [2], start)
  assert.deepEqual(estimate.m[2], start[2])
  assert.ok(Math.abs((estimate.m[0]?.[0] ?? 0) - 0.7) < 0.02)
})

test('the prior comes back from blocked pairs when every other pair is a non-match', () => {
  // 1,000 matches among 10^7 pairs; blocking found all matches and 20,000 non-matches.
  const matches = simulate(1_000, 1, 13)
  const others = simulate(20_000, 0, 14)
  const blocked = matches.map((count, pattern) => count + (others[pattern] ?? 0))
  const prior = estimatePrior(blocked, patternBayesFactors(TRUE_M, TRUE_U), 10_000_000)
  assert.ok(Math.abs(prior - 1e-4) < 0.05e-4, `prior ${prior}`)
})
