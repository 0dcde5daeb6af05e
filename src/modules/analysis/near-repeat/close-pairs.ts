/**
 * Finds every pair of incidents closer than the largest space band, once, with a grid search:
 * the grid's cells are at least that distance wide, so a close pair lies in the same or an adjacent
 * cell. A Knox permutation moves days, not places, so these pairs and their space bands are reused
 * by every permutation.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { ProgressReporter } from '../method.ts'
import { bandIndex } from './bands.ts'
import {
  DISTANCE_FUNCTIONS,
  haversineOfAngle,
  haversineScreenLimit,
  metresFromHaversine,
  RADIANS_PER_DEGREE,
  searchWindowDegrees,
  type DistanceMeasure,
} from './distance.ts'
import { alignUp, ensureBytes, SharedInt32List, sharedMemory } from './pair-memory.ts'

/**
 * Close pairs in runs: incidents are renumbered in grid order (`point[position]` is the original
 * index); run r (`runs[4r]` to `runs[4r + 3]`) says that the pairs `first` to `end` − 1 join position a
 * to a later position `second[k]` at a distance in space band s, so each unordered pair is stored once.
 * Runs go by position, then space band. All of it lives in `memory` (gap-count-kernel.ts reads it
 * there): `second` from byte 0, `runs` from `runsOffset`.
 */
export interface ClosePairs {
  readonly point: Int32Array
  readonly memory: WebAssembly.Memory
  readonly second: Int32Array
  readonly runs: Int32Array
  readonly runsOffset: number
  readonly runCount: number
  readonly count: number
  /** Bytes of `memory` in use: other tables may follow from here. */
  readonly usedBytes: number
}

export async function findClosePairs(
  longitude: Float64Array,
  latitude: Float64Array,
  day: Int32Array,
  spaceBands: readonly number[],
  measure: DistanceMeasure,
  progress?: ProgressReporter,
  signal?: AbortSignal,
): Promise<ClosePairs> {
  const distanceBetween = DISTANCE_FUNCTIONS[measure]
  const { point, cell, columns } = gridOrder(longitude, latitude, day, spaceBands[spaceBands.length - 1]!)
  const size = point.length
  const orderedLongitude = new Float64Array(size)
  const orderedLatitude = new Float64Array(size)
  for (let position = 0; position < size; position++) {
    orderedLongitude[position] = longitude[point[position]!]!
    orderedLatitude[position] = latitude[point[position]!]!
  }
  // Haversine candidates are screened on h, the haversine of their central angle, before the
  // distance is computed from it (as haversineMetres does, so the bands are those it gives): a
  // candidate is skipped when h exceeds that of the largest break by far more than rounding error,
  // about two thirds of them (the search cells are squares, the reach a circle).
  const reach = spaceBands[spaceBands.length - 1]!
  const screenLimit = haversineScreenLimit(reach)
  const cosLatitude =
    measure === 'haversine' && Number.isFinite(screenLimit)
      ? orderedLatitude.map((latitude) => Math.cos(latitude * RADIANS_PER_DEGREE))
      : undefined
  // Runs of positions sharing a cell: cellKeys[r] holds positions runStart[r] .. runStart[r + 1] - 1.
  const cellKeys: number[] = []
  const runStart: number[] = []
  for (let position = 0; position < size; position++) {
    if (position === 0 || cell[position] !== cell[position - 1]) {
      cellKeys.push(cell[position]!)
      runStart.push(position)
    }
  }
  runStart.push(size)
  const findRun = (key: number): number => {
    let low = 0
    let high = cellKeys.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const value = cellKeys[middle]!
      if (value === key) return middle
      if (value < key) low = middle + 1
      else high = middle - 1
    }
    return -1
  }
  // The cell itself (later positions only), the cell to the east and the three cells of the next
  // row north; the other four neighbours reach this cell themselves. All have greater positions.
  const forwardSteps = [1, columns - 1, columns, columns + 1]
  const neighbourFrom = new Int32Array(forwardSteps.length)
  const neighbourTo = new Int32Array(forwardSteps.length)
  const memory = sharedMemory()
  const second = new SharedInt32List(
    memory,
    0,
    (count) => `More than ${count.toLocaleString('en-GB')} pairs of incidents are closer than ${reach} m`,
  )
  const runs = new RunList()
  const candidates = new Candidates(spaceBands.length - 1)
  let lastYield = performance.now()
  for (let run = 0; run < cellKeys.length; run++) {
    const runEnd = runStart[run + 1]!
    forwardSteps.forEach((step, k) => {
      const neighbour = findRun(cellKeys[run]! + step)
      neighbourFrom[k] = neighbour >= 0 ? runStart[neighbour]! : 0
      neighbourTo[k] = neighbour >= 0 ? runStart[neighbour + 1]! : 0
    })
    for (let a = runStart[run]!; a < runEnd; a++) {
      candidates.clear()
      const longitudeA = orderedLongitude[a]!
      const latitudeA = orderedLatitude[a]!
      const cosLatitudeA = cosLatitude ? cosLatitude[a]! : 0
      for (let k = -1; k < forwardSteps.length; k++) {
        const from = k < 0 ? a + 1 : neighbourFrom[k]!
        const to = k < 0 ? runEnd : neighbourTo[k]!
        for (let b = from; b < to; b++) {
          let distance: number
          if (cosLatitude) {
            const h = haversineOfAngle(
              longitudeA,
              latitudeA,
              cosLatitudeA,
              orderedLongitude[b]!,
              orderedLatitude[b]!,
              cosLatitude[b]!,
            )
            if (h > screenLimit) continue
            distance = metresFromHaversine(h)
          } else {
            distance = distanceBetween(longitudeA, latitudeA, orderedLongitude[b]!, orderedLatitude[b]!)
          }
          const band = bandIndex(spaceBands, distance)
          if (band >= 0) candidates.push(b, band)
        }
      }
      candidates.appendRuns(a, second, runs)
    }
    if (performance.now() - lastYield > 50) {
      progress?.((run + 1) / cellKeys.length, 'close pairs')
      await yieldToEventLoop()
      signal?.throwIfAborted()
      lastYield = performance.now()
    }
  }
  const runsOffset = alignUp(4 * second.count)
  const runBytes = 16 * runs.count
  ensureBytes(memory, runsOffset + runBytes, () => `${runs.count} runs of close pairs`)
  const sharedRuns = new Int32Array(memory.buffer, runsOffset, 4 * runs.count)
  sharedRuns.set(runs.values.subarray(0, 4 * runs.count))
  return {
    point,
    memory,
    second: second.values(),
    runs: sharedRuns,
    runsOffset,
    runCount: runs.count,
    count: second.count,
    usedBytes: alignUp(runsOffset + runBytes),
  }
}

