/**
 * Worker thread of Gi*'s conditional permutations: started by gi-star-parallel.ts with the values
 * and neighbour lists in shared memory, it builds one permuter and then, for each message
 * { first, end }, computes the pseudo p-values of cells first .. end − 1 and posts them back as
 * { first, pPermutation } (the buffer transferred, not copied). Each cell has its own random stream
 * (gi-star.ts), so the values do not depend on which thread computed them.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { giStarPermuter, type GiStarPermutationOptions } from './gi-star.ts'

export interface GiStarWorkerData {
  readonly values: Float64Array
  readonly offsets: Int32Array
  readonly indices: Int32Array
  readonly options: GiStarPermutationOptions
}

export interface GiStarWorkerChunk {
  readonly first: number
  readonly end: number
}

export interface GiStarWorkerResult {
  readonly first: number
  readonly pPermutation: Float64Array
}

const { values, offsets, indices, options } = workerData as GiStarWorkerData
const permuter = giStarPermuter(values, { offsets, indices }, options)
// permuteCells writes cell i at position i: one scratch array for every chunk, sliced to send.
const scratch = new Float64Array(values.length)
parentPort?.on('message', ({ first, end }: GiStarWorkerChunk) => {
  permuter.permuteCells(first, end, scratch)
  const pPermutation = scratch.slice(first, end)
  parentPort?.postMessage({ first, pPermutation } satisfies GiStarWorkerResult, [pPermutation.buffer])
})
