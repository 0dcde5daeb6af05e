/**
 * Worker thread comparing blocked pairs: started by compare-workers.ts with the encoded people
 * and the blocks in shared memory; for each message { index, job } it compares the job's pairs
 * and posts back { index, patterns, ruleCounts } (buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { RuleBlocks } from './blocking.ts'
import { PairComparer } from './comparisons.ts'
import type { EncodedPeople } from './encode.ts'
import { compareJob, type PairJob } from './pair-jobs.ts'

export interface CompareWorkerData {
  readonly people: EncodedPeople
  readonly blocks: readonly Omit<RuleBlocks, 'rule'>[]
}

export interface CompareWorkerTask {
  readonly index: number
  readonly job: PairJob
}

export interface CompareWorkerResult {
  readonly index: number
  readonly patterns: Uint16Array
  readonly ruleCounts: Float64Array
}

const { people, blocks } = workerData as CompareWorkerData
const ruleBlocks = blocks.map((block) => ({ ...block, rule: { name: '', fixed: [], parts: () => [] } }))
const comparer = new PairComparer(people)
parentPort?.on('message', ({ index, job }: CompareWorkerTask) => {
  const { patterns, ruleCounts } = compareJob(ruleBlocks, comparer, job)
  parentPort?.postMessage({ index, patterns, ruleCounts } satisfies CompareWorkerResult, [
    patterns.buffer as ArrayBuffer,
    ruleCounts.buffer as ArrayBuffer,
  ])
})
