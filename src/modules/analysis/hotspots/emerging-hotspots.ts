/**
 * Emerging hot spots: a space-time cube of cells × time slices, Getis-Ord Gi* in every slice, a
 * Mann-Kendall trend of each cell's z-scores, and each cell's category (pattern) as ArcGIS Pro's
 * Emerging Hot Spot Analysis names them ("How Emerging Hot Spot Analysis works"). The rules and the decisions
 * where ArcGIS's wording leaves room are in docs/analysis/emerging-hotspots.md.
 * Typed arrays in, typed arrays out; no database, no per-point objects.
 */
import { twoSidedNormalP } from '../statistics/normal.ts'
import { benjaminiHochberg } from '../statistics/p-value-adjustment.ts'
import { giStar } from './gi-star.ts'
import { mannKendall } from './mann-kendall.ts'
import type { Neighbours } from './neighbours.ts'

export type SliceUnit = 'week' | 'month'

export interface TimeSlice {
  /** `2024-03` for a calendar month, `2024-W09` for an ISO week. */
  readonly label: string
  /** First day, YYYY-MM-DD (UTC). */
  readonly start: string
  /** Last day, YYYY-MM-DD (UTC), inclusive. */
  readonly end: string
}

export interface TimeSlicing {
  readonly slices: TimeSlice[]
  /** Slice index of each point, in the order of the days given. */
  readonly sliceOfPoint: Int32Array
}

const MILLISECONDS_PER_DAY = 86_400_000

/**
 * Cuts time into calendar months or ISO weeks (Monday to Sunday, UTC), from the slice holding the
 * earliest day to the slice holding the latest, empty slices included.
 */
export function timeSlicing(days: Int32Array, unit: SliceUnit): TimeSlicing {
  if (days.length === 0) return { slices: [], sliceOfPoint: new Int32Array(0) }
  let first = days[0]!
  let last = days[0]!
  for (let i = 1; i < days.length; i++) {
    if (days[i]! < first) first = days[i]!
    if (days[i]! > last) last = days[i]!
  }
  const sliceNumber = unit === 'month' ? monthNumber : weekNumber
  // One lookup per distinct day rather than a Date per point.
  const sliceOfDay = new Int32Array(last - first + 1)
  const firstSlice = sliceNumber(first)
  for (let day = first; day <= last; day++) sliceOfDay[day - first] = sliceNumber(day) - firstSlice
  const sliceOfPoint = new Int32Array(days.length)
  for (let i = 0; i < days.length; i++) sliceOfPoint[i] = sliceOfDay[days[i]! - first]!
  const slices: TimeSlice[] = []
  for (let number = firstSlice; number <= sliceNumber(last); number++) {
    slices.push(unit === 'month' ? monthSlice(number) : weekSlice(number))
  }
  return { slices, sliceOfPoint }
}

/** Months since January of year 0: year · 12 + month − 1. */
function monthNumber(day: number): number {
  const date = new Date(day * MILLISECONDS_PER_DAY)
  return date.getUTCFullYear() * 12 + date.getUTCMonth()
}

/** Weeks since Monday 1969-12-29 (day −3; 1970-01-01 was a Thursday). */
function weekNumber(day: number): number {
  return Math.floor((day + 3) / 7)
}

function monthSlice(number: number): TimeSlice {
  const year = Math.floor(number / 12)
  const month = number - year * 12
  const start = Date.UTC(year, month, 1)
  const end = Date.UTC(year, month + 1, 1) - MILLISECONDS_PER_DAY
  return { label: isoDate(start).slice(0, 7), start: isoDate(start), end: isoDate(end) }
}

function weekSlice(number: number): TimeSlice {
  const monday = number * 7 - 3
  // ISO 8601: a week belongs to the year of its Thursday, and week 1 holds the year's first Thursday.
  const thursday = new Date((monday + 3) * MILLISECONDS_PER_DAY)
  const isoYear = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * MILLISECONDS_PER_DAY)) + 1
  return {
    label: `${isoYear}-W${String(week).padStart(2, '0')}`,
    start: isoDate(monday * MILLISECONDS_PER_DAY),
    end: isoDate((monday + 6) * MILLISECONDS_PER_DAY),
  }
}

function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 10)
}

/** A space-time cube: `values[slice · cellCount + cell]`. */
export interface SpaceTimeCube {
  readonly cellCount: number
  readonly sliceCount: number
  readonly values: Float64Array
}

