/**
 * Pairwise precision, recall and F1 of a clustering against the true identities: a pair of
 * records is a true positive when both put them together. Counted from the sizes of clusters,
 * true identities and their intersections (C(n, 2) each), so a million records take one pass,
 * never the n² pairs.
 */

export interface PairwiseScores {
  readonly truePositivePairs: number
  readonly predictedPairs: number
  readonly truePairs: number
  /** 1 when nothing was predicted (no false positives), and recall likewise when there is nothing to find. */
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

const pairsOf = (count: number) => (count * (count - 1)) / 2

/** `predicted` and `truth` hold a cluster number and a true identity number (whole numbers from 0) for each record. */
export function pairwiseScores(predicted: ArrayLike<number>, truth: ArrayLike<number>): PairwiseScores {
  if (predicted.length !== truth.length) {
    throw new RangeError(`${predicted.length} predicted identities for ${truth.length} true identities`)
  }
  const clusterSizes = new Map<number, number>()
  const trueSizes = new Map<number, number>()
  const both = new Map<number, number>()
  let identityRange = 1
  for (let k = 0; k < truth.length; k++) identityRange = Math.max(identityRange, (truth[k] ?? 0) + 1)
  for (let k = 0; k < predicted.length; k++) {
    const cluster = predicted[k] ?? 0
    const identity = truth[k] ?? 0
    clusterSizes.set(cluster, (clusterSizes.get(cluster) ?? 0) + 1)
    trueSizes.set(identity, (trueSizes.get(identity) ?? 0) + 1)
    const cell = cluster * identityRange + identity
    both.set(cell, (both.get(cell) ?? 0) + 1)
  }
  let truePositivePairs = 0
  for (const count of both.values()) truePositivePairs += pairsOf(count)
  let predictedPairs = 0
  for (const count of clusterSizes.values()) predictedPairs += pairsOf(count)
  let truePairs = 0
  for (const count of trueSizes.values()) truePairs += pairsOf(count)
  const precision = predictedPairs === 0 ? 1 : truePositivePairs / predictedPairs
  const recall = truePairs === 0 ? 1 : truePositivePairs / truePairs
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { truePositivePairs, predictedPairs, truePairs, precision, recall, f1 }
}
