/**
 * Gi*'s conditional-permutation pseudo p-values (`giStarPermuter` in gi-star.ts) computed in chunks
 * of cells, in this thread or spread over worker threads (gi-star-worker.ts): progress after every
 * chunk, a cancel seen between chunks here and at once in workers (they are terminated). Each cell
 * has its own random stream, so the p-values are bit-identical whichever thread computes a chunk,
 * however many threads there are, and in whichever order the chunks finish.
 */
import { availableParallelism } from 'node:os'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { giStarPermuter, type GiStarPermutationOptions, type GiStarPermuter } from './gi-star.ts'
import type { GiStarWorkerChunk, GiStarWorkerData, GiStarWorkerResult } from './gi-star-worker.ts'
import type { Neighbours } from './neighbours.ts'
import { typeScriptWorkerSource } from '../../../worker-source.ts'

/**
 * Random draws (cells × permutations × other neighbours per cell) from which worker threads are
 * used by default. One thread makes about 200 million draws a second on this project's 2-core
 * machine; starting a worker costs ~0.2 s of CPU (a thread, tsx compiling gi-star.ts in it) before
 * it helps, and measured under load neither 5,000 nor 10,000 cells (999 permutations, 1 ring) ran
 * faster on two threads. From ~1 s of work in one thread the second core pays: at resolution 10
 * with 1 ring (~6 other neighbours) and 999 permutations, from ~33,000 cells.
 */
export const GI_STAR_WORKER_DRAWS = 200_000_000

/** Draws per chunk in this thread: about 0.02–0.05 s of work between two looks at progress and cancel. */
const DRAWS_PER_CHUNK = 4_000_000

/** Draws per chunk of this thread when workers run too: ~5–10 ms, so their messages are served promptly. */
const DRAWS_PER_CHUNK_HERE = 1_000_000

/** Chunks per worker thread at least, so that a thread slowed by other work on the machine is made up for. */
const CHUNKS_PER_THREAD = 16

export interface GiStarPermutationRun {
  /**
   * Threads to compute with, this one included: 1 computes here only; n > 1 starts n − 1 workers
   * beside it. By default one per core (`os.availableParallelism()`) from `GI_STAR_WORKER_DRAWS`
   * draws, else 1.
   */
  readonly threads?: number
  /** Share of cells done (0..1), called after every chunk. */
  readonly progress?: (fraction: number) => void
  readonly signal?: AbortSignal
}

/** The random draws the pseudo p-values take: N × Σ_i (W_i − 1), every row including its own cell. */
export function giStarPermutationDraws(neighbours: Neighbours, permutations: number): number {
  return permutations * Math.max(0, neighbours.indices.length - (neighbours.offsets.length - 1))
}

/** The threads used by default: one per core for long runs, else 1. */
export function giStarDefaultThreads(neighbours: Neighbours, permutations: number): number {
  return giStarPermutationDraws(neighbours, permutations) >= GI_STAR_WORKER_DRAWS ? availableParallelism() : 1
}

/**
 * The pseudo p-values of `giStarPermutation`, the same to the bit, in chunks: in this thread
 * (yielding to the event loop between chunks) or in worker threads. Rejects with the signal's
 * reason (an AbortError) when cancelled, once every worker has stopped.
 */
export async function giStarPermutationInChunks(
  values: Float64Array,
  neighbours: Neighbours,
  options: GiStarPermutationOptions,
  run: GiStarPermutationRun = {},
): Promise<Float64Array> {
  const { progress, signal } = run
  signal?.throwIfAborted()
  // Built here in any case: it checks the sizes and options before any worker starts.
  const permuter = giStarPermuter(values, neighbours, options)
  const threads = run.threads ?? giStarDefaultThreads(neighbours, options.permutations)
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`threads must be a whole number from 1 to 64, not ${String(threads)}`)
  }
  const size = values.length
  const draws = giStarPermutationDraws(neighbours, options.permutations)
  const drawsPerCell = Math.max(1, draws / Math.max(1, size))
  const cellsFor = (chunkDraws: number) => Math.max(1, Math.floor(chunkDraws / drawsPerCell))
  if (threads === 1) return permuteHere(permuter, size, cellsFor(DRAWS_PER_CHUNK), progress, signal)
  const worker = cellsFor(Math.min(DRAWS_PER_CHUNK, draws / (threads * CHUNKS_PER_THREAD)))
  const here = cellsFor(DRAWS_PER_CHUNK_HERE)
  const workerCount = Math.min(threads - 1, Math.ceil(size / worker))
  if (workerCount === 0) return permuteHere(permuter, size, cellsFor(DRAWS_PER_CHUNK), progress, signal)
  return permuteInWorkers(permuter, values, neighbours, options, workerCount, { here, worker }, run)
}

