/**
 * The Knox test for space-time clustering (Knox 1964), as used for near repeats (Townsley, Homel &
 * Chaseling 2003; Ratcliffe's Near Repeat Calculator; the R package NearRepeat by Steenbeek):
 * every unordered pair of incidents is counted in the band pair of its distance and its time apart;
 * the counts expected when timing and place are unrelated come from Monte Carlo permutations of the
 * incidents' days among the incidents.
 *
 * Speed: only pairs closer than the largest space band can ever be counted, and a permutation of
 * days does not move incidents, so those pairs are found once with a grid search and their space
 * band stored; each permutation then only compares the days of those pairs, 16 permutations a pass
 * in WebAssembly (knox-permutations.ts, gap-count-kernel.ts).
 */
import { availableParallelism } from 'node:os'
import { invalid } from '../../../errors.ts'
import type { ProgressReporter } from '../method.ts'
import { bandIndex, bandProblem } from './bands.ts'
import { findClosePairs } from './close-pairs.ts'
import { DISTANCE_MEASURES, type DistanceMeasure } from './distance.ts'
import {
  blockCount,
  countPairs,
  timeThresholds,
  workspaceBytes,
  type PermutationInput,
} from './knox-permutations.ts'
import { permuteHere, permuteInWorkers } from './permutation-runner.ts'

export interface KnoxOptions {
  /** Break points of the space bands in metres, e.g. [0, 1, 100, 200, 400]: bands [0,1), [1,100), … */
  readonly spaceBands: readonly number[]
  /** Break points of the time bands in whole days, e.g. [0, 1, 8, 15, 29]. */
  readonly timeBands: readonly number[]
  /** Monte Carlo permutations of the days (999 unless given). */
  readonly permutations?: number
  /** Seed of the permutations: the same seed gives the same result (1 unless given). */
  readonly seed?: number
  readonly distance?: DistanceMeasure
  /**
   * Worker threads for the permutations: by default one per core when the run is long enough to
   * gain from them (close pairs × permutations ≥ 2 billion, about half a second in one thread, which
   * is what starting the workers costs), else none (1).
   */
  readonly threads?: number
  readonly progress?: ProgressReporter
  readonly signal?: AbortSignal
}

export interface KnoxBand {
  /** [lo, hi) in metres. */
  readonly space: readonly [number, number]
  /** [lo, hi) in days. */
  readonly time: readonly [number, number]
  /** Pairs of incidents in this band pair. */
  readonly observed: number
  /** Mean count over the permutations. */
  readonly expected: number
  /** observed / expected (the Knox ratio); null when no permutation gave a pair here. */
  readonly ratio: number | null
  /** (1 + permutations with a count ≥ observed) / (1 + permutations). */
  readonly p: number
}

export interface KnoxResult {
  /** Space band by space band, time bands within each. */
  readonly bands: KnoxBand[]
  readonly pointCount: number
  /** Pairs closer than the largest space band and not closer than the smallest break. */
  readonly closePairCount: number
  readonly permutations: number
  readonly seed: number
  readonly distance: DistanceMeasure
}

export const DEFAULT_PERMUTATIONS = 999
export const DEFAULT_SEED = 1
export const MAXIMUM_PERMUTATIONS = 99_999
const WORKER_THRESHOLD = 2_000_000_000
/** Keeps the count tables small and the band index within 16 bits. */
export const MAXIMUM_BREAK_POINTS = 100

/** field → message for every problem with the options, {} when they are fine. */
export function knoxOptionProblems(
  options: Partial<Record<keyof KnoxOptions, unknown>>,
): Record<string, string> {
  const problems: Record<string, string> = {}
  const space = bandProblem(options.spaceBands, 'metres', MAXIMUM_BREAK_POINTS)
  if (space) problems.spaceBands = `Space bands ${space}`
  const time = bandProblem(options.timeBands, 'days', MAXIMUM_BREAK_POINTS)
  if (time) problems.timeBands = `Time bands ${time}`
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  if (
    typeof permutations !== 'number' ||
    !Number.isInteger(permutations) ||
    permutations < 1 ||
    permutations > MAXIMUM_PERMUTATIONS
  ) {
    problems.permutations = `Permutations must be a whole number from 1 to ${MAXIMUM_PERMUTATIONS} (${String(permutations)} given)`
  }
  const seed = options.seed ?? DEFAULT_SEED
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 4_294_967_295) {
    problems.seed = `Seed must be a whole number from 0 to 4294967295 (${String(seed)} given)`
  }
  const distance = options.distance ?? 'haversine'
  if (!DISTANCE_MEASURES.includes(distance as DistanceMeasure)) {
    problems.distance = `Distance must be one of ${DISTANCE_MEASURES.join(', ')} (${String(distance)} given)`
  }
  if (options.threads !== undefined) {
    const threads = options.threads
    if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 64) {
      problems.threads = `Threads must be a whole number from 1 to 64 (${String(threads)} given)`
    }
  }
  return problems
}

