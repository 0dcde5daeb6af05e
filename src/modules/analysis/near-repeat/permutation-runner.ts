/**
 * Runs the Knox test's permutation blocks (knox-permutations.ts) in this thread or spread over
 * worker threads (knox-worker.ts), reporting progress per block and stopping on abort.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import {
  addTotals,
  blockCount,
  createWorkspace,
  emptyTotals,
  reserveWorkspaces,
  runPermutationBlock,
  type PermutationInput,
  type PermutationTotals,
} from './knox-permutations.ts'
import { typeScriptWorkerSource } from '../../../worker-source.ts'

/** Runs every permutation block in this thread, yielding to the event loop now and then. */
export async function permuteHere(
  input: PermutationInput,
  reportBlocks: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<PermutationTotals> {
  const totals = emptyTotals(input.observed.length)
  reserveWorkspaces(input, 1)
  const workspace = createWorkspace(input, 0)
  let lastYield = performance.now()
  const blocks = blockCount(input.permutations)
  for (let block = 0; block < blocks; block++) {
    runPermutationBlock(input, block, totals, workspace)
    if (performance.now() - lastYield > 50) {
      reportBlocks(block + 1)
      await yieldToEventLoop()
      signal?.throwIfAborted()
      lastYield = performance.now()
    }
  }
  return totals
}

const workerBootstrap = () => typeScriptWorkerSource(import.meta.resolve('./knox-worker.ts'))

/**
 * Spreads the permutation blocks over worker threads (block b to thread b mod threads), which share
 * the pairs' memory, each with its own workspace in it. The result is the same as in one thread (see
 * knox-permutations.ts).
 */
export function permuteInWorkers(
  input: PermutationInput,
  threads: number,
  reportBlocks: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<PermutationTotals> {
  reserveWorkspaces(input, threads)
  const blocks = blockCount(input.permutations)
  const totals = emptyTotals(input.observed.length)
  const bootstrap = workerBootstrap()
  return new Promise((resolve, reject) => {
    const workers: Worker[] = []
    let finished = 0
    let blocksDone = 0
    const stop = (reason: unknown) => {
      for (const worker of workers) void worker.terminate()
      signal?.removeEventListener('abort', onAbort)
      reject(reason)
    }
    const onAbort = () => stop(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    for (let thread = 0; thread < threads; thread++) {
      const assigned: number[] = []
      for (let block = thread; block < blocks; block += threads) assigned.push(block)
      const worker = new Worker(bootstrap, {
        eval: true,
        workerData: { input, thread, blocks: assigned },
      })
      workers.push(worker)
      worker.on('message', (message: { block?: number; totals?: PermutationTotals }) => {
        if (message.totals) {
          addTotals(totals, message.totals)
          if (++finished === threads) {
            signal?.removeEventListener('abort', onAbort)
            resolve(totals)
          }
        } else reportBlocks(++blocksDone)
      })
      worker.on('error', stop)
      worker.on('exit', (code) => {
        if (code !== 0) stop(new Error(`A Knox test worker thread stopped with exit code ${code}`))
      })
    }
  })
}
