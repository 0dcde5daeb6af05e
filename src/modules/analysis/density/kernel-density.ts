import { invalid } from '../../../errors.ts'
import { mergeCoincidentPoints } from './coincident-points.ts'
import { gridCovering, type DensityGrid, type GridFrame } from './grid.ts'
import { outerProductGrid } from './outer-product-sum.ts'

/**
 * Kernel density of points in projected metres, in points (or summed weight) per square kilometre:
 *
 *   f(s) = Σ_i w_i K(‖s − p_i‖)
 *   quartic:  K(d) = 3 / (π h²) · (1 − d²/h²)²   for d < h, else 0      (h = search radius = bandwidth;
 *             the "quartic kernel" of ArcGIS Kernel Density and CrimeStat; Silverman 1986, eq. 4.5)
 *   gaussian: K(d) = 1 / (2π σ²) · exp(−d² / (2σ²))                       (σ = standard deviation = bandwidth)
 *
 * Both kernels integrate to 1, so the density integrates to Σ w_i. No edge correction. Each point only touches
 * the cells within its kernel's reach: the disc of radius h (quartic), or the square |dx|, |dy| ≤ cutoff·σ
 * (Gaussian; default cutoff 4, which drops 1 − erf(4/√2)² = 1.27·10⁻⁴ of each point's mass).
 */

export const KERNELS = ['quartic', 'gaussian'] as const
export type KernelName = (typeof KERNELS)[number]

export const DEFAULT_GAUSSIAN_CUTOFF = 4
const SQUARE_METRES_PER_SQUARE_KILOMETRE = 1e6
const PROGRESS_EVERY = 1 << 16
/** gaussianFactors: every how many cells a power of E is computed by one exp rather than multiplied (even). */
const EXACT_POWER_EVERY = 32

export interface KernelDensityOptions {
  readonly kernel: KernelName
  /** Quartic: search radius h in metres. Gaussian: standard deviation σ in metres. */
  readonly bandwidth: number
  /** Grid cell side in metres (not needed by densityAtLocations). */
  readonly cellSize?: number
  /** Gaussian only: how many σ along x and along y a point reaches (Infinity: no cut-off). */
  readonly gaussianCutoff?: number
  /** Called with the fraction of points done, every 65 536 points; may throw to abandon the work. */
  readonly progress?: (fraction: number) => void
}

/** How far a point's kernel reaches, in metres, along x and along y. */
export function kernelReach(options: KernelDensityOptions): number {
  return options.kernel === 'quartic'
    ? options.bandwidth
    : (options.gaussianCutoff ?? DEFAULT_GAUSSIAN_CUTOFF) * options.bandwidth
}

/** The margin added around the points' bounding box: 1 h (quartic) or 3 σ (Gaussian, 98.9% of each kernel). */
export const gridPadding = (kernel: KernelName, bandwidth: number): number =>
  kernel === 'quartic' ? bandwidth : 3 * bandwidth

/** The kernel's constant factor, converted to per km². */
const kernelScale = (kernel: KernelName, bandwidth: number): number =>
  (kernel === 'quartic' ? 3 / (Math.PI * bandwidth * bandwidth) : 1 / (2 * Math.PI * bandwidth * bandwidth)) *
  SQUARE_METRES_PER_SQUARE_KILOMETRE

/** Density at the centre of every cell of a grid covering the points (see gridCovering and gridPadding). */
export function kernelDensity(
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  options: KernelDensityOptions,
): DensityGrid {
  checkDensityInputs(x, y, weights, options)
  const cellSize = options.cellSize
  if (cellSize === undefined || !(cellSize > 0 && Number.isFinite(cellSize))) {
    throw invalid({ cellSize: `The cell size must be a positive number of metres, not ${String(cellSize)}.` })
  }
  const frame = gridCovering(x, y, gridPadding(options.kernel, options.bandwidth), cellSize)
  const values = new Float64Array(frame.columns * frame.rows)
  const merged = mergeCoincidentPoints(frame, x, y, weights)
  if (options.kernel === 'quartic')
    addQuarticKernels(frame, values, merged.x, merged.y, merged.weights, options)
  else addGaussianKernels(frame, values, merged.x, merged.y, merged.weights, options)
  const scale = kernelScale(options.kernel, options.bandwidth)
  for (let k = 0; k < values.length; k++) values[k]! *= scale
  return { ...frame, values }
}

