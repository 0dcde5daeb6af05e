/**
 * Probabilistic record linkage of person records into identities (Fellegi & Sunter 1969), the
 * way Splink does it: block, compare, estimate m and u without labels, score, then cluster the
 * pairs above the match threshold. Pure: records in, identities and explained pairs out; the
 * database, the review queue and the keeping of decisions are the caller's.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { buildBlocks, visitPairs, type RuleBlocks } from './blocking.ts'
import { clusterRecords, type LinkageDecision } from './cluster.ts'
import { COMPARISONS, PATTERN_COUNT, PairComparer } from './comparisons.ts'
import { compareInWorkers } from './compare-workers.ts'
import {
  estimateM,
  estimatePrior,
  patternBayesFactors,
  randomPairPatterns,
  uFromPatterns,
  type LinkageModel,
} from './em.ts'
import { encodePeople, type EncodedPeople } from './encode.ts'
import { sameAddressPatterns, uAtAddress } from './household.ts'
import { compareJob, pairJobs, type JobPatterns, type PairJob } from './pair-jobs.ts'
import type { PersonRecord } from './person-record.ts'
import { MOST_TERM_FREQUENCY_BOOST } from './term-frequency.ts'
import {
  PairScorer,
  probabilityOfWeight,
  weightOfProbability,
  type FieldExplanation,
  type PairExplanation,
} from './score.ts'

export interface LinkOptions {
  /** Match probability from which a pair is linked (default 0.9). */
  readonly threshold?: number
  /** Match probability from which a pair below the threshold goes to review (default 0.5). */
  readonly reviewBand?: number
  readonly decisions?: readonly LinkageDecision[]
  /** Threads comparing pairs, this one included (default 1). */
  readonly threads?: number
  /** Random pairs u is estimated from (default 500,000). */
  readonly randomPairs?: number
  readonly seed?: number
  readonly onProgress?: (fraction: number, stage: string) => void
  readonly signal?: AbortSignal
}

/** Scored pairs, strongest first, in parallel arrays. */
export interface ScoredPairs {
  readonly count: number
  readonly first: Int32Array
  readonly second: Int32Array
  readonly weight: Float64Array
  readonly probability: Float64Array
  readonly pattern: Uint16Array
}

export interface ReviewPair {
  readonly first: number
  readonly second: number
  readonly weight: number
  readonly probability: number
  /** Whether the pair ended in one identity anyway, through other links. */
  readonly sameIdentity: boolean
  readonly fields: readonly FieldExplanation[]
}

export interface ModelSummary {
  readonly prior: number
  readonly comparisons: readonly {
    readonly name: string
    readonly levels: readonly {
      readonly level: string
      readonly m: number
      readonly u: number
      readonly weight: number
      /** u and weight between different people at the same address (household.ts). */
      readonly uAtAddress: number
      readonly weightAtAddress: number
    }[]
  }[]
  readonly estimates: readonly { rule: string; share: number; iterations: number; pairs: number }[]
}

export interface LinkResult {
  readonly identities: Int32Array
  readonly identityCount: number
  /** Pairs at or above the threshold; `refused` marks those a split decision kept apart. */
  readonly matches: ScoredPairs & { readonly refused: Uint8Array }
  readonly review: readonly ReviewPair[]
  /** The per-comparison explanation of match number k. */
  readonly explainMatch: (k: number) => PairExplanation
  readonly model: ModelSummary
  readonly blocking: readonly { rule: string; pairs: number; blocksLeftOut: number; pairsLeftOut: number }[]
  /** Distinct pairs compared. */
  readonly comparedPairs: number
  readonly conflictingLinks: readonly LinkageDecision[]
  /** Milliseconds per stage. */
  readonly timings: Readonly<
    Record<'encode' | 'block' | 'compare' | 'estimate' | 'score' | 'cluster' | 'total', number>
  >
}

function checkProbability(value: number, name: string): void {
  if (!(value > 0 && value < 1))
    throw new RangeError(`${name} must be a probability between 0 and 1, not ${value}`)
}

