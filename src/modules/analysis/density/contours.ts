import { contours } from 'd3-contour'
import type { DensityGrid } from './grid.ts'

/**
 * Density contours as GeoJSON: for each level, the area where the density is at least that level, as one
 * MultiPolygon in longitude/latitude. Marching squares over the cell centres with linear interpolation
 * (d3-contour); rings are closed and follow the right-hand rule of RFC 7946 §3.1.6 (exterior rings
 * counter-clockwise, holes clockwise), so any GeoJSON reader fills them the same way.
 */

export type Position = [longitude: number, latitude: number]

export interface ContourFeature {
  readonly type: 'Feature'
  readonly properties: { readonly level: number; readonly percentile?: number }
  readonly geometry: { readonly type: 'MultiPolygon'; readonly coordinates: Position[][][] }
}

export interface ContourCollection {
  readonly type: 'FeatureCollection'
  readonly features: ContourFeature[]
}

export interface ContourLevel {
  readonly level: number
  /** The percentile of the non-zero densities the level was taken from, when it was not given. */
  readonly percentile?: number
}

export const DEFAULT_CONTOUR_PERCENTILES: readonly number[] = [50, 75, 90, 95, 99]

/** Coordinates are rounded to 1e-7 degrees (about 1 cm), as RFC 7946 §11.2 suggests trimming precision. */
const COORDINATE_DECIMALS = 1e7

/**
 * Levels at percentiles of the non-zero densities, by linear interpolation between order statistics
 * (Hyndman & Fan 1996 definition 7, R's default `quantile(type = 7)`). Levels that coincide are listed once.
 */
export function percentileLevels(values: Float64Array, percentiles: readonly number[]): ContourLevel[] {
  let nonZeroCount = 0
  for (let k = 0; k < values.length; k++) if (values[k]! > 0) nonZeroCount++
  if (nonZeroCount === 0) return []
  const sorted = new Float64Array(nonZeroCount)
  let next = 0
  for (let k = 0; k < values.length; k++) if (values[k]! > 0) sorted[next++] = values[k]!
  sorted.sort()
  const levels: ContourLevel[] = []
  for (const percentile of percentiles) {
    const position = (nonZeroCount - 1) * (percentile / 100)
    const below = Math.floor(position)
    const above = Math.min(below + 1, nonZeroCount - 1)
    const level = sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!)
    if (!levels.some((existing) => existing.level === level)) levels.push({ level, percentile })
  }
  return levels
}

/** Contours of the grid at each level, unprojected from grid metres to longitude/latitude. */
export function densityContours(
  grid: DensityGrid,
  levels: readonly ContourLevel[],
  unproject: (x: number, y: number) => [number, number],
): ContourCollection {
  const marchingSquares = contours().size([grid.columns, grid.rows])
  // d3-contour only indexes the values, so a typed array serves as well as an array.
  const values = grid.values as unknown as number[]
  const features = levels.map((contourLevel): ContourFeature => {
    const multiPolygon = marchingSquares.contour(values, contourLevel.level)
    const coordinates = multiPolygon.coordinates.map((polygon) =>
      polygon.map((ring, ringIndex) => orientRing(ring.map(toPosition), ringIndex === 0)),
    )
    const properties =
      contourLevel.percentile === undefined
        ? { level: contourLevel.level }
        : { level: contourLevel.level, percentile: contourLevel.percentile }
    return { type: 'Feature', properties, geometry: { type: 'MultiPolygon', coordinates } }
  })
  return { type: 'FeatureCollection', features }

  // d3-contour's point (u, v) is in cell units with the centre of cell (c, r) at (c + 0.5, r + 0.5).
  function toPosition(point: number[]): Position {
    const [longitude, latitude] = unproject(
      grid.originX + point[0]! * grid.cellSize,
      grid.originY + point[1]! * grid.cellSize,
    )
    return [
      Math.round(longitude * COORDINATE_DECIMALS) / COORDINATE_DECIMALS,
      Math.round(latitude * COORDINATE_DECIMALS) / COORDINATE_DECIMALS,
    ]
  }
}

/** Twice the signed area (shoelace, about the first vertex); positive when the ring runs counter-clockwise. */
export function signedArea(ring: readonly Position[]): number {
  if (ring.length === 0) return 0
  const [x0, y0] = ring[0]!
  let sum = 0
  for (let k = 1; k + 1 < ring.length; k++) {
    sum += (ring[k]![0] - x0) * (ring[k + 1]![1] - y0) - (ring[k + 1]![0] - x0) * (ring[k]![1] - y0)
  }
  return sum
}

function orientRing(ring: Position[], exterior: boolean): Position[] {
  const counterClockwise = signedArea(ring) > 0
  return counterClockwise === exterior ? ring : ring.reverse()
}
