/**
 * Neighbour lists for local statistics, as compressed sparse rows (CSR): row i's neighbours are
 * `indices[offsets[i] .. offsets[i + 1])`, sorted ascending. Every builder here includes the row
 * itself, as Getis-Ord Gi* needs (Getis & Ord 1992; Ord & Getis 1995). Weights are binary: a cell
 * is a neighbour or it is not.
 */
import { cellToLatLng, gridDisk, gridDiskDistances } from 'h3-js'

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

/** WGS84 equatorial radius in kilometres, and flattening. */
const WGS84_EQUATORIAL_RADIUS_KILOMETRES = 6378.137
const WGS84_FLATTENING = 1 / 298.257223563
/** WGS84 radius of curvature of the meridian at the equator, where a degree of latitude is shortest, km. */
const WGS84_SMALLEST_MERIDIAN_RADIUS_KILOMETRES =
  WGS84_EQUATORIAL_RADIUS_KILOMETRES * (1 - WGS84_FLATTENING) * (1 - WGS84_FLATTENING)

/**
 * Distance in kilometres on the WGS84 ellipsoid between two points given in degrees, by Andoyer's
 * first-order correction of the spherical distance for the flattening (Andoyer 1932, in Lambert's
 * form, 1942). It is the distance of R sp `spDists(longlat = TRUE)` and of spdep
 * `dnearneigh(longlat = TRUE)`, so neighbour lists within a distance are spdep's. It is correct to
 * first order in the flattening, and differs from the haversine on a sphere by up to 0.6%.
 */
export function ellipsoidKilometres(
  longitudeA: number,
  latitudeA: number,
  longitudeB: number,
  latitudeB: number,
): number {
  // Converted to radians before the differences are taken, in sp's order, so that distances agree
  // with sp's to about 1e-15 rather than 1e-12 (the rounding of each angle then weighs the same).
  const radians = Math.PI / 180
  const latitudeARadians = latitudeA * radians
  const latitudeBRadians = latitudeB * radians
  const meanLatitude = (latitudeARadians + latitudeBRadians) / 2
  const halfLatitude = (latitudeARadians - latitudeBRadians) / 2
  const halfLongitude = (longitudeA * radians - longitudeB * radians) / 2
  const sinHalfLatitude2 = Math.sin(halfLatitude) ** 2
  const cosHalfLatitude2 = Math.cos(halfLatitude) ** 2
  const sinMeanLatitude2 = Math.sin(meanLatitude) ** 2
  const cosMeanLatitude2 = Math.cos(meanLatitude) ** 2
  const sinHalfLongitude2 = Math.sin(halfLongitude) ** 2
  const cosHalfLongitude2 = Math.cos(halfLongitude) ** 2
  const s = sinHalfLatitude2 * cosHalfLongitude2 + cosMeanLatitude2 * sinHalfLongitude2
  if (s === 0) return 0
  const c = cosHalfLatitude2 * cosHalfLongitude2 + sinMeanLatitude2 * sinHalfLongitude2
  const omega = Math.atan(Math.sqrt(s / c))
  const r = Math.sqrt(s * c) / omega
  const h1 = (3 * r - 1) / (2 * c)
  const h2 = (3 * r + 1) / (2 * s)
  const spherical = 2 * omega * WGS84_EQUATORIAL_RADIUS_KILOMETRES
  // Points closer than ~1e-150 degrees make s subnormal and h1 or h2 infinite (Infinity × 0 = NaN);
  // the flattening terms are then nothing, so the spherical distance is the answer.
  if (!Number.isFinite(h1) || !Number.isFinite(h2)) return spherical
  return (
    spherical *
    (1 +
      WGS84_FLATTENING * h1 * sinMeanLatitude2 * cosHalfLatitude2 -
      WGS84_FLATTENING * h2 * cosMeanLatitude2 * sinHalfLatitude2)
  )
}

/** True when two points (degrees) are at most `metres` apart on the ellipsoid, compared in km as spdep does. */
const withinMetres = (
  longitudeA: number,
  latitudeA: number,
  longitudeB: number,
  latitudeB: number,
  metres: number,
): boolean => ellipsoidKilometres(longitudeA, latitudeA, longitudeB, latitudeB) <= metres / 1000