async function permuteHere(
  permuter: GiStarPermuter,
  size: number,
  chunk: number,
  progress: ((fraction: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  const pPermutation = new Float64Array(size)
  for (let first = 0; first < size; first += chunk) {
    const end = Math.min(size, first + chunk)
    permuter.permuteCells(first, end, pPermutation)
    progress?.(end / size)
    if (end < size) {
      await yieldToEventLoop()
      signal?.throwIfAborted()
    }
  }
  return pPermutation
}

const workerBootstrap = () => typeScriptWorkerSource(import.meta.resolve('./gi-star-worker.ts'))

/**
 * Hands out chunks of cells, in order, to whichever thread is free, so that a thread slowed by other
 * work simply takes fewer. This thread takes part as well, in smaller chunks between which it
 * serves the workers' messages: starting a worker takes 0.15–1 s (tsx compiles gi-star.ts in each),
 * which this thread spends computing rather than waiting. Each worker has two chunks in hand, so
 * it never waits for this thread to finish one of its own.
 */
function permuteInWorkers(
  permuter: GiStarPermuter,
  values: Float64Array,
  neighbours: Neighbours,
  options: GiStarPermutationOptions,
  workerCount: number,
  cellsPerChunk: { here: number; worker: number },
  { progress, signal }: GiStarPermutationRun,
): Promise<Float64Array> {
  const workerData: GiStarWorkerData = {
    values: shared(values),
    offsets: shared(neighbours.offsets),
    indices: shared(neighbours.indices),
    options: { permutations: options.permutations, seed: options.seed },
  }
  const size = values.length
  const pPermutation = new Float64Array(size)
  const bootstrap = workerBootstrap()
  return new Promise((resolve, reject) => {
    const workers: Worker[] = []
    let nextCell = 0
    let cellsDone = 0
    let settled = false
    // Settles once every worker has stopped, so no thread outlives the call.
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      void Promise.allSettled(workers.map((worker) => worker.terminate())).then(() =>
        error === undefined ? resolve(pPermutation) : reject(error),
      )
    }
    const onAbort = () => finish(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const take = (cells: number): GiStarWorkerChunk | null => {
      if (nextCell >= size) return null
      const first = nextCell
      nextCell = Math.min(size, first + cells)
      return { first, end: nextCell }
    }
    const handOut = (worker: Worker) => {
      const chunk = take(cellsPerChunk.worker)
      if (chunk) worker.postMessage(chunk)
    }
    const received = (cells: number) => {
      cellsDone += cells
      try {
        progress?.(cellsDone / size)
      } catch (error) {
        finish(error)
      }
      if (!settled && cellsDone === size) finish()
    }
    for (let thread = 0; thread < workerCount; thread++) {
      const worker = new Worker(bootstrap, { eval: true, workerData })
      workers.push(worker)
      worker.on('message', ({ first, pPermutation: chunkValues }: GiStarWorkerResult) => {
        if (settled) return
        pPermutation.set(chunkValues, first)
        received(chunkValues.length)
        if (!settled) handOut(worker)
      })
      worker.on('error', finish)
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`A Gi* worker thread stopped with exit code ${code}`))
      })
      handOut(worker)
      handOut(worker)
    }
    const computeHere = () => {
      if (settled) return
      const chunk = take(cellsPerChunk.here)
      if (!chunk) return
      permuter.permuteCells(chunk.first, chunk.end, pPermutation)
      received(chunk.end - chunk.first)
      setImmediate(computeHere)
    }
    setImmediate(computeHere)
  })
}

/** Copies a typed array into shared memory, so every worker reads it without a copy of its own. */
function shared<T extends Float64Array | Int32Array>(values: T): T {
  const Constructor = values.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Constructor(new SharedArrayBuffer(values.byteLength))
  copy.set(values)
  return copy
}
