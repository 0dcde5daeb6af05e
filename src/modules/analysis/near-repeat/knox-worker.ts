/**
 * Worker thread of the Knox test: runs the permutation blocks it is given and posts their totals.
 * Started by knox.ts with the input in shared memory; posts { block } after each block, then
 * { totals } at the end.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { emptyTotals, runPermutationBlock, type PermutationInput } from './knox-permutations.ts'

const { input, blocks } = workerData as { input: PermutationInput; blocks: number[] }
const totals = emptyTotals(input.observed.length)
for (const block of blocks) {
  runPermutationBlock(input, block, totals)
  parentPort?.postMessage({ block })
}
parentPort?.postMessage({ totals })
