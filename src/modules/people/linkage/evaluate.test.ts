import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { pairwiseScores } from './evaluate.ts'

function bruteForce(predicted: readonly number[], truth: readonly number[]) {
  let truePositivePairs = 0
  let predictedPairs = 0
  let truePairs = 0
  for (let a = 0; a < predicted.length; a++) {
    for (let b = a + 1; b < predicted.length; b++) {
      const together = predicted[a] === predicted[b]
      const same = truth[a] === truth[b]
      if (together) predictedPairs++
      if (same) truePairs++
      if (together && same) truePositivePairs++
    }
  }
  return { truePositivePairs, predictedPairs, truePairs }
}

test('pair counts from cluster sizes equal the counts over every pair', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 0, max: 60 })
        .chain((size) =>
          fc.tuple(
            fc.array(fc.nat(8), { minLength: size, maxLength: size }),
            fc.array(fc.nat(8), { minLength: size, maxLength: size }),
          ),
        ),
      ([predicted, truth]) => {
        const scores = pairwiseScores(predicted, truth)
        const reference = bruteForce(predicted, truth)
        assert.equal(scores.truePositivePairs, reference.truePositivePairs)
        assert.equal(scores.predictedPairs, reference.predictedPairs)
        assert.equal(scores.truePairs, reference.truePairs)
        if (reference.predictedPairs > 0)
          assert.equal(scores.precision, reference.truePositivePairs / reference.predictedPairs)
      },
    ),
  )
})

test('a worked example: one wrong merge of a pair and a single', () => {
  // Truth {0,1,2} {3}; found {0,1} {2,3}: 1 of 2 found pairs right, 1 of 3 true pairs found.
  const scores = pairwiseScores([0, 0, 1, 1], [0, 0, 0, 1])
  assert.equal(scores.precision, 0.5)
  assert.equal(scores.recall, 1 / 3)
  assert.ok(Math.abs(scores.f1 - 0.4) < 1e-12)
})