/** Adds each point's weight (1 for a plain count) to its bin. */
export function spaceTimeCube(
  cellOfPoint: Int32Array,
  sliceOfPoint: Int32Array,
  weight: Float64Array | undefined,
  cellCount: number,
  sliceCount: number,
): SpaceTimeCube {
  const values = new Float64Array(cellCount * sliceCount)
  for (let i = 0; i < cellOfPoint.length; i++) {
    values[sliceOfPoint[i]! * cellCount + cellOfPoint[i]!]! += weight ? weight[i]! : 1
  }
  return { cellCount, sliceCount, values }
}

export type EmergingCategory =
  | 'new-hot-spot'
  | 'consecutive-hot-spot'
  | 'intensifying-hot-spot'
  | 'persistent-hot-spot'
  | 'diminishing-hot-spot'
  | 'sporadic-hot-spot'
  | 'oscillating-hot-spot'
  | 'historical-hot-spot'
  | 'new-cold-spot'
  | 'consecutive-cold-spot'
  | 'intensifying-cold-spot'
  | 'persistent-cold-spot'
  | 'diminishing-cold-spot'
  | 'sporadic-cold-spot'
  | 'oscillating-cold-spot'
  | 'historical-cold-spot'
  | 'no-pattern'

export const EMERGING_CATEGORIES: readonly EmergingCategory[] = [
  'new-hot-spot',
  'consecutive-hot-spot',
  'intensifying-hot-spot',
  'persistent-hot-spot',
  'diminishing-hot-spot',
  'sporadic-hot-spot',
  'oscillating-hot-spot',
  'historical-hot-spot',
  'new-cold-spot',
  'consecutive-cold-spot',
  'intensifying-cold-spot',
  'persistent-cold-spot',
  'diminishing-cold-spot',
  'sporadic-cold-spot',
  'oscillating-cold-spot',
  'historical-cold-spot',
  'no-pattern',
]

/** ArcGIS's "90 percent of the time-step intervals". */
const MOSTLY = 0.9

/**
 * The category of one cell from its slices' significance (+1 significant hot spot, −1 significant
 * cold spot, 0 neither; oldest first) and the Mann-Kendall trend of its z-scores, a trend counting
 * as significant when p ≤ `alpha` (as bins do, and as gi-star's classes do). The final slice picks
 * the family: hot → a hot-spot category, cold → a cold-spot category, neither → historical or none.
 */
export function classifyEmergingCategory(
  significance: ArrayLike<number>,
  trend: { readonly z: number; readonly p: number },
  alpha: number,
): EmergingCategory {
  const n = significance.length
  if (n === 0) return 'no-pattern'
  const final = Math.sign(significance[n - 1]!)
  if (final !== 0) return categoryOfFamily(significance, final, trend, alpha)
  if (share(significance, 1) >= MOSTLY) return 'historical-hot-spot'
  if (share(significance, -1) >= MOSTLY) return 'historical-cold-spot'
  return 'no-pattern'
}

/** The rules for hot spots (`direction` 1) and, mirrored, for cold spots (−1); the final slice has `direction`. */
function categoryOfFamily(
  significance: ArrayLike<number>,
  direction: number,
  trend: { readonly z: number; readonly p: number },
  alpha: number,
): EmergingCategory {
  const family = direction > 0 ? 'hot-spot' : 'cold-spot'
  const n = significance.length
  if (share(significance, direction) >= MOSTLY) {
    // For cold spots, "intensifying" means z-scores falling further below zero.
    const significantTrend = trend.p <= alpha && trend.z !== 0
    if (significantTrend && Math.sign(trend.z) === direction) return `intensifying-${family}`
    if (significantTrend) return `diminishing-${family}`
    return `persistent-${family}`
  }
  let opposite = false
  for (let t = 0; t < n; t++) if (Math.sign(significance[t]!) === -direction) opposite = true
  if (opposite) return `oscillating-${family}`
  let runStart = n - 1
  while (runStart > 0 && Math.sign(significance[runStart - 1]!) === direction) runStart--
  for (let t = 0; t < runStart; t++) {
    if (Math.sign(significance[t]!) === direction) return `sporadic-${family}`
  }
  return n - runStart === 1 ? `new-${family}` : `consecutive-${family}`
}

function share(significance: ArrayLike<number>, direction: number): number {
  let count = 0
  for (let t = 0; t < significance.length; t++) if (Math.sign(significance[t]!) === direction) count++
  return count / significance.length
}

/**
 * Which bins Gi*'s mean and variance are taken over: every bin of the cube (ArcGIS's "entire
 * cube", which we take to be its default), or only the bins of the slice's time window (ArcGIS's "neighborhood time step";
 * with a time window of 1, "individual time step", i.e. plain Gi* within each slice).
 */