function addQuarticKernels(
  frame: GridFrame,
  values: Float64Array,
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  options: KernelDensityOptions,
): void {
  const { columns, rows, originX, originY, cellSize } = frame
  const radius = options.bandwidth
  const radiusSquared = radius * radius
  const dxSquared = new Float64Array(columns)
  for (let i = 0; i < x.length; i++) {
    if (options.progress && i % PROGRESS_EVERY === 0) options.progress(i / x.length)
    const weight = weights[i]!
    if (weight === 0) continue
    const px = x[i]!
    const py = y[i]!
    const firstColumn = firstCellWithin(originX, cellSize, columns, px, radius)
    const lastColumn = lastCellWithin(originX, cellSize, columns, px, radius)
    const firstRow = firstCellWithin(originY, cellSize, rows, py, radius)
    const lastRow = lastCellWithin(originY, cellSize, rows, py, radius)
    for (let c = firstColumn; c <= lastColumn; c++) {
      const dx = originX + (c + 0.5) * cellSize - px
      dxSquared[c] = dx * dx
    }
    for (let r = firstRow; r <= lastRow; r++) {
      const dy = originY + (r + 0.5) * cellSize - py
      const dySquared = dy * dy
      const rowStart = r * columns
      for (let c = firstColumn; c <= lastColumn; c++) {
        const distanceSquared = dxSquared[c]! + dySquared
        if (distanceSquared < radiusSquared) {
          const t = 1 - distanceSquared / radiusSquared
          values[rowStart + c]! += weight * t * t
        }
      }
    }
  }
}

/**
 * The Gaussian is separable, K(dx, dy) ∝ g(dx) · g(dy): per point, its factors along x for the columns in reach
 * and along y for the rows in reach (gaussianFactors), then their outer product added into the grid
 * (outer-product-sum.ts, in WebAssembly).
 */
function addGaussianKernels(
  frame: GridFrame,
  values: Float64Array,
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  options: KernelDensityOptions,
): void {
  const { columns, rows, originX, originY, cellSize } = frame
  const reach = kernelReach(options)
  const grid = outerProductGrid(columns, rows)
  const { rowFactors, columnFactors } = grid
  const axis = gaussianAxis(cellSize, options.bandwidth, Math.max(columns, rows))
  const twoVariances = 2 * options.bandwidth * options.bandwidth
  for (let i = 0; i < x.length; i++) {
    if (options.progress && i % PROGRESS_EVERY === 0) options.progress(i / x.length)
    const weight = weights[i]!
    if (weight === 0) continue
    const px = x[i]!
    const py = y[i]!
    const firstColumn = firstCellWithin(originX, cellSize, columns, px, reach)
    const lastColumn = lastCellWithin(originX, cellSize, columns, px, reach)
    const firstRow = firstCellWithin(originY, cellSize, rows, py, reach)
    const lastRow = lastCellWithin(originY, cellSize, rows, py, reach)
    if (firstColumn > lastColumn || firstRow > lastRow) continue
    const offsetX = gaussianFactors(axis, columnFactors, firstColumn, lastColumn, originX, px)
    const offsetY = gaussianFactors(axis, rowFactors, firstRow, lastRow, originY, py)
    const offsetSquared = offsetX * offsetX + offsetY * offsetY
    // (Not 0 / 0 when σ² underflows: cells are then wider than 8σ, and the factors carry everything.)
    const scale = offsetSquared === 0 ? weight : weight * Math.exp(-offsetSquared / twoVariances)
    for (let r = 0; r <= lastRow - firstRow; r++) rowFactors[r] = scale * rowFactors[r]!
    grid.addOuterProduct(firstRow, lastRow, firstColumn, lastColumn)
  }
  values.set(grid.values)
}