/** Runs the Knox test; throws a DomainError for invalid options, the signal's reason when aborted. */
export async function knoxTest(
  longitude: Float64Array,
  latitude: Float64Array,
  day: Int32Array,
  options: KnoxOptions,
): Promise<KnoxResult> {
  const problems = knoxOptionProblems(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const size = longitude.length
  if (latitude.length !== size || day.length !== size) {
    throw invalid({ points: 'Longitude, latitude and day must have one value per incident' })
  }
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(longitude[i]!) || !Number.isFinite(latitude[i]!) || Math.abs(latitude[i]!) > 90) {
      throw invalid({ points: `Incident ${i + 1} has no valid location (${longitude[i]}, ${latitude[i]})` })
    }
  }
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  const seed = options.seed ?? DEFAULT_SEED
  const distance = options.distance ?? 'haversine'
  const { spaceBands, timeBands, progress, signal } = options
  signal?.throwIfAborted()

  const pairs = await findClosePairs(
    longitude,
    latitude,
    day,
    spaceBands,
    distance,
    progress && ((fraction, stage) => progress(0.1 * fraction, stage)),
    signal,
  )
  const orderedDay = new Int32Array(size)
  for (let position = 0; position < size; position++) orderedDay[position] = day[pairs.point[position]!]!
  const { earliest, latest } = dayRange(orderedDay)
  const timeBandOfGap = timeBandLookup(timeBands, latest - earliest)

  // Counts in rows of one space band: a column per time band and one for pairs not counted.
  const rowWidth = timeBands.length
  const spaceBandCount = spaceBands.length - 1
  const bandCount = spaceBandCount * rowWidth
  const observed = new Int32Array(bandCount)
  countPairs(pairs, timeBandOfGap, rowWidth, orderedDay, observed)

  const thresholds = timeThresholds(timeBands, latest - earliest)
  const input: PermutationInput = {
    memory: pairs.memory,
    pairCount: pairs.count,
    runsOffset: pairs.runsOffset,
    runCount: pairs.runCount,
    day: orderedDay.map((value) => value - earliest),
    thresholds,
    timeBandOfGap,
    rowWidth,
    observed,
    seed,
    permutations,
    workspacesOffset: pairs.usedBytes,
    workspaceBytes: workspaceBytes(size, spaceBandCount, thresholds),
  }
  const threads = Math.min(
    blockCount(permutations),
    options.threads ?? (pairs.count * permutations >= WORKER_THRESHOLD ? availableParallelism() : 1),
  )
  const reportBlocks = (done: number) =>
    progress?.(0.1 + (0.9 * done) / blockCount(permutations), 'permutations')
  const totals =
    threads > 1
      ? await permuteInWorkers(input, threads, reportBlocks, signal)
      : await permuteHere(input, reportBlocks, signal)
  const { countSum, atLeastObserved } = totals
  progress?.(1, 'permutations')

  const bands: KnoxBand[] = []
  for (let s = 0; s < spaceBands.length - 1; s++) {
    for (let t = 0; t < timeBands.length - 1; t++) {
      const band = s * rowWidth + t
      const expected = countSum[band]! / permutations
      bands.push({
        space: [spaceBands[s]!, spaceBands[s + 1]!],
        time: [timeBands[t]!, timeBands[t + 1]!],
        observed: observed[band]!,
        expected,
        ratio: expected > 0 ? observed[band]! / expected : null,
        p: (1 + atLeastObserved[band]!) / (1 + permutations),
      })
    }
  }
  return { bands, pointCount: size, closePairCount: pairs.count, permutations, seed, distance }
}

function dayRange(days: Int32Array) {
  let earliest = Infinity
  let latest = -Infinity
  for (const value of days) {
    if (value < earliest) earliest = value
    if (value > latest) latest = value
  }
  return days.length > 0 ? { earliest, latest } : { earliest: 0, latest: 0 }
}

/**
 * The time band of every whole-day gap below the last time break that can occur in the data;
 * gaps in no band get the "not reported" column (the number of time bands).
 */
function timeBandLookup(timeBands: readonly number[], largestGap: number): Int32Array {
  const length = Math.min(Math.ceil(timeBands[timeBands.length - 1]!), largestGap + 1)
  const notReported = timeBands.length - 1
  const lookup = new Int32Array(length)
  for (let gap = 0; gap < length; gap++) {
    const band = bandIndex(timeBands, gap)
    lookup[gap] = band >= 0 ? band : notReported
  }
  return lookup
}