export async function linkRecords(
  records: readonly PersonRecord[],
  options: LinkOptions = {},
): Promise<LinkResult> {
  const threshold = options.threshold ?? 0.9
  const reviewBand = options.reviewBand ?? Math.min(0.5, threshold)
  checkProbability(threshold, 'threshold')
  checkProbability(reviewBand, 'reviewBand')
  if (reviewBand > threshold)
    throw new RangeError(`reviewBand (${reviewBand}) must not be above threshold (${threshold})`)
  const threads = options.threads ?? 1
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`threads must be a whole number from 1 to 64, not ${threads}`)
  }
  const { signal, onProgress } = options
  signal?.throwIfAborted()
  const started = performance.now()
  let mark = started
  const lap = () => {
    const now = performance.now()
    const taken = now - mark
    mark = now
    return taken
  }

  const people = encodePeople(records)
  const encode = lap()
  const blocks = buildBlocks(people)
  const jobs = pairJobs(blocks)
  const block = lap()

  const compared =
    threads > 1 && jobs.length > 1
      ? await compareInWorkers(
          people,
          blocks,
          jobs,
          threads,
          (fraction) => onProgress?.(fraction, 'comparing'),
          signal,
        )
      : await compareHere(people, blocks, jobs, (fraction) => onProgress?.(fraction, 'comparing'), signal)
  const compare = lap()

  const comparer = new PairComparer(people)
  const model = estimateModel(people, comparer, blocks, compared, options)
  const estimate = lap()

  onProgress?.(0, 'scoring')
  const scorer = new PairScorer(model.model, people)
  const kept = scorePairs(blocks, jobs, compared, scorer, weightOfProbability(reviewBand))
  const score = lap()

  const thresholdWeight = weightOfProbability(threshold)
  let matchCount = 0
  while (matchCount < kept.count && (kept.weight[matchCount] ?? 0) >= thresholdWeight) matchCount++
  const matches = slicePairs(kept, 0, matchCount)
  const clustering = clusterRecords(people.size, matches, options.decisions, {
    probability: (i, j) => probabilityOfWeight(scorer.weight(comparer.compare(i, j), i)),
    minimum: 0.5,
  })
  const reviewPairs = slicePairs(kept, matchCount, kept.count)
  const review: ReviewPair[] = []
  for (let k = 0; k < reviewPairs.count; k++) {
    const first = reviewPairs.first[k] ?? 0
    const second = reviewPairs.second[k] ?? 0
    const explanation = scorer.explain(reviewPairs.pattern[k] ?? 0, first)
    review.push({
      first,
      second,
      weight: explanation.weight,
      probability: explanation.probability,
      sameIdentity: clustering.identities[first] === clustering.identities[second],
      fields: explanation.fields,
    })
  }
  const cluster = lap()
  onProgress?.(1, 'done')

  return {
    identities: clustering.identities,
    identityCount: clustering.identityCount,
    matches: { ...matches, refused: clustering.refused },
    review,
    explainMatch: (k) => scorer.explain(matches.pattern[k] ?? 0, matches.first[k] ?? 0),
    model: summarise(model.model, model.estimates),
    blocking: blocks.map(({ rule, pairs, blocksLeftOut, pairsLeftOut }) => ({
      rule: rule.name,
      pairs,
      blocksLeftOut,
      pairsLeftOut,
    })),
    comparedPairs: compared.reduce((total, job) => total + job.patterns.length, 0),
    conflictingLinks: clustering.conflictingLinks,
    timings: { encode, block, compare, estimate, score, cluster, total: performance.now() - started },
  }
}

async function compareHere(
  people: EncodedPeople,
  blocks: readonly RuleBlocks[],
  jobs: readonly PairJob[],
  progress: (fraction: number) => void,
  signal: AbortSignal | undefined,
): Promise<JobPatterns[]> {
  const comparer = new PairComparer(people)
  const results: JobPatterns[] = []
  for (const job of jobs) {
    results.push(compareJob(blocks, comparer, job))
    progress(results.length / jobs.length)
    await yieldToEventLoop()
    signal?.throwIfAborted()
  }
  return results
}

/** Rounds of re-estimating u without the pairs of random records the model takes for matches. */
const U_REFINEMENTS = 2

function estimateModel(
  people: EncodedPeople,
  comparer: PairComparer,
  blocks: readonly RuleBlocks[],
  compared: readonly JobPatterns[],
  options: LinkOptions,
): { model: LinkageModel; estimates: ModelSummary['estimates'] } {
  const ruleCounts = blocks.map(() => new Float64Array(PATTERN_COUNT))
  const blockedCounts = new Float64Array(PATTERN_COUNT)
  for (const job of compared) {
    for (const pattern of job.patterns) blockedCounts[pattern] = (blockedCounts[pattern] ?? 0) + 1
    ruleCounts.forEach((counts, r) => {
      const offset = r * PATTERN_COUNT
      for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
        counts[pattern] = (counts[pattern] ?? 0) + (job.ruleCounts[offset + pattern] ?? 0)
      }
    })
  }
  const allPairs = (people.size * (people.size - 1)) / 2
  const random = randomPairPatterns(people.size, comparer, options.randomPairs ?? 500_000, options.seed ?? 1)
  const atAddress = sameAddressPatterns(people, comparer)
  let u = uFromPatterns(random)
  let fitted = estimateM(ruleCounts, blocks, u)
  let household = uAtAddress(atAddress, u, fitted.m)
  let prior = estimatePrior(blockedCounts, patternBayesFactors(fitted.m, u, household), allPairs)
  for (let round = 0; round < U_REFINEMENTS; round++) {
    const factors = patternBayesFactors(fitted.m, u, household)
    const priorOdds = prior / (1 - prior)
    u = uFromPatterns(random, (pattern) => 1 / (1 + priorOdds * (factors[pattern] ?? 1)))
    fitted = estimateM(ruleCounts, blocks, u)
    household = uAtAddress(atAddress, u, fitted.m)
    prior = estimatePrior(blockedCounts, patternBayesFactors(fitted.m, u, household), allPairs)
  }
  return { model: { m: fitted.m, u, prior, uAtAddress: household }, estimates: fitted.estimates }
}