/**
 * Each point's neighbours: every point at most `metres` away on the WGS84 ellipsoid
 * (`ellipsoidKilometres`, the bound included), itself included — spdep's
 * `include.self(dnearneigh(coordinates, 0, metres / 1000, longlat = TRUE))`. Points are scanned in
 * latitude order, so only pairs within `metres` of latitude (and a margin) are measured.
 */
export function ellipsoidDistanceNeighbours(
  longitude: Float64Array,
  latitude: Float64Array,
  metres: number,
): Neighbours {
  const size = longitude.length
  if (latitude.length !== size) throw new RangeError('longitude and latitude must have the same length')
  const byLatitude = Int32Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => latitude[a]! - latitude[b]!,
  )
  // A degree of latitude is at least this long anywhere; 1% more for the approximation.
  const latitudeWindow = (1.01 * metres) / 1000 / WGS84_SMALLEST_MERIDIAN_RADIUS_KILOMETRES / (Math.PI / 180)
  const rows: number[][] = Array.from({ length: size }, (_, i) => [i])
  for (let a = 0; a < size; a++) {
    const i = byLatitude[a]!
    for (let b = a + 1; b < size; b++) {
      const j = byLatitude[b]!
      if (latitude[j]! - latitude[i]! > latitudeWindow) break
      if (withinMetres(longitude[i]!, latitude[i]!, longitude[j]!, latitude[j]!, metres)) {
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

/** The centres of H3 cells (h3-js `cellToLatLng`), as longitude and latitude arrays in degrees. */
export function h3CellCentres(cells: readonly string[]): { longitude: Float64Array; latitude: Float64Array } {
  const longitude = new Float64Array(cells.length)
  const latitude = new Float64Array(cells.length)
  cells.forEach((cell, i) => {
    ;[latitude[i], longitude[i]] = cellToLatLng(cell)
  })
  return { longitude, latitude }
}

/**
 * Every cell whose centre is at most `metres` from the centre of `cell` (as `ellipsoidDistanceNeighbours`
 * measures), itself included. On a hexagonal grid a cell k rings away is at least about
 * k · spacing · √3 / 2 away (spacing: the distance between adjacent centres), so the search starts a
 * ring beyond that and widens while its outermost ring still holds a cell within reach.
 */
export function h3CellsWithinDistance(cell: string, metres: number): string[] {
  const [latitude, longitude] = cellToLatLng(cell)
  let spacing = Infinity
  for (const near of gridDisk(cell, 1)) {
    if (near === cell) continue
    const [nearLatitude, nearLongitude] = cellToLatLng(near)
    spacing = Math.min(spacing, 1000 * ellipsoidKilometres(longitude, latitude, nearLongitude, nearLatitude))
  }
  let rings = Number.isFinite(spacing) ? Math.ceil(metres / (0.8 * spacing)) + 1 : 1
  for (;;) {
    const within: string[] = []
    let outermostReached = false
    gridDiskDistances(cell, rings).forEach((ring, distance) => {
      for (const near of ring) {
        const [nearLatitude, nearLongitude] = cellToLatLng(near)
        if (withinMetres(longitude, latitude, nearLongitude, nearLatitude, metres)) {
          within.push(near)
          if (distance === rings) outermostReached = true
        }
      }
    })
    if (!outermostReached) return within
    rings *= 2
  }
}

/**
 * The study area of a hotspot analysis with neighbours within a distance: every cell holding a point
 * plus every cell whose centre is at most `metres` from the centre of one, so that a cell at the edge
 * of the data is compared with its empty surroundings, as with rings.
 */
export function h3DistanceStudyArea(cells: readonly string[], metres: number): H3StudyArea {
  const area = new Set<string>()
  for (const cell of new Set(cells)) {
    for (const near of h3CellsWithinDistance(cell, metres)) area.add(near)
  }
  const sorted = [...area].sort()
  return { cells: sorted, index: new Map(sorted.map((cell, position) => [cell, position])) }
}
