/**
 * The blocked pairs cut into jobs of about the same number of pairs (a range of one rule's
 * blocks), compared job by job: in this thread or in workers (compare-workers.ts), the patterns
 * kept per job in job order so the scoring pass can walk the same pairs again without comparing
 * them twice. Only the patterns are held (two bytes a pair), never the pairs.
 */
import { visitPairs, type RuleBlocks } from './blocking.ts'
import { PATTERN_COUNT, type PairComparer } from './comparisons.ts'

export interface PairJob {
  readonly rule: number
  readonly fromBlock: number
  readonly toBlock: number
}

/** Pairs per job: ~0.05–0.1 s of comparing, between two looks at progress and cancel. */
export const PAIRS_PER_JOB = 100_000

export function pairJobs(blocks: readonly RuleBlocks[], pairsPerJob = PAIRS_PER_JOB): PairJob[] {
  const jobs: PairJob[] = []
  blocks.forEach(({ offsets, kept }, rule) => {
    const blockCount = kept.length
    let fromBlock = 0
    let pairs = 0
    for (let b = 0; b < blockCount; b++) {
      const size = (offsets[b + 1] ?? 0) - (offsets[b] ?? 0)
      if (kept[b] === 1) pairs += (size * (size - 1)) / 2
      if (pairs >= pairsPerJob) {
        jobs.push({ rule, fromBlock, toBlock: b + 1 })
        fromBlock = b + 1
        pairs = 0
      }
    }
    if (pairs > 0) jobs.push({ rule, fromBlock, toBlock: blockCount })
  })
  return jobs
}

export interface JobPatterns {
  /** Pattern of each pair the job visits, in visiting order. */
  readonly patterns: Uint16Array
  /** Pattern counts of the pairs each rule finds (bit r of the pair's mask), rule after rule. */
  readonly ruleCounts: Float64Array
}

/** Compares the pairs of one job. */
export function compareJob(blocks: readonly RuleBlocks[], comparer: PairComparer, job: PairJob): JobPatterns {
  const ruleCounts = new Float64Array(blocks.length * PATTERN_COUNT)
  let patterns = new Uint16Array(1024)
  let count = 0
  visitPairs(blocks, job.rule, job.fromBlock, job.toBlock, (i, j, mask) => {
    const pattern = comparer.compare(i, j)
    if (count === patterns.length) {
      const grown = new Uint16Array(patterns.length * 2)
      grown.set(patterns)
      patterns = grown
    }
    patterns[count++] = pattern
    for (let r = 0; mask !== 0; r++, mask >>>= 1) {
      if ((mask & 1) === 1)
        ruleCounts[r * PATTERN_COUNT + pattern] = (ruleCounts[r * PATTERN_COUNT + pattern] ?? 0) + 1
    }
  })
  return { patterns: patterns.slice(0, count), ruleCounts }
}
