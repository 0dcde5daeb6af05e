/**
 * Estimating the Fellegi-Sunter model without labels, as Splink does (Linacre et al. 2022):
 *  - u (how often two different people agree at each level) from random pairs of records, which
 *    are almost all different people; then refined by leaving out the share of them the model
 *    thinks are matches, which matters for small files where duplicates are a visible part of
 *    random pairs;
 *  - m (how often the same person's two records agree at each level) by expectation-maximisation
 *    with u held fixed, on each blocking rule's pairs in turn, leaving out the comparisons that
 *    rule's key constrains (every pair of that rule agrees on them, match or not); each m is the
 *    mean of its estimates over the rules that could make one;
 *  - the prior, the probability that two records picked at random are the same person, by EM on
 *    the share of matches among all pairs, the unblocked ones taken to be non-matches.
 * Everything runs on counts of patterns (comparison vectors), not on pairs, so it takes
 * milliseconds whatever the number of pairs.
 */
import type { RuleBlocks } from './blocking.ts'
import { COMPARISONS, PATTERN_COUNT, PATTERN_STRIDE, levelOf } from './comparisons.ts'
import type { PairComparer } from './comparisons.ts'
import { atSameAddress } from './household.ts'

export interface LinkageModel {
  /** m[field][level]: probability of the level for two records of the same person. */
  readonly m: readonly (readonly number[])[]
  /** u[field][level]: the same for records of two different people. */
  readonly u: readonly (readonly number[])[]
  /** Probability that two records drawn at random are the same person. */
  readonly prior: number
  /** u among different people at one address (household.ts), used for pairs at the same address. */
  readonly uAtAddress?: readonly (readonly number[])[]
}

const FIELDS = COMPARISONS.length
const SMALLEST_PROBABILITY = 1e-6

/** A small seeded generator (mulberry32), so that a run's estimates can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Pattern counts of random pairs: every pair when there are at most `sampleSize`, else a sample. */
export function randomPairPatterns(
  size: number,
  comparer: PairComparer,
  sampleSize: number,
  seed = 1,
): Float64Array {
  const counts = new Float64Array(PATTERN_COUNT)
  const allPairs = (size * (size - 1)) / 2
  if (allPairs <= sampleSize) {
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) {
        const pattern = comparer.compare(i, j)
        counts[pattern] = (counts[pattern] ?? 0) + 1
      }
    }
    return counts
  }
  const random = seededRandom(seed)
  for (let s = 0; s < sampleSize; s++) {
    const i = Math.floor(random() * size)
    let j = Math.floor(random() * (size - 1))
    if (j >= i) j++
    const pattern = comparer.compare(i, j)
    counts[pattern] = (counts[pattern] ?? 0) + 1
  }
  return counts
}

/**
 * Bayes factor m/u of every pattern, the product over its known comparisons; with `uAtAddress`,
 * a pattern at the same address takes its u from there.
 */
export function patternBayesFactors(
  m: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  uAtAddress?: readonly (readonly number[])[],
): Float64Array {
  const factors = new Float64Array(PATTERN_COUNT)
  for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
    const uOf = uAtAddress && atSameAddress(pattern) ? uAtAddress : u
    let factor = 1
    for (let field = 0; field < FIELDS; field++) {
      const level = levelOf(pattern, field)
      if (level >= 0) factor *= (m[field]?.[level] ?? 1) / (uOf[field]?.[level] ?? 1)
    }
    factors[pattern] = factor
  }
  return factors
}

/** u per level from pattern counts, each pair weighted (1 by default); half a pair added to every level. */
export function uFromPatterns(counts: Float64Array, weightOf?: (pattern: number) => number): number[][] {
  const totals = COMPARISONS.map((comparison) => new Array<number>(comparison.levels.length).fill(0.5))
  for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
    const count = counts[pattern] ?? 0
    if (count === 0) continue
    const weight = count * (weightOf ? weightOf(pattern) : 1)
    for (let field = 0; field < FIELDS; field++) {
      const level = levelOf(pattern, field)
      const row = totals[field] as number[]
      if (level >= 0) row[level] = (row[level] ?? 0) + weight
    }
  }
  return totals.map(normalised)
}

function normalised(values: readonly number[]): number[] {
  const floored = values.map((value) => Math.max(value, 0))
  const sum = floored.reduce((total, value) => total + value, 0)
  const shares = floored.map((value) =>
    Math.max(SMALLEST_PROBABILITY, sum > 0 ? value / sum : 1 / values.length),
  )
  const again = shares.reduce((total, value) => total + value, 0)
  return shares.map((value) => value / again)
}

/** Splink's kind of starting m: most matches agree exactly, the rest spread over the other levels. */
export function startingM(): number[][] {
  return COMPARISONS.map(({ levels }) =>
    levels.map((_, level) =>
      level === 0 ? 0.7 : level === levels.length - 1 ? 0.05 : 0.25 / (levels.length - 2),
    ),
  )
}

export interface EmEstimate {
  readonly m: number[][]
  /** Share of matches among the pairs. */
  readonly share: number
  readonly iterations: number
}