export type GlobalWindow = 'cube' | 'window'

export interface EmergingHotspotOptions {
  /** Slices in each bin's time window: the slice itself and the `timeWindow − 1` before it (1 = slice only). */
  readonly timeWindow: number
  readonly globalWindow: GlobalWindow
  /** Confidence level in percent (90, 95 or 99) for significant bins and significant trends. */
  readonly confidence: number
  /**
   * Benjamini-Hochberg adjustment of the bins' p-values, slice by slice (the cells of one slice are
   * one family of tests), before the bins are called significant; false or absent: raw p-values.
   */
  readonly fdr?: boolean
  /** Called after each slice's Gi* with the slice's index. */
  readonly progress?: (slice: number) => void
  readonly signal?: AbortSignal
}

export interface EmergingHotspotResult {
  /** Gi* z-score of every bin, `z[slice · cellCount + cell]`; 0 where a slice has no variation. */
  readonly z: Float64Array
  /** Two-sided p-value of every bin, laid out as `z`. */
  readonly p: Float64Array
  /** With `fdr`: each bin's p adjusted over the cells of its slice (Benjamini-Hochberg); else null. */
  readonly pFdr: Float64Array | null
  /** Per cell: Kendall's tau, Mann-Kendall Z (continuity-corrected) and p of its z-series. */
  readonly trendTau: Float64Array
  readonly trendZ: Float64Array
  readonly trendP: Float64Array
  readonly category: EmergingCategory[]
}

/**
 * Gi* per slice, trend and category per cell. A bin's neighbours are its spatial neighbours in its
 * own slice and the `timeWindow − 1` slices before it (fewer at the start of the series), weights
 * binary; Gi*'s mean and variance come from the bins of `globalWindow`. With the window as global
 * window, each slice is a plain Gi* over the window's bins (gi-star.ts); over the whole cube, the
 * same formula with the cube's mean and variance. Yields to the event loop after each slice, so
 * that a cancel (`signal`) is seen between slices.
 */
export async function emergingHotspots(
  cube: SpaceTimeCube,
  neighbours: Neighbours,
  options: EmergingHotspotOptions,
): Promise<EmergingHotspotResult> {
  const { cellCount, sliceCount } = cube
  if (neighbours.offsets.length !== cellCount + 1) {
    throw new RangeError(
      `neighbours describe ${neighbours.offsets.length - 1} cells but the cube has ${cellCount}`,
    )
  }
  // (100 − c) / 100 rather than 1 − c / 100, which gives 0.09999999999999998 for 90.
  const alpha = (100 - options.confidence) / 100
  const z = new Float64Array(cellCount * sliceCount)
  const p = new Float64Array(cellCount * sliceCount)
  const sliceGiStar =
    options.globalWindow === 'cube'
      ? cubeWindowGiStar(cube, neighbours, options.timeWindow)
      : timeWindowGiStar(cube, neighbours, options.timeWindow)
  for (let slice = 0; slice < sliceCount; slice++) {
    options.signal?.throwIfAborted()
    sliceGiStar(
      slice,
      z.subarray(slice * cellCount, (slice + 1) * cellCount),
      p.subarray(slice * cellCount, (slice + 1) * cellCount),
    )
    options.progress?.(slice)
    await new Promise((resolve) => setImmediate(resolve))
  }
  options.signal?.throwIfAborted()
  const pFdr = options.fdr ? adjustedBySlice(p, cellCount, sliceCount) : null
  const pSignificance = pFdr ?? p

  const trendTau = new Float64Array(cellCount)
  const trendZ = new Float64Array(cellCount)
  const trendP = new Float64Array(cellCount)
  const category = new Array<EmergingCategory>(cellCount)
  const series = new Float64Array(sliceCount)
  const significance = new Int8Array(sliceCount)
  for (let cell = 0; cell < cellCount; cell++) {
    for (let slice = 0; slice < sliceCount; slice++) {
      const bin = slice * cellCount + cell
      series[slice] = z[bin]!
      significance[slice] = pSignificance[bin]! <= alpha ? Math.sign(z[bin]!) : 0
    }
    const trend = mannKendall(series)
    trendTau[cell] = trend.tau
    trendZ[cell] = trend.z
    trendP[cell] = trend.p
    category[cell] = classifyEmergingCategory(significance, trend, alpha)
  }
  return { z, p, pFdr, trendTau, trendZ, trendP, category }
}

