/**
 * Runs a registered analysis method in a worker thread (compute-worker.ts), so that a long kernel
 * density, exceedance or emerging-hotspots computation never holds up the server's event loop, the
 * run's heartbeat or its cancel. The points' typed arrays are transferred when the caller gives
 * them up, else copied; progress comes back as messages; a cancel terminates the worker (and with
 * it any worker the method started) at once, even inside a computation that never yields.
 */
import { Worker } from 'node:worker_threads'
import { DomainError } from '../../../errors.ts'
import type { PointSet, ProgressReporter } from '../method.ts'
import type { MethodOptions } from '../options.ts'
import type { ComputeWorkerData, ComputeWorkerError, ComputeWorkerMessage } from './compute-worker.ts'
import { typeScriptWorkerSource } from '../../../worker-source.ts'

export interface ComputeInWorkerRequest {
  /** A method of the registry (methods.ts): the worker finds it by this name. */
  readonly method: string
  readonly options: MethodOptions
  readonly points: PointSet
  /**
   * Move the points' buffers to the worker rather than copy them: the caller's typed arrays are
   * then empty (detached), so only for points the caller will not read again.
   */
  readonly transferPoints?: boolean
  /** Called with every progress message; a throw from it stops the worker and rejects with it. */
  readonly progress?: ProgressReporter
  /** Aborting it terminates the worker and rejects with an AbortError. */
  readonly signal?: AbortSignal
}

let running = 0

/** Compute workers started by this process that have not yet exited (for tests and health checks). */
export function computeWorkersRunning(): number {
  return running
}

const workerBootstrap = () => typeScriptWorkerSource(import.meta.resolve('./compute-worker.ts'))

function errorFrom(error: ComputeWorkerError): Error {
  if (error.domain) return new DomainError(error.code, error.message, error.fields)
  const rebuilt = new Error(error.message)
  rebuilt.name = error.name
  return rebuilt
}

function transferableBuffers(points: PointSet): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  for (const array of [points.longitude, points.latitude, points.day, points.weight]) {
    if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer)
  }
  return [...buffers]
}

/** The method's result, computed in a worker thread. */
export async function computeInWorker(request: ComputeInWorkerRequest): Promise<unknown> {
  const { signal, progress } = request
  signal?.throwIfAborted()
  const workerData: ComputeWorkerData = {
    method: request.method,
    options: request.options,
    points: request.points,
  }
  const worker = new Worker(workerBootstrap(), {
    eval: true,
    workerData,
    transferList: request.transferPoints ? transferableBuffers(request.points) : [],
  })
  running++
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  void exited.then(() => running--)

  return new Promise((resolve, reject) => {
    let settled = false
    // Settles once the worker has exited, so no thread outlives the call.
    const finish = (outcome: { result: unknown } | { error: unknown }) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      void worker.terminate().catch(() => undefined)
      void exited.then(() => ('error' in outcome ? reject(outcome.error) : resolve(outcome.result)))
    }
    const onAbort = () =>
      finish({ error: signal?.reason ?? new DOMException('The analysis run was cancelled', 'AbortError') })
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (message: ComputeWorkerMessage) => {
      if (settled) return
      if (message.kind === 'progress') {
        try {
          progress?.(message.fraction, message.stage)
        } catch (error) {
          finish({ error })
        }
      } else if (message.kind === 'result') finish({ result: message.result })
      else finish({ error: errorFrom(message.error) })
    })
    worker.on('error', (error) => finish({ error }))
    worker.on('exit', (code) =>
      finish({
        error: new Error(`the analysis worker thread stopped with exit code ${code} before a result`),
      }),
    )
  })
}
