import { performance } from 'node:perf_hooks'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, notFound } from '../../../errors.ts'
import type { AreaLevel, IncidentFilter } from '../../data-hub/index.ts'
import type { PointSet, ProgressReporter } from '../method.ts'
import { methodByName, type AnyAnalysisMethod } from '../methods.ts'
import type { MethodOptions } from '../options.ts'
import { loadIncidentPoints } from '../points/incident-points.ts'
import { computeInWorker } from './compute-in-worker.ts'
import { dataVersion, fileDataVersion } from './data-version.ts'
import {
  findAnalysisRun,
  findReusableRun,
  finishAnalysisRun,
  insertAnalysisRun,
  markCancelled,
  markRunning,
  recordDuration,
  writeHeartbeat,
  writeProgress,
  type AnalysisRunRecord,
} from './queries.ts'

/**
 * An analysis run: a method over points from the database (a filter) or from a file, recorded
 * with its parameters, the data version it read, its progress, duration and result. A completed
 * run with the same method, parameters, filter and data version is returned instead of computing
 * again. A method of the registry (methods.ts) computes in a worker thread (compute-in-worker.ts),
 * so that the event loop stays free for requests, the heartbeat and a cancel, which terminates the
 * worker at once; any other method (a test's own) runs in this thread, as the worker finds methods
 * by name only, and a cancel stops it at its next progress report. Progress is written at most
 * every PROGRESS_INTERVAL_MS. While a run works, its process writes a
 * heartbeat every HEARTBEAT_INTERVAL_MS, so a run whose process has ended is seen as stale
 * (STALE_AFTER_SECONDS in queries.ts) and marked failed when next read.
 */

export const PROGRESS_INTERVAL_MS = 500

/** Well inside STALE_AFTER_SECONDS, so a slow database or a busy moment does not make a live run look stale. */
export const HEARTBEAT_INTERVAL_MS = 10_000

export type AnalysisInput =
  /** areaLevel: the level of the areas the points are grouped by ('lsoa' when absent). */
  | { kind: 'database'; filter: IncidentFilter; areaLevel?: AreaLevel }
  | { kind: 'file'; name: string; sha256: string; format: string; points: PointSet; withoutLocation: number }

export interface AnalysisRequest {
  method: AnyAnalysisMethod
  /** Checked options with their defaults (parseMethodOptions), so equal requests compare equal. */
  options: MethodOptions
  input: AnalysisInput
  /** The user who asked, or null for the command line. */
  user: string | null
  clock: Clock
  /** Also told every progress report (the command line draws it on the terminal). */
  onProgress?: ProgressReporter
  /** Aborting it cancels the run (the command line's Ctrl-C). */
  signal?: AbortSignal
  /** How often the heartbeat is written; HEARTBEAT_INTERVAL_MS unless a test needs it sooner. */
  heartbeatIntervalMs?: number
}

export interface StartedRun {
  run: AnalysisRunRecord
  reused: boolean
  /** Settles with the run once it has completed, failed or been cancelled. */
  finished: Promise<AnalysisRunRecord>
}

/** Runs in progress in this process, so a cancel here stops them at once. */
const active = new Map<number, AbortController>()

/** The filter as stored: no empty values, the visible kinds sorted, so equal filters compare equal. */
export function canonicalFilter(filter: IncidentFilter): Record<string, unknown> {
  const stored: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(filter).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || value === '') continue
    stored[name] = name === 'visibleKinds' ? [...(value as string[])].sort() : value
  }
  return stored
}

function abortError(): Error {
  return new DOMException('The analysis run was cancelled', 'AbortError')
}

/**
 * The stored filter of a database run: the canonical filter, with `areaLevel` when it is not the
 * LSOA, so that runs grouped by different levels are not reused for each other while earlier LSOA
 * runs keep their key.
 */
export function runFilter(filter: IncidentFilter, areaLevel: AreaLevel = 'lsoa'): Record<string, unknown> {
  const stored = canonicalFilter(filter)
  if (areaLevel === 'lsoa') return stored
  return Object.fromEntries(Object.entries({ ...stored, areaLevel }).sort(([a], [b]) => a.localeCompare(b)))
}

/** Records the run (or finds one to reuse) and starts it; does not wait for it to finish. */
export async function startAnalysisRun(db: Kysely<Database>, request: AnalysisRequest): Promise<StartedRun> {
  const { method, options, input, clock } = request
  const filter = input.kind === 'database' ? runFilter(input.filter, input.areaLevel) : null
  const version =
    input.kind === 'database'
      ? await dataVersion(db, input.filter)
      : { version: fileDataVersion(input.sha256), importRuns: [] }
  const key = { method: method.name, parameters: options, filter, dataVersion: version.version }
  const reusable = await findReusableRun(db, key)
  if (reusable) return { run: reusable, reused: true, finished: Promise.resolve(reusable) }

  const run = await insertAnalysisRun(db, {
    ...key,
    input: input.kind === 'database' ? 'database' : input.name,
    inputDetail:
      input.kind === 'database'
        ? { importRuns: version.importRuns }
        : {
            sha256: input.sha256,
            format: input.format,
            points: input.points.size,
            withoutLocation: input.withoutLocation,
          },
    startedBy: request.user,
    createdAt: clock.now(),
  })
  const controller = new AbortController()
  active.set(run.id, controller)
  request.signal?.addEventListener(
    'abort',
    () => void cancelAnalysisRun(db, run.id, clock).catch(() => undefined),
    { once: true },
  )
  const finished = execute(db, run.id, request, controller).finally(() => active.delete(run.id))
  return { run, reused: false, finished }
}