/** Benjamini-Hochberg within each slice: `p[slice · cellCount + cell]` over the cells of that slice. */
function adjustedBySlice(p: Float64Array, cellCount: number, sliceCount: number): Float64Array {
  const adjusted = new Float64Array(p.length)
  for (let slice = 0; slice < sliceCount; slice++) {
    const bins = p.subarray(slice * cellCount, (slice + 1) * cellCount)
    adjusted.set(benjaminiHochberg(bins), slice * cellCount)
  }
  return adjusted
}

type SliceGiStar = (slice: number, z: Float64Array, p: Float64Array) => void

/** Gi* of one slice's bins with the mean and variance of the bins of its time window (giStar itself). */
function timeWindowGiStar(cube: SpaceTimeCube, neighbours: Neighbours, timeWindow: number): SliceGiStar {
  const { cellCount, values } = cube
  const byWidth = new Map<number, Neighbours>()
  return (slice, z, p) => {
    const width = Math.min(timeWindow, slice + 1)
    let windowNeighbours = byWidth.get(width)
    if (!windowNeighbours) {
      windowNeighbours = spaceTimeNeighbours(neighbours, cellCount, width)
      byWidth.set(width, windowNeighbours)
    }
    // Block b of the window holds slice − b, so the target slice's bins are rows 0 .. cellCount − 1.
    const windowValues = new Float64Array(cellCount * width)
    for (let b = 0; b < width; b++) {
      windowValues.set(values.subarray((slice - b) * cellCount, (slice - b + 1) * cellCount), b * cellCount)
    }
    const result = giStar(windowValues, windowNeighbours)
    z.set(result.z.subarray(0, cellCount))
    p.set(result.p.subarray(0, cellCount))
  }
}

/**
 * Gi* of one slice's bins with the mean and variance of every bin of the cube, the formula of
 * gi-star.ts with N = cells × slices: z = (Σ_window x − x̄ W) / (S √((N W − W²) / (N − 1))),
 * W = the number of neighbouring bins. 0 (p = 1) where undefined, as giStar does.
 */
function cubeWindowGiStar(cube: SpaceTimeCube, neighbours: Neighbours, timeWindow: number): SliceGiStar {
  const { cellCount, values } = cube
  const size = values.length
  let total = 0
  for (let i = 0; i < size; i++) total += values[i]!
  const mean = total / size
  let squares = 0
  for (let i = 0; i < size; i++) squares += (values[i]! - mean) ** 2
  const standardDeviation = Math.sqrt(squares / size)
  const { offsets, indices } = neighbours
  return (slice, z, p) => {
    z.fill(0)
    p.fill(1)
    if (!(standardDeviation > 0)) return
    const width = Math.min(timeWindow, slice + 1)
    for (let cell = 0; cell < cellCount; cell++) {
      let lag = 0
      for (let b = 0; b < width; b++) {
        const base = (slice - b) * cellCount
        for (let k = offsets[cell]!; k < offsets[cell + 1]!; k++) lag += values[base + indices[k]!]!
      }
      const weightSum = width * (offsets[cell + 1]! - offsets[cell]!)
      const spread = (size * weightSum - weightSum * weightSum) / (size - 1)
      if (!(spread > 0)) continue
      z[cell] = (lag - mean * weightSum) / (standardDeviation * Math.sqrt(spread))
      p[cell] = twoSidedNormalP(z[cell]!)
    }
  }
}

/**
 * Neighbours over the `width · cellCount` bins of a time window. Rows of the target slice (block 0)
 * list every spatial neighbour in every slice of the window; the other rows list only themselves,
 * since only the target slice's z-scores are kept and Gi*'s mean and variance use values alone.
 */
function spaceTimeNeighbours(neighbours: Neighbours, cellCount: number, width: number): Neighbours {
  if (width === 1) return neighbours
  const spatial = neighbours.offsets[cellCount]!
  const offsets = new Int32Array(cellCount * width + 1)
  const indices = new Int32Array(spatial * width + cellCount * (width - 1))
  let at = 0
  for (let cell = 0; cell < cellCount; cell++) {
    for (let b = 0; b < width; b++) {
      for (let k = neighbours.offsets[cell]!; k < neighbours.offsets[cell + 1]!; k++) {
        indices[at++] = b * cellCount + neighbours.indices[k]!
      }
    }
    offsets[cell + 1] = at
  }
  for (let row = cellCount; row < cellCount * width; row++) {
    indices[at++] = row
    offsets[row + 1] = at
  }
  return { offsets, indices }
}
