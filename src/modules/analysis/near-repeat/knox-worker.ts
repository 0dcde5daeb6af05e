/**
 * Worker thread of the Knox test: runs the permutation blocks it is given and posts their totals.
 * Started by permutation-runner.ts with the pairs in shared memory and its workspace there; posts { block } after each block, then
 * { totals } at the end.
 */
import { parentPort, workerData } from 'node:worker_threads'
import {
  createWorkspace,
  emptyTotals,
  runPermutationBlock,
  type PermutationInput,
} from './knox-permutations.ts'

const { input, thread, blocks } = workerData as { input: PermutationInput; thread: number; blocks: number[] }
const totals = emptyTotals(input.observed.length)
const workspace = createWorkspace(input, thread)
for (const block of blocks) {
  runPermutationBlock(input, block, totals, workspace)
  parentPort?.postMessage({ block })
}
parentPort?.postMessage({ totals })