/** Starts the run, or reuses one, and waits for its end: the command line's way. */
export async function runAnalysis(
  db: Kysely<Database>,
  request: AnalysisRequest,
): Promise<StartedRun & { run: AnalysisRunRecord }> {
  const started = await startAnalysisRun(db, request)
  return { ...started, run: await started.finished }
}

async function execute(
  db: Kysely<Database>,
  id: number,
  request: AnalysisRequest,
  controller: AbortController,
): Promise<AnalysisRunRecord> {
  const { method, options, input, clock } = request
  const began = performance.now()
  const heartbeat = heartbeatWriter(db, id, controller, request.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS)
  try {
    let points: PointSet
    let inputDetail: Record<string, unknown>
    let version: string
    if (input.kind === 'database') {
      // The points and the version they are recorded under come from one snapshot of the data.
      const read = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => ({
          version: await dataVersion(trx, input.filter),
          incidents: await loadIncidentPoints(trx, input.filter, {
            areaLevel: input.areaLevel ?? 'lsoa',
            // Boundaries are read and compared only for the one choice that needs them.
            contiguity: (options as Record<string, unknown>).neighbours === 'contiguity',
          }),
        }))
      points = read.incidents.points
      version = read.version.version
      inputDetail = {
        importRuns: read.version.importRuns,
        points: points.size,
        withoutLocation: read.incidents.withoutLocation,
      }
    } else {
      points = input.points
      version = fileDataVersion(input.sha256)
      inputDetail = {
        sha256: input.sha256,
        format: input.format,
        points: points.size,
        withoutLocation: input.withoutLocation,
      }
    }
    if (!(await markRunning(db, id, { startedAt: clock.now(), dataVersion: version, inputDetail }))) {
      throw abortError()
    }
    const progress = progressWriter(db, id, controller, request.onProgress)
    let result: unknown
    try {
      const context = { progress: progress.report, signal: controller.signal }
      result =
        methodByName(method.name) === method
          ? await computeInWorker({
              method: method.name,
              options,
              points,
              // Points read for this run are this run's to give away; a file's belong to the caller.
              transferPoints: input.kind === 'database',
              ...context,
            })
          : await method.run(points, options, context)
    } finally {
      await progress.settled()
    }
    if (controller.signal.aborted) throw abortError()
    await finishAnalysisRun(db, id, { status: 'completed', result }, clock.now(), performance.now() - began)
  } catch (error) {
    if (!controller.signal.aborted && !(error instanceof DOMException && error.name === 'AbortError')) {
      // A DomainError is the method's own words about the input ("too few points"); anything else is a fault.
      const message =
        error instanceof DomainError ? error.message : `The analysis failed: ${(error as Error).message}`
      await finishAnalysisRun(
        db,
        id,
        { status: 'failed', error: message },
        clock.now(),
        performance.now() - began,
      )
    } else await recordDuration(db, id, performance.now() - began)
  } finally {
    await heartbeat.stop()
  }
  return (await findAnalysisRun(db, id))!
}

/**
 * Writes the run's heartbeat every intervalMs until stopped, one write at a time. A run no longer
 * queued or running (cancelled, or marked failed as stale by another process) is aborted, as a
 * progress write would.
 */
function heartbeatWriter(db: Kysely<Database>, id: number, controller: AbortController, intervalMs: number) {
  let writing: Promise<void> | undefined
  const timer = setInterval(() => {
    if (writing) return
    writing = writeHeartbeat(db, id)
      .then((unfinished) => {
        if (!unfinished) controller.abort()
      })
      .catch(() => undefined)
      .finally(() => (writing = undefined))
  }, intervalMs)
  // The heartbeat alone must not keep a finished command-line process alive.
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await writing
    },
  }
}

/**
 * A progress reporter that writes to the run's row at most every PROGRESS_INTERVAL_MS, and
 * notices a cancellation, whether made in this process or another, by throwing from the report.
 */
function progressWriter(
  db: Kysely<Database>,
  id: number,
  controller: AbortController,
  onProgress?: ProgressReporter,
) {
  let lastWrite = -Infinity
  let writing: Promise<void> = Promise.resolve()
  const report: ProgressReporter = (fraction, stage) => {
    if (controller.signal.aborted) throw abortError()
    onProgress?.(fraction, stage)
    const now = performance.now()
    if (now - lastWrite < PROGRESS_INTERVAL_MS) return
    lastWrite = now
    const progress = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0
    writing = writing
      .then(() => writeProgress(db, id, progress, stage))
      .then((running) => {
        if (!running) controller.abort()
      })
      .catch(() => undefined)
  }
  return { report, settled: () => writing }
}

/**
 * Cancels a queued or running run: its row says cancelled at once, and a run in this process
 * stops at its next progress report. A run that has already ended cannot be cancelled.
 */
export async function cancelAnalysisRun(
  db: Kysely<Database>,
  id: number,
  clock: Clock,
): Promise<AnalysisRunRecord> {
  const cancelled = await markCancelled(db, id, clock.now())
  if (cancelled) {
    active.get(id)?.abort()
    return cancelled
  }
  const run = await findAnalysisRun(db, id)
  if (!run) throw notFound(`Analysis run ${id}`)
  throw new DomainError(
    'conflict',
    `Analysis run ${id} has already ${run.status === 'cancelled' ? 'been cancelled' : run.status}`,
  )
}