/**
 * Positions sorted by grid cell (keys row × columns + column), then by longitude, latitude and
 * day, so that the order, and with it every permutation, does not depend on the input order.
 */
function gridOrder(longitude: Float64Array, latitude: Float64Array, day: Int32Array, reach: number) {
  const size = longitude.length
  let west = Infinity
  let east = -Infinity
  let south = Infinity
  let largestAbsoluteLatitude = 0
  for (let i = 0; i < size; i++) {
    west = Math.min(west, longitude[i]!)
    east = Math.max(east, longitude[i]!)
    south = Math.min(south, latitude[i]!)
    largestAbsoluteLatitude = Math.max(largestAbsoluteLatitude, Math.abs(latitude[i]!))
  }
  const window = searchWindowDegrees(reach, largestAbsoluteLatitude)
  // Column 0 and the last column stay empty so that a neighbour of a used cell never wraps into
  // another row. Pairs across the antimeridian (±180°) are not joined.
  const columns = size > 0 ? Math.floor((east - west) / window.longitude) + 3 : 1
  const keyOf = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    const row = Math.floor((latitude[i]! - south) / window.latitude)
    const column = Math.floor((longitude[i]! - west) / window.longitude) + 1
    keyOf[i] = row * columns + column
  }
  const point = new Int32Array(size)
  for (let i = 0; i < size; i++) point[i] = i
  point.sort(
    (a, b) =>
      keyOf[a]! - keyOf[b]! ||
      longitude[a]! - longitude[b]! ||
      latitude[a]! - latitude[b]! ||
      day[a]! - day[b]!,
  )
  const cell = new Float64Array(size)
  for (let position = 0; position < size; position++) cell[position] = keyOf[point[position]!]!
  return { point, cell, columns }
}

/** The close pairs of one position, gathered in any order and appended to `second` grouped by space band. */
class Candidates {
  count = 0
  second = new Int32Array(1024)
  band = new Uint16Array(1024)
  private readonly inBand: Int32Array
  private grouped = new Int32Array(1024)

  constructor(bandCount: number) {
    this.inBand = new Int32Array(bandCount + 1)
  }

  clear() {
    this.count = 0
  }

  push(second: number, band: number) {
    if (this.count === this.second.length) {
      const grownSecond = new Int32Array(2 * this.count)
      grownSecond.set(this.second)
      this.second = grownSecond
      const grownBand = new Uint16Array(2 * this.count)
      grownBand.set(this.band)
      this.band = grownBand
      this.grouped = new Int32Array(2 * this.count)
    }
    this.second[this.count] = second
    this.band[this.count] = band
    this.count++
  }

  /** A counting sort by band (keeping the order within a band), then one run per band that has pairs. */
  appendRuns(position: number, second: SharedInt32List, runs: RunList) {
    if (this.count === 0) return
    const { inBand, grouped } = this
    inBand.fill(0)
    for (let k = 0; k < this.count; k++) inBand[this.band[k]! + 1]!++
    for (let band = 1; band < inBand.length; band++) inBand[band]! += inBand[band - 1]!
    const first = second.count
    for (let band = 0; band < inBand.length - 1; band++) {
      if (inBand[band + 1]! > inBand[band]!) {
        runs.push(position, band, first + inBand[band]!, first + inBand[band + 1]!)
      }
    }
    for (let k = 0; k < this.count; k++) grouped[inBand[this.band[k]!]!++] = this.second[k]!
    second.pushAll(grouped, this.count)
  }
}

/** Runs of 4 int32s (position, band, first pair, end pair), growing by doubling. */
class RunList {
  count = 0
  values = new Int32Array(4096)

  push(position: number, band: number, first: number, end: number) {
    if (4 * this.count === this.values.length) {
      const grown = new Int32Array(2 * this.values.length)
      grown.set(this.values)
      this.values = grown
    }
    const at = 4 * this.count++
    this.values[at] = position
    this.values[at + 1] = band
    this.values[at + 2] = first
    this.values[at + 3] = end
  }
}