/**
 * EM for m and the share of matches over pattern counts, u fixed, the comparisons in `fixed` left
 * out. The m of a left-out comparison comes back as it went in.
 */
export function expectationMaximisation(
  counts: Float64Array,
  u: readonly (readonly number[])[],
  fixed: readonly number[],
  start: readonly (readonly number[])[] = startingM(),
  maxIterations = 200,
): EmEstimate {
  const free = [...Array(FIELDS).keys()].filter((field) => !fixed.includes(field))
  // Patterns projected onto the free comparisons, counted.
  const projected = new Map<number, number>()
  for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
    const count = counts[pattern] ?? 0
    if (count === 0) continue
    let reduced = 0
    for (const field of free) reduced += (levelOf(pattern, field) + 1) * (PATTERN_STRIDE[field] ?? 0)
    projected.set(reduced, (projected.get(reduced) ?? 0) + count)
  }
  const patterns = [...projected.keys()]
  const weights = patterns.map((pattern) => projected.get(pattern) ?? 0)
  const levels = patterns.map((pattern) => free.map((field) => levelOf(pattern, field)))
  const m = start.map((row) => [...row])
  let share = 0.3
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const sums = free.map((field) => new Array<number>(COMPARISONS[field]?.levels.length ?? 0).fill(0))
    let matched = 0
    let total = 0
    for (let p = 0; p < patterns.length; p++) {
      let matchLikelihood = share
      let otherLikelihood = 1 - share
      const patternLevels = levels[p] as number[]
      free.forEach((field, f) => {
        const level = patternLevels[f] ?? -1
        if (level < 0) return
        matchLikelihood *= m[field]?.[level] ?? 1
        otherLikelihood *= u[field]?.[level] ?? 1
      })
      const posterior = matchLikelihood / (matchLikelihood + otherLikelihood)
      const weight = weights[p] ?? 0
      const matchedWeight = posterior * weight
      matched += matchedWeight
      total += weight
      free.forEach((_, f) => {
        const level = patternLevels[f] ?? -1
        const row = sums[f] as number[]
        if (level >= 0) row[level] = (row[level] ?? 0) + matchedWeight
      })
    }
    let change = Math.abs(matched / total - share)
    share = matched / total
    free.forEach((field, f) => {
      const next = normalised(sums[f] as number[])
      const row = m[field] as number[]
      next.forEach((value, level) => {
        change = Math.max(change, Math.abs(value - (row[level] ?? 0)))
        row[level] = value
      })
    })
    if (change < 1e-7) break
  }
  return { m, share, iterations }
}

/** m of each comparison: the mean of the estimates of the rules that leave it free. */
export function estimateM(
  ruleCounts: readonly Float64Array[],
  blocks: readonly RuleBlocks[],
  u: readonly (readonly number[])[],
  minimumPairs = 20,
): { m: number[][]; estimates: { rule: string; share: number; iterations: number; pairs: number }[] } {
  const start = startingM()
  const sums = start.map((row) => row.map(() => 0))
  const estimatesPerField = new Array<number>(FIELDS).fill(0)
  const estimates: { rule: string; share: number; iterations: number; pairs: number }[] = []
  ruleCounts.forEach((counts, r) => {
    const pairs = counts.reduce((total, count) => total + count, 0)
    const rule = blocks[r]?.rule
    if (!rule || pairs < minimumPairs) return
    const estimate = expectationMaximisation(counts, u, rule.fixed, start)
    estimates.push({ rule: rule.name, share: estimate.share, iterations: estimate.iterations, pairs })
    for (let field = 0; field < FIELDS; field++) {
      if (rule.fixed.includes(field)) continue
      estimatesPerField[field] = (estimatesPerField[field] ?? 0) + 1
      estimate.m[field]?.forEach((value, level) => {
        const row = sums[field] as number[]
        row[level] = (row[level] ?? 0) + value
      })
    }
  })
  const m = sums.map((row, field) => {
    const count = estimatesPerField[field] ?? 0
    return count === 0 ? (start[field] as number[]) : normalised(row.map((value) => value / count))
  })
  return { m, estimates }
}

/**
 * The prior by EM over all n(n − 1)/2 pairs: the blocked pairs by their pattern counts, every
 * other pair a non-match for certain (its posterior is negligible at any plausible prior).
 */
export function estimatePrior(blockedCounts: Float64Array, factors: Float64Array, allPairs: number): number {
  let blocked = 0
  for (const count of blockedCounts) blocked += count
  if (allPairs <= 0 || blocked === 0) return SMALLEST_PROBABILITY
  let prior = Math.min(0.5, (0.1 * blocked) / allPairs)
  for (let iteration = 0; iteration < 500; iteration++) {
    let expected = 0
    for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
      const count = blockedCounts[pattern] ?? 0
      if (count === 0) continue
      const odds = (prior / (1 - prior)) * (factors[pattern] ?? 1)
      expected += (count * odds) / (1 + odds)
    }
    const next = Math.min(0.5, Math.max(1e-15, expected / allPairs))
    const done = Math.abs(next - prior) <= prior * 1e-9
    prior = next
    if (done) break
  }
  return prior
}
