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

/**
 * Close pairs in compressed rows: incidents are renumbered in grid order (`point[position]` is the
 * original index), and the pairs of position a are `second[k]`, k from `pairStart[a]` to
 * `pairStart[a + 1]` - 1, each with a greater position than a, so each unordered pair is stored once.
 */
export interface ClosePairs {
  readonly point: Int32Array
  readonly pairStart: Int32Array
  readonly second: Int32Array
  /** Space band index of each pair. */
  readonly spaceBand: Uint16Array
  readonly count: number
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
  const pairStart = new Int32Array(size + 1)
  const pairs = new PairBuffer()
  let lastYield = performance.now()
  for (let run = 0; run < cellKeys.length; run++) {
    const runEnd = runStart[run + 1]!
    forwardSteps.forEach((step, k) => {
      const neighbour = findRun(cellKeys[run]! + step)
      neighbourFrom[k] = neighbour >= 0 ? runStart[neighbour]! : 0
      neighbourTo[k] = neighbour >= 0 ? runStart[neighbour + 1]! : 0
    })
    for (let a = runStart[run]!; a < runEnd; a++) {
      pairStart[a] = pairs.count
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
          if (band >= 0) pairs.push(b, band)
        }
      }
    }
    if (performance.now() - lastYield > 50) {
      progress?.((run + 1) / cellKeys.length, 'close pairs')
      await yieldToEventLoop()
      signal?.throwIfAborted()
      lastYield = performance.now()
    }
  }
  pairStart[size] = pairs.count
  return { point, pairStart, second: pairs.second, spaceBand: pairs.spaceBand, count: pairs.count }
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

/** Grows by doubling: the number of close pairs is not known before the search. */
class PairBuffer {
  count = 0
  second = new Int32Array(4096)
  spaceBand = new Uint16Array(4096)

  push(second: number, spaceBand: number) {
    if (this.count === this.second.length) {
      const second = new Int32Array(this.count * 2)
      second.set(this.second)
      this.second = second
      const spaceBand = new Uint16Array(this.count * 2)
      spaceBand.set(this.spaceBand)
      this.spaceBand = spaceBand
    }
    this.second[this.count] = second
    this.spaceBand[this.count] = spaceBand
    this.count++
  }
}
