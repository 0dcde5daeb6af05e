/**
 * Neighbour lists for local statistics, as compressed sparse rows (CSR): row i's neighbours are
 * `indices[offsets[i] .. offsets[i + 1])`, sorted ascending. Every builder here includes the row
 * itself, as Getis-Ord Gi* needs (Getis & Ord 1992; Ord & Getis 1995). Weights are binary: a cell
 * is a neighbour or it is not.
 */
import { gridDisk } from 'h3-js'

export interface Neighbours {
  readonly offsets: Int32Array
  readonly indices: Int32Array
}

export interface H3StudyArea {
  /** Every cell of the study area, sorted as strings. */
  readonly cells: string[]
  /** Cell → its position in `cells`. */
  readonly index: Map<string, number>
}

/** Mean Earth radius (IUGG), metres, for great-circle distances. */
export const EARTH_RADIUS_METRES = 6_371_008.8

/**
 * The study area of a hotspot analysis: every cell holding a point plus every cell within `rings`
 * rings of one (h3 `gridDisk`), so that a cell at the edge of the data is compared with its empty
 * surroundings rather than with nothing.
 */
export function h3StudyArea(cells: readonly string[], rings: number): H3StudyArea {
  const area = new Set<string>()
  for (const cell of new Set(cells)) {
    for (const near of gridDisk(cell, rings)) area.add(near)
  }
  const sorted = [...area].sort()
  return { cells: sorted, index: new Map(sorted.map((cell, position) => [cell, position])) }
}

/** Each cell's neighbours: every cell within `rings` rings, itself included, that is in `cells`. */
export function h3RingNeighbours(cells: readonly string[], rings: number): Neighbours {
  const index = new Map(cells.map((cell, position) => [cell, position]))
  const rows: Int32Array[] = []
  let total = 0
  for (const cell of cells) {
    const row: number[] = []
    for (const near of gridDisk(cell, rings)) {
      const position = index.get(near)
      if (position !== undefined) row.push(position)
    }
    const sorted = Int32Array.from(row).sort()
    rows.push(sorted)
    total += sorted.length
  }
  return fromRows(rows, total)
}

/**
 * Each point's neighbours: every point whose great-circle (haversine) distance is at most `metres`,
 * itself included. Points are scanned in latitude order, so only pairs within `metres` of latitude
 * are measured.
 */
export function distanceNeighbours(
  longitude: Float64Array,
  latitude: Float64Array,
  metres: number,
): Neighbours {
  const size = longitude.length
  if (latitude.length !== size) throw new RangeError('longitude and latitude must have the same length')
  const radians = Math.PI / 180
  const byLatitude = Int32Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => latitude[a]! - latitude[b]!,
  )
  const latitudeWindow = metres / EARTH_RADIUS_METRES / radians
  const rows: number[][] = Array.from({ length: size }, (_, i) => [i])
  for (let a = 0; a < size; a++) {
    const i = byLatitude[a]!
    const latitudeI = latitude[i]! * radians
    const longitudeI = longitude[i]! * radians
    for (let b = a + 1; b < size; b++) {
      const j = byLatitude[b]!
      if (latitude[j]! - latitude[i]! > latitudeWindow) break
      const distance = haversineMetres(latitudeI, longitudeI, latitude[j]! * radians, longitude[j]! * radians)
      if (distance <= metres) {
        rows[i]!.push(j)
        rows[j]!.push(i)
      }
    }
  }
  let total = 0
  const sortedRows = rows.map((row) => {
    total += row.length
    return Int32Array.from(row).sort()
  })
  return fromRows(sortedRows, total)
}

/** Areas with a given adjacency (pairs of area positions, either order, repeats ignored), each area itself included. */
export function adjacencyNeighbours(size: number, pairs: readonly (readonly [number, number])[]): Neighbours {
  const rows: Set<number>[] = Array.from({ length: size }, (_, i) => new Set([i]))
  for (const [a, b] of pairs) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= size || b >= size) {
      throw new RangeError(`adjacency pair [${a}, ${b}] names an area outside 0..${size - 1}`)
    }
    rows[a]!.add(b)
    rows[b]!.add(a)
  }
  let total = 0
  const sortedRows = rows.map((row) => {
    total += row.size
    return Int32Array.from(row).sort()
  })
  return fromRows(sortedRows, total)
}

/** Great-circle distance in metres between two points given in radians. */
export function haversineMetres(
  latitudeA: number,
  longitudeA: number,
  latitudeB: number,
  longitudeB: number,
): number {
  const sinLatitude = Math.sin((latitudeB - latitudeA) / 2)
  const sinLongitude = Math.sin((longitudeB - longitudeA) / 2)
  const h =
    sinLatitude * sinLatitude + Math.cos(latitudeA) * Math.cos(latitudeB) * sinLongitude * sinLongitude
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)))
}

function fromRows(rows: readonly Int32Array[], total: number): Neighbours {
  const offsets = new Int32Array(rows.length + 1)
  const indices = new Int32Array(total)
  let at = 0
  rows.forEach((row, i) => {
    indices.set(row, at)
    at += row.length
    offsets[i + 1] = at
  })
  return { offsets, indices }
}
