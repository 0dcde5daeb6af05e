/**
 * The comparison of blocked pairs spread over worker threads (compare-worker.ts): jobs are handed
 * out in order to whichever thread is free, this one included between serving the workers, and
 * the results kept in job order, so the patterns are the same whatever the number of threads.
 * Settles once every worker has stopped; a cancel terminates them at once.
 */
import { Worker } from 'node:worker_threads'
import type { RuleBlocks } from './blocking.ts'
import { PairComparer } from './comparisons.ts'
import type { CompareWorkerData, CompareWorkerResult, CompareWorkerTask } from './compare-worker.ts'
import type { EncodedPeople, StringTable } from './encode.ts'
import { compareJob, type JobPatterns, type PairJob } from './pair-jobs.ts'
import { typeScriptWorkerSource } from '../../../worker-source.ts'

const workerBootstrap = () => typeScriptWorkerSource(import.meta.resolve('./compare-worker.ts'))

function shared<T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(values: T): T {
  const Constructor = values.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Constructor(new SharedArrayBuffer(values.byteLength))
  copy.set(values)
  return copy
}

function sharedTable(table: StringTable): StringTable {
  return { strings: [], codes: shared(table.codes), offsets: shared(table.offsets) }
}

function sharedPeople(people: EncodedPeople): EncodedPeople {
  return {
    size: people.size,
    names: sharedTable(people.names),
    addresses: sharedTable(people.addresses),
    firstName: shared(people.firstName),
    lastName: shared(people.lastName),
    firstCode: shared(people.firstCode),
    lastCode: shared(people.lastCode),
    dateOfBirth: shared(people.dateOfBirth),
    postcode: shared(people.postcode),
    sector: shared(people.sector),
    district: shared(people.district),
    address: shared(people.address),
    houseNumber: shared(people.houseNumber),
    nicknameOffsets: shared(people.nicknameOffsets),
    nicknameGroups: shared(people.nicknameGroups),
    firstNameFrequency: new Float64Array(0),
    lastNameFrequency: new Float64Array(0),
  }
}

export function compareInWorkers(
  people: EncodedPeople,
  blocks: readonly RuleBlocks[],
  jobs: readonly PairJob[],
  threads: number,
  progress: (fraction: number) => void,
  signal: AbortSignal | undefined,
): Promise<JobPatterns[]> {
  const workerData: CompareWorkerData = {
    people: sharedPeople(people),
    blocks: blocks.map(({ key, offsets, members, kept, pairs, blocksLeftOut, pairsLeftOut }) => ({
      key: shared(key),
      offsets: shared(offsets),
      members: shared(members),
      kept: shared(kept),
      pairs,
      blocksLeftOut,
      pairsLeftOut,
    })),
  }
  const comparer = new PairComparer(people)
  const results: (JobPatterns | undefined)[] = new Array<JobPatterns | undefined>(jobs.length)
  const bootstrap = workerBootstrap()
  return new Promise((resolve, reject) => {
    const workers: Worker[] = []
    let next = 0
    let done = 0
    let settled = false
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      void Promise.allSettled(workers.map((worker) => worker.terminate())).then(() =>
        error === undefined ? resolve(results as JobPatterns[]) : reject(error),
      )
    }
    const onAbort = () => finish(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const received = (index: number, result: JobPatterns) => {
      results[index] = result
      done++
      try {
        progress(done / jobs.length)
      } catch (error) {
        finish(error)
      }
      if (!settled && done === jobs.length) finish()
    }
    const handOut = (worker: Worker) => {
      if (next >= jobs.length) return
      const index = next++
      worker.postMessage({ index, job: jobs[index] as PairJob } satisfies CompareWorkerTask)
    }
    for (let thread = 0; thread < Math.min(threads - 1, jobs.length); thread++) {
      const worker = new Worker(bootstrap, { eval: true, workerData })
      workers.push(worker)
      worker.on('message', ({ index, patterns, ruleCounts }: CompareWorkerResult) => {
        if (settled) return
        received(index, { patterns, ruleCounts })
        if (!settled) handOut(worker)
      })
      worker.on('error', finish)
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`A record-linkage worker thread stopped with exit code ${code}`))
      })
      handOut(worker)
      handOut(worker)
    }
    const computeHere = () => {
      if (settled || next >= jobs.length) return
      const index = next++
      received(index, compareJob(blocks, comparer, jobs[index] as PairJob))
      setImmediate(computeHere)
    }
    setImmediate(computeHere)
  })
}
