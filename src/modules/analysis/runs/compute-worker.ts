/**
 * Worker thread of an analysis run (started by compute-in-worker.ts): looks the method up in the
 * registry by name, runs it over the points it was given, and posts its progress, then its result
 * or its error, to the thread that started it. A method's own nested workers (Gi*'s and Knox's
 * permutations) start from here as they would from the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { DomainError, type ErrorCode } from '../../../errors.ts'
import type { PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import type { MethodOptions } from '../options.ts'

export interface ComputeWorkerData {
  readonly method: string
  readonly options: MethodOptions
  readonly points: PointSet
}

/** What the worker says: progress any number of times, then one result or one error. */
export type ComputeWorkerMessage =
  | { readonly kind: 'progress'; readonly fraction: number; readonly stage: string }
  | { readonly kind: 'result'; readonly result: unknown }
  | { readonly kind: 'error'; readonly error: ComputeWorkerError }

export type ComputeWorkerError =
  | {
      readonly domain: true
      readonly code: ErrorCode
      readonly message: string
      readonly fields: Record<string, string>
    }
  | { readonly domain: false; readonly name: string; readonly message: string }

/** Progress messages at most this often: the run's row is written at most every 500 ms anyway. */
const PROGRESS_MESSAGE_INTERVAL_MS = 50

const post = (message: ComputeWorkerMessage) => parentPort!.postMessage(message)

function describeError(error: unknown): ComputeWorkerError {
  if (error instanceof DomainError) {
    return { domain: true, code: error.code, message: error.message, fields: { ...error.fields } }
  }
  if (error instanceof Error) return { domain: false, name: error.name, message: error.message }
  return { domain: false, name: 'Error', message: String(error) }
}

async function compute({ method: name, options, points }: ComputeWorkerData): Promise<void> {
  const method = methodByName(name)
  if (!method) throw new Error(`there is no analysis method called ${name}`)
  let lastMessage = -Infinity
  const progress = (fraction: number, stage: string) => {
    const now = performance.now()
    if (now - lastMessage < PROGRESS_MESSAGE_INTERVAL_MS && fraction < 1) return
    lastMessage = now
    post({ kind: 'progress', fraction, stage })
  }
  const result: unknown = await method.run(points, options, { progress })
  post({ kind: 'result', result })
}

compute(workerData as ComputeWorkerData).catch((error: unknown) => {
  post({ kind: 'error', error: describeError(error) })
})
