import { cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import { densityAtLocations, kernelReach, type KernelDensityOptions } from './kernel-density.ts'
import { projectPoint, type LocalProjection } from './local-projection.ts'

/** As for the grid: beyond this the map layer is unusable and the work takes minutes. */
export const MAXIMUM_H3_CELLS = 4_000_000
/** gridDisk calls produce this many cell ids at most before we refuse (duplicates included). */
const MAXIMUM_DISK_CELLS = 40_000_000

export interface H3CellDensity {
  /** H3 cell indexes in ascending order, each with a density > 0 at its centre. */
  readonly cells: string[]
  /** Each cell's centre in degrees. */
  readonly longitude: Float64Array
  readonly latitude: Float64Array
  /** Density at each cell's centre, per km² (same kernels and units as the grid). */
  readonly density: Float64Array
}

/**
 * Density at the centre of every H3 cell (at `resolution`) whose centre may lie within the kernel's reach of a
 * point: the cells within k rings of each point's cell, k = ⌈reach / average edge length⌉ + 1 (a ring of
 * hexagons is at least ~1.06 average edge lengths further out, so this over-covers; cells with density 0 are
 * dropped). Density is evaluated exactly at the centres (densityAtLocations), not read off the grid.
 */
export function h3CellDensity(
  points: {
    readonly longitude: Float64Array
    readonly latitude: Float64Array
    /** The same points projected with `projection`. */
    readonly x: Float64Array
    readonly y: Float64Array
    readonly weights: Float64Array
  },
  projection: LocalProjection,
  resolution: number,
  options: KernelDensityOptions,
): H3CellDensity {
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    throw invalid({
      h3Resolution: `The H3 resolution must be a whole number from 0 to 15, not ${resolution}.`,
    })
  }
  const { longitude, latitude, weights } = points
  const occupied = new Set<string>()
  for (let i = 0; i < longitude.length; i++) {
    if (weights[i]! > 0) occupied.add(latLngToCell(latitude[i]!, longitude[i]!, resolution))
  }
  const rings = Math.ceil(kernelReach(options) / getHexagonEdgeLengthAvg(resolution, 'm')) + 1
  const diskSize = 3 * rings * (rings + 1) + 1
  if (occupied.size * diskSize > MAXIMUM_DISK_CELLS) {
    throw invalid({
      h3Resolution:
        `At H3 resolution ${resolution} the kernel reaches ${rings} rings of cells around each of ` +
        `${occupied.size.toLocaleString('en-GB')} occupied cells, too many to evaluate: ` +
        'choose a coarser resolution (a smaller number) or a smaller bandwidth.',
    })
  }
  const candidates = new Set<string>()
  for (const cell of occupied) {
    for (const neighbour of gridDisk(cell, rings)) candidates.add(neighbour)
    if (candidates.size > MAXIMUM_H3_CELLS) {
      throw invalid({
        h3Resolution:
          `At H3 resolution ${resolution} the density covers more than ` +
          `${MAXIMUM_H3_CELLS.toLocaleString('en-GB')} cells: choose a coarser resolution (a smaller number).`,
      })
    }
  }
  const cells = [...candidates].sort()
  const centreLongitude = new Float64Array(cells.length)
  const centreLatitude = new Float64Array(cells.length)
  const centreX = new Float64Array(cells.length)
  const centreY = new Float64Array(cells.length)
  cells.forEach((cell, k) => {
    const [cellLatitude, cellLongitude] = cellToLatLng(cell)
    centreLongitude[k] = cellLongitude
    centreLatitude[k] = cellLatitude
    ;[centreX[k], centreY[k]] = projectPoint(projection, cellLongitude, cellLatitude)
  })
  const density = densityAtLocations(points.x, points.y, weights, centreX, centreY, options)
  const kept: number[] = []
  for (let k = 0; k < cells.length; k++) if (density[k]! > 0) kept.push(k)
  return {
    cells: kept.map((k) => cells[k]!),
    longitude: Float64Array.from(kept, (k) => centreLongitude[k]!),
    latitude: Float64Array.from(kept, (k) => centreLatitude[k]!),
    density: Float64Array.from(kept, (k) => density[k]!),
  }
}
