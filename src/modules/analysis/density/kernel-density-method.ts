import { invalid } from '../../../errors.ts'
import { defineMethod, type MethodContext, type PointSet } from '../method.ts'
import {
  DEFAULT_CONTOUR_PERCENTILES,
  densityContours,
  percentileLevels,
  type ContourCollection,
  type ContourLevel,
} from './contours.ts'
import { cellCentreX, cellCentreY, type DensityGrid } from './grid.ts'
import { h3CellDensity } from './h3-density.ts'
import { DEFAULT_GAUSSIAN_CUTOFF, KERNELS, kernelDensity, type KernelName } from './kernel-density.ts'
import { localProjectionFor, projectPoints, unprojectPoint } from './local-projection.ts'

export interface KernelDensityMethodOptions {
  readonly kernel: KernelName
  readonly bandwidth: number
  readonly cellSize: number
  readonly levels?: readonly number[]
  readonly h3Resolution?: number
}

export interface DensityCell {
  /** The H3 index, when the cells are H3 cells. */
  readonly cell?: string
  /** The cell centre. */
  readonly longitude: number
  readonly latitude: number
  /** Points (or summed weight) per km² at the cell centre. */
  readonly density: number
}

export interface KernelDensityResult {
  readonly kernel: KernelName
  /** Quartic: search radius h; Gaussian: standard deviation σ; metres. */
  readonly bandwidth: number
  readonly cellSize: number
  /** Gaussian kernels are cut off beyond this many σ along x and y (null for quartic). */
  readonly gaussianCutoff: number | null
  readonly unit: 'points (or weight) per km²'
  readonly pointCount: number
  readonly totalWeight: number
  readonly projection: { readonly originLongitude: number; readonly originLatitude: number }
  readonly grid: {
    readonly columns: number
    readonly rows: number
    readonly cellSize: number
    /** South-west corner in projected metres from the projection origin. */
    readonly originX: number
    readonly originY: number
    /** The grid's outer edges in degrees. */
    readonly west: number
    readonly south: number
    readonly east: number
    readonly north: number
    readonly maximumDensity: number
  }
  readonly cellKind: 'grid' | 'h3'
  readonly h3Resolution: number | null
  /** Every cell with a density above zero: grid cells (row by row from the south-west) or H3 cells by index. */
  readonly cells: DensityCell[]
  readonly contours: ContourCollection
  /** Σ grid densities × cell area, against the total weight: near 1 when the grid holds the kernels. */
  readonly mass: { readonly integrated: number; readonly totalWeight: number; readonly ratio: number }
}

const DEGREE_DECIMALS = 1e7
const roundDegrees = (value: number): number => Math.round(value * DEGREE_DECIMALS) / DEGREE_DECIMALS

export const kernelDensityMethod = defineMethod<KernelDensityMethodOptions, KernelDensityResult>({
  name: 'kernel-density',
  title: 'Kernel density',
  description:
    'A smooth surface of how many incidents (or how much harm) there are per square kilometre, ' +
    'spreading each incident over the bandwidth around it, with contour lines around the densest areas.',
  options: [
    {
      key: 'kernel',
      flag: 'kernel',
      description:
        'quartic: each incident counts out to the bandwidth and no further (as in ArcGIS and CrimeStat); ' +
        'gaussian: a bell curve whose standard deviation is the bandwidth.',
      type: 'enum',
      choices: KERNELS,
      default: 'quartic',
    },
    {
      key: 'bandwidth',
      flag: 'bandwidth',
      description:
        'Metres: the search radius (quartic) or standard deviation (gaussian). Larger is smoother.',
      type: 'number',
      minimum: 10,
      maximum: 5000,
      default: 250,
    },
    {
      key: 'cellSize',
      flag: 'cell-size',
      description: 'Metres: the side of each grid cell. Smaller is finer but slower.',
      type: 'number',
      minimum: 5,
      maximum: 1000,
      default: 50,
    },
    {
      key: 'levels',
      flag: 'levels',
      description:
        'Contour levels in incidents per km², e.g. 100,200,400. ' +
        'Without them: the 50th, 75th, 90th, 95th and 99th percentiles of the non-zero densities.',
      type: 'number-list',
    },
    {
      key: 'h3Resolution',
      flag: 'h3-resolution',
      description:
        'List the density at the centres of H3 cells of this resolution (0–15) instead of grid cells.',
      type: 'integer',
      minimum: 0,
      maximum: 15,
    },
  ],
  check: checkKernelDensityOptions,
  run: runKernelDensity,
  summarise: (result) =>
    [
      `${result.kernel === 'quartic' ? 'Quartic' : 'Gaussian'} kernel density of ${result.pointCount} points, ` +
        `bandwidth ${result.bandwidth} m, ${result.cellSize} m cells (${result.grid.columns} × ${result.grid.rows}).`,
      `Peak density ${result.grid.maximumDensity.toFixed(1)} per km²; ${result.cells.length} ` +
        `${result.cellKind === 'h3' ? `H3 (resolution ${result.h3Resolution}) ` : 'grid '}cells above zero.`,
      `Contours at ${result.contours.features.map((feature) => feature.properties.level.toFixed(1)).join(', ')} per km².`,
      `Mass check: the grid holds ${(result.mass.ratio * 100).toFixed(2)}% of the total weight.`,
    ].join('\n'),
})