/** What gaussianFactors needs of the grid and the bandwidth, computed once a grid. */
export interface GaussianAxis {
  readonly cellSize: number
  readonly bandwidth: number
  /** exp(−(k · cellSize)² / 2σ²) for k = 0, 1, … (as many as the grid has columns or rows). */
  readonly wholeCellFactors: Float64Array
  /** The largest k whose wholeCellFactors[k] is above 0 (they decrease): beyond it every factor is 0. */
  readonly lastNonZero: number
  /** Cells wider than 8σ: each factor is its own exp (windows there are one or two cells wide). */
  readonly direct: boolean
}

export function gaussianAxis(cellSize: number, bandwidth: number, cells: number): GaussianAxis {
  const twoVariances = 2 * bandwidth * bandwidth
  const wholeCellFactors = new Float64Array(cells + 1)
  let lastNonZero = 0
  for (let k = 0; k <= cells; k++) {
    wholeCellFactors[k] = Math.exp(-((k * cellSize) ** 2) / twoVariances)
    if (wholeCellFactors[k]! > 0) lastNonZero = k
  }
  return { cellSize, bandwidth, wholeCellFactors, lastNonZero, direct: cellSize > 8 * bandwidth }
}

/**
 * The Gaussian along one axis for the cells c = first .. last, but for a factor common to all of them:
 * writes factors[c − first] and returns δ such that
 *
 *   exp(−(centre of cell c − position)² / 2σ²) = factors[c − first] · exp(−δ² / 2σ²).
 *
 * With n the cell holding the position, δ = centre of n − position (|δ| ≤ cellSize / 2, written Δ) and
 * k = c − n, the exponent splits as (kΔ + δ)² / 2σ² = k²Δ²/2σ² + k · Δδ/σ² + δ²/2σ², so
 *
 *   factors[c − first] = exp(−k²Δ²/2σ²) · E^k      E = exp(−Δδ/σ²) for k ≥ 0, E = 1 / exp(−Δδ/σ²) for k < 0 (|k|)
 *
 * with the first term from a table per grid and the powers of E multiplied out from n (powerSide): one exp
 * per point and axis instead of one per cell (at σ = 250 m on 50 m cells, 1 instead of 41), and the caller
 * takes the common factors of both axes in one more exp. Each factor is within about 56 roundings
 * (1.3·10⁻¹⁴ relative) of the exp of its exponent, besides the rounding of the exponent itself that any
 * evaluation has (kernel-density.property.test.ts checks this against Math.exp cell by cell).
 * The powers cannot overflow: they are only taken while exp(−k²Δ²/2σ²) > 0, and there E^k ≤ exp(k · Δ²/2σ²)
 * ≤ e^372 for k ≥ 2, and ≤ e^32 at k = 1 since Δ ≤ 8σ (else `direct`, where each factor is its own exp and
 * δ is 0).
 */
export function gaussianFactors(
  axis: GaussianAxis,
  factors: Float64Array,
  first: number,
  last: number,
  origin: number,
  position: number,
): number {
  const { cellSize, bandwidth, lastNonZero } = axis
  const variance = bandwidth * bandwidth
  if (axis.direct) {
    for (let c = first; c <= last; c++) {
      const d = origin + (c + 0.5) * cellSize - position
      factors[c - first] = Math.exp(-(d * d) / (2 * variance))
    }
    return 0
  }
  const holding = Math.min(last, Math.max(first, Math.floor((position - origin) / cellSize)))
  const offset = origin + (holding + 0.5) * cellSize - position
  factors[holding - first] = 1
  const step = (cellSize * offset) / variance
  const upward = Math.exp(-step)
  const upTo = Math.min(last, holding + lastNonZero)
  powerSide(axis, factors, holding + 1 - first, 1, upTo - holding, upward, -step)
  if (upTo < last) factors.fill(0, upTo + 1 - first, last + 1 - first)
  const downTo = Math.max(first, holding - lastNonZero)
  powerSide(axis, factors, holding - 1 - first, -1, holding - downTo, 1 / upward, step)
  if (downTo > first) factors.fill(0, 0, downTo - first)
  return offset
}

/**
 * factors[start + direction · (k − 1)] = wholeCellFactors[k] · base^k for k = 1 .. count, where
 * base = exp(exponentPerCell). Two chains of powers (odd and even k, each stepping by base²) halve the wait on
 * each multiply (1.4 times as fast as one chain), and both restart from an exp at each block of
 * EXACT_POWER_EVERY cells (an even number, so the chains keep to odd and even k) so that rounding cannot build
 * up: within a block a power is off by at most k times base's own error plus 17 roundings.
 */