class PairCollector {
  count = 0
  first = new Int32Array(1024)
  second = new Int32Array(1024)
  weight = new Float64Array(1024)
  pattern = new Uint16Array(1024)

  add(i: number, j: number, weight: number, pattern: number): void {
    if (this.count === this.first.length) {
      const size = this.count * 2
      this.first = grow(this.first, new Int32Array(size))
      this.second = grow(this.second, new Int32Array(size))
      this.weight = grow(this.weight, new Float64Array(size))
      this.pattern = grow(this.pattern, new Uint16Array(size))
    }
    this.first[this.count] = i
    this.second[this.count] = j
    this.weight[this.count] = weight
    this.pattern[this.count] = pattern
    this.count++
  }
}

function grow<T extends Int32Array | Float64Array | Uint16Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/** Walks the compared pairs again, in the same order, keeping those with at least `lowestWeight`, strongest first. */
function scorePairs(
  blocks: readonly RuleBlocks[],
  jobs: readonly PairJob[],
  compared: readonly JobPatterns[],
  scorer: PairScorer,
  lowestWeight: number,
): ScoredPairs {
  const collector = new PairCollector()
  // No pair can gain more than this from term frequencies, so lower patterns are passed over at once.
  const most = 2 * MOST_TERM_FREQUENCY_BOOST
  jobs.forEach((job, index) => {
    const patterns = (compared[index] as JobPatterns).patterns
    let cursor = 0
    visitPairs(blocks, job.rule, job.fromBlock, job.toBlock, (i, j) => {
      const pattern = patterns[cursor++] ?? 0
      if (scorer.priorWeight + (scorer.patternWeight[pattern] ?? 0) + most < lowestWeight) return
      const weight = scorer.weight(pattern, i)
      if (weight >= lowestWeight) collector.add(i, j, weight, pattern)
    })
  })
  const order = Int32Array.from({ length: collector.count }, (_, k) => k).sort(
    (a, b) => (collector.weight[b] ?? 0) - (collector.weight[a] ?? 0) || a - b,
  )
  const pairs = {
    count: collector.count,
    first: new Int32Array(collector.count),
    second: new Int32Array(collector.count),
    weight: new Float64Array(collector.count),
    probability: new Float64Array(collector.count),
    pattern: new Uint16Array(collector.count),
  }
  order.forEach((from, to) => {
    pairs.first[to] = collector.first[from] ?? 0
    pairs.second[to] = collector.second[from] ?? 0
    pairs.weight[to] = collector.weight[from] ?? 0
    pairs.probability[to] = probabilityOfWeight(collector.weight[from] ?? 0)
    pairs.pattern[to] = collector.pattern[from] ?? 0
  })
  return pairs
}

function slicePairs(pairs: ScoredPairs, from: number, to: number): ScoredPairs {
  return {
    count: to - from,
    first: pairs.first.subarray(from, to),
    second: pairs.second.subarray(from, to),
    weight: pairs.weight.subarray(from, to),
    probability: pairs.probability.subarray(from, to),
    pattern: pairs.pattern.subarray(from, to),
  }
}

function summarise(model: LinkageModel, estimates: ModelSummary['estimates']): ModelSummary {
  return {
    prior: model.prior,
    comparisons: COMPARISONS.map((comparison, field) => ({
      name: comparison.name,
      levels: comparison.levels.map((level, index) => {
        const m = model.m[field]?.[index] ?? 0
        const u = model.u[field]?.[index] ?? 0
        const uAtAddress = model.uAtAddress?.[field]?.[index] ?? u
        return {
          level,
          m,
          u,
          weight: Math.log2(m / u),
          uAtAddress,
          weightAtAddress: Math.log2(m / uAtAddress),
        }
      }),
    })),
    estimates,
  }
}