export function checkKernelDensityOptions(options: KernelDensityMethodOptions): Record<string, string> {
  const problems: Record<string, string> = {}
  // At half the bandwidth the grid still holds a quartic kernel's mass to 0.1%; coarser cells miss its shape.
  if (options.cellSize > options.bandwidth / 2) {
    problems.cellSize =
      `The cell size (${options.cellSize} m) must be at most half the bandwidth (${options.bandwidth} m): ` +
      'coarser cells would miss the shape of each kernel.'
  }
  for (const level of options.levels ?? []) {
    if (!(level > 0 && Number.isFinite(level))) {
      problems.levels = `Contour levels must be densities above zero, not ${level}.`
      break
    }
  }
  return problems
}

function runKernelDensity(
  points: PointSet,
  options: KernelDensityMethodOptions,
  context: MethodContext,
): KernelDensityResult {
  const problems = checkKernelDensityOptions(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  checkPositions(points)
  const report = (fraction: number, stage: string) => {
    context.signal?.throwIfAborted()
    context.progress?.(fraction, stage)
  }
  report(0, 'Projecting points')
  const projection = localProjectionFor(points.longitude, points.latitude)
  const { x, y } = projectPoints(projection, points.longitude, points.latitude)
  const densityOptions = {
    kernel: options.kernel,
    bandwidth: options.bandwidth,
    cellSize: options.cellSize,
    progress: (fraction: number) => report(0.05 + 0.6 * fraction, 'Summing kernels'),
  }
  const grid = kernelDensity(x, y, points.weight, densityOptions)
  const unproject = (px: number, py: number) => unprojectPoint(projection, px, py)

  let totalWeight = 0
  for (let i = 0; i < points.size; i++) totalWeight += points.weight[i]!
  let sum = 0
  let maximumDensity = 0
  for (let k = 0; k < grid.values.length; k++) {
    sum += grid.values[k]!
    if (grid.values[k]! > maximumDensity) maximumDensity = grid.values[k]!
  }
  const integrated = (sum * grid.cellSize * grid.cellSize) / 1e6

  let cells: DensityCell[]
  if (options.h3Resolution === undefined) {
    cells = nonZeroGridCells(grid, unproject)
  } else {
    report(0.65, 'Density at H3 cell centres')
    const h3 = h3CellDensity(
      { longitude: points.longitude, latitude: points.latitude, x, y, weights: points.weight },
      projection,
      options.h3Resolution,
      {
        ...densityOptions,
        progress: (fraction) => report(0.65 + 0.2 * fraction, 'Density at H3 cell centres'),
      },
    )
    cells = h3.cells.map((cell, k) => ({
      cell,
      longitude: roundDegrees(h3.longitude[k]!),
      latitude: roundDegrees(h3.latitude[k]!),
      density: h3.density[k]!,
    }))
  }

  report(0.85, 'Drawing contours')
  const levels: ContourLevel[] =
    options.levels === undefined
      ? percentileLevels(grid.values, DEFAULT_CONTOUR_PERCENTILES)
      : [...new Set(options.levels)].sort((a, b) => a - b).map((level) => ({ level }))
  const contours = densityContours(grid, levels, unproject)
  report(1, 'Done')

  const [west, south] = unproject(grid.originX, grid.originY)
  const [east, north] = unproject(
    grid.originX + grid.columns * grid.cellSize,
    grid.originY + grid.rows * grid.cellSize,
  )
  return {
    kernel: options.kernel,
    bandwidth: options.bandwidth,
    cellSize: options.cellSize,
    gaussianCutoff: options.kernel === 'gaussian' ? DEFAULT_GAUSSIAN_CUTOFF : null,
    unit: 'points (or weight) per km²',
    pointCount: points.size,
    totalWeight,
    projection: { originLongitude: projection.originLongitude, originLatitude: projection.originLatitude },
    grid: {
      columns: grid.columns,
      rows: grid.rows,
      cellSize: grid.cellSize,
      originX: grid.originX,
      originY: grid.originY,
      west: roundDegrees(west),
      south: roundDegrees(south),
      east: roundDegrees(east),
      north: roundDegrees(north),
      maximumDensity,
    },
    cellKind: options.h3Resolution === undefined ? 'grid' : 'h3',
    h3Resolution: options.h3Resolution ?? null,
    cells,
    contours,
    mass: { integrated, totalWeight, ratio: totalWeight > 0 ? integrated / totalWeight : 0 },
  }
}

function nonZeroGridCells(
  grid: DensityGrid,
  unproject: (x: number, y: number) => [number, number],
): DensityCell[] {
  const cells: DensityCell[] = []
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.columns; c++) {
      const density = grid.values[r * grid.columns + c]!
      if (density <= 0) continue
      const [longitude, latitude] = unproject(cellCentreX(grid, c), cellCentreY(grid, r))
      cells.push({ longitude: roundDegrees(longitude), latitude: roundDegrees(latitude), density })
    }
  }
  return cells
}

/** Points come from files and the database already checked; this guards direct callers. */
function checkPositions(points: PointSet): void {
  for (let i = 0; i < points.size; i++) {
    const longitude = points.longitude[i]!
    const latitude = points.latitude[i]!
    if (!(Math.abs(longitude) <= 180 && Math.abs(latitude) <= 85)) {
      throw invalid({
        points: `Point ${points.reference[i] ?? i + 1} is not a position on the map (longitude ${longitude}, latitude ${latitude}).`,
      })
    }
  }
}