function powerSide(
  axis: GaussianAxis,
  factors: Float64Array,
  start: number,
  direction: 1 | -1,
  count: number,
  base: number,
  exponentPerCell: number,
): void {
  const whole = axis.wholeCellFactors
  const stride = base * base
  let odd = base
  let even = stride
  for (let blockStart = 1; blockStart <= count; blockStart += EXACT_POWER_EVERY) {
    if (blockStart > 1) {
      odd = Math.exp(blockStart * exponentPerCell)
      even = Math.exp((blockStart + 1) * exponentPerCell)
    }
    const blockEnd = Math.min(count, blockStart + EXACT_POWER_EVERY - 1)
    let k = blockStart
    let at = start + direction * (blockStart - 1)
    for (; k < blockEnd; k += 2, at += 2 * direction) {
      factors[at] = whole[k]! * odd
      factors[at + direction] = whole[k + 1]! * even
      odd *= stride
      even *= stride
    }
    if (k === blockEnd) factors[at] = whole[k]! * odd
  }
}

/** The first cell (of `count` from `origin`) whose centre is at most `reach` before `position`. */
function firstCellWithin(
  origin: number,
  cellSize: number,
  count: number,
  position: number,
  reach: number,
): number {
  let cell = Math.max(0, Math.floor((position - reach - origin) / cellSize - 0.5))
  while (cell < count && position - (origin + (cell + 0.5) * cellSize) > reach) cell++
  return cell
}

/** The last cell whose centre is at most `reach` after `position` (−1 when none). */
function lastCellWithin(
  origin: number,
  cellSize: number,
  count: number,
  position: number,
  reach: number,
): number {
  let cell = Math.min(count - 1, Math.ceil((position + reach - origin) / cellSize - 0.5))
  while (cell >= 0 && origin + (cell + 0.5) * cellSize - position > reach) cell--
  return cell
}

/**
 * Density (per km²) at arbitrary locations, e.g. H3 cell centres, with the same kernels and cut-off as the grid.
 * Points are bucketed into squares at least as wide as the kernel's reach, so each location only visits the
 * points in its own and the eight neighbouring buckets.
 */
export function densityAtLocations(
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  locationX: Float64Array,
  locationY: Float64Array,
  options: KernelDensityOptions,
): Float64Array {
  checkDensityInputs(x, y, weights, options)
  const result = new Float64Array(locationX.length)
  if (x.length === 0) return result
  const reach = kernelReach(options)
  const buckets = bucketPoints(x, y, reach)
  const { order, bucketStart, bucketColumns, bucketRows } = buckets
  const isQuartic = options.kernel === 'quartic'
  const bandwidthSquared = options.bandwidth * options.bandwidth
  for (let q = 0; q < locationX.length; q++) {
    if (options.progress && q % PROGRESS_EVERY === 0) options.progress(q / locationX.length)
    const qx = locationX[q]!
    const qy = locationY[q]!
    const firstBucketColumn = bucketOf(qx - reach, buckets.minimumX, buckets.size, bucketColumns)
    const lastBucketColumn = bucketOf(qx + reach, buckets.minimumX, buckets.size, bucketColumns)
    const firstBucketRow = bucketOf(qy - reach, buckets.minimumY, buckets.size, bucketRows)
    const lastBucketRow = bucketOf(qy + reach, buckets.minimumY, buckets.size, bucketRows)
    let sum = 0
    for (let br = firstBucketRow; br <= lastBucketRow; br++) {
      for (let bc = firstBucketColumn; bc <= lastBucketColumn; bc++) {
        const bucket = br * bucketColumns + bc
        for (let k = bucketStart[bucket]!; k < bucketStart[bucket + 1]!; k++) {
          const j = order[k]!
          const dx = qx - x[j]!
          const dy = qy - y[j]!
          if (isQuartic) {
            const distanceSquared = dx * dx + dy * dy
            if (distanceSquared < bandwidthSquared) {
              const t = 1 - distanceSquared / bandwidthSquared
              sum += weights[j]! * t * t
            }
          } else if (Math.abs(dx) <= reach && Math.abs(dy) <= reach) {
            sum += weights[j]! * Math.exp(-(dx * dx + dy * dy) / (2 * bandwidthSquared))
          }
        }
      }
    }
    result[q] = sum
  }
  const scale = kernelScale(options.kernel, options.bandwidth)
  for (let q = 0; q < result.length; q++) result[q]! *= scale
  return result
}

interface PointBuckets {
  readonly minimumX: number
  readonly minimumY: number
  /** Side of a bucket in metres (Infinity: a single bucket). */
  readonly size: number
  readonly bucketColumns: number
  readonly bucketRows: number
  /** Point indices grouped by bucket; bucket b holds order[bucketStart[b] .. bucketStart[b + 1]). */
  readonly order: Int32Array
  readonly bucketStart: Int32Array
}

/** Counting sort of the points into square buckets of side ≥ reach (at most 1024 × 1024 buckets). */
function bucketPoints(x: Float64Array, y: Float64Array, reach: number): PointBuckets {
  let minimumX = Infinity
  let maximumX = -Infinity
  let minimumY = Infinity
  let maximumY = -Infinity
  for (let i = 0; i < x.length; i++) {
    minimumX = Math.min(minimumX, x[i]!)
    maximumX = Math.max(maximumX, x[i]!)
    minimumY = Math.min(minimumY, y[i]!)
    maximumY = Math.max(maximumY, y[i]!)
  }
  let size = Math.max(reach, Math.max(maximumX - minimumX, maximumY - minimumY) / 1024)
  if (!(size > 0 && Number.isFinite(size))) size = Infinity
  const bucketColumns = size === Infinity ? 1 : Math.floor((maximumX - minimumX) / size) + 1
  const bucketRows = size === Infinity ? 1 : Math.floor((maximumY - minimumY) / size) + 1
  const bucketStart = new Int32Array(bucketColumns * bucketRows + 1)
  const bucketOfPoint = new Int32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const bucket =
      bucketOf(y[i]!, minimumY, size, bucketRows) * bucketColumns +
      bucketOf(x[i]!, minimumX, size, bucketColumns)
    bucketOfPoint[i] = bucket
    bucketStart[bucket + 1]!++
  }
  for (let b = 0; b < bucketColumns * bucketRows; b++) bucketStart[b + 1]! += bucketStart[b]!
  const next = bucketStart.slice(0, -1)
  const order = new Int32Array(x.length)
  for (let i = 0; i < x.length; i++) order[next[bucketOfPoint[i]!]!++] = i
  return { minimumX, minimumY, size, bucketColumns, bucketRows, order, bucketStart }
}

function bucketOf(value: number, minimum: number, size: number, count: number): number {
  if (size === Infinity) return 0
  const bucket = Math.floor((value - minimum) / size)
  return bucket < 0 ? 0 : bucket >= count ? count - 1 : bucket
}

function checkDensityInputs(
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  options: KernelDensityOptions,
): void {
  if (!KERNELS.includes(options.kernel)) {
    throw invalid({
      kernel: `The kernel must be one of ${KERNELS.join(', ')}, not '${String(options.kernel)}'.`,
    })
  }
  if (!(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) {
    throw invalid({
      bandwidth: `The bandwidth must be a positive number of metres, not ${options.bandwidth}.`,
    })
  }
  const cutoff = options.gaussianCutoff ?? DEFAULT_GAUSSIAN_CUTOFF
  if (!(cutoff > 0)) {
    throw invalid({ gaussianCutoff: `The Gaussian cut-off must be a positive number of σ, not ${cutoff}.` })
  }
  if (y.length !== x.length || weights.length !== x.length) {
    throw invalid({
      points: `x, y and weights must have the same length (${x.length}, ${y.length}, ${weights.length}).`,
    })
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) {
      throw invalid({ points: `Point ${i + 1} has no finite position (${x[i]}, ${y[i]}).` })
    }
    const weight = weights[i]!
    if (!(weight >= 0 && Number.isFinite(weight))) {
      throw invalid({
        weights: `Point ${i + 1} has weight ${weight}; weights must be finite and not negative.`,
      })
    }
  }
}
