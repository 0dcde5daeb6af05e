import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { densityAtLocations, kernelDensity, type KernelName } from './kernel-density.ts'
import { cellCentreX, cellCentreY } from './grid.ts'

// Reference values from R spatstat.explore::density.ppp, produced by test/fixtures/analysis/kde-spatstat.R.
interface SpatstatCase {
  kernel: KernelName
  bandwidth: number
  cellSize: number
  spatstatSigma: number
  weights: number[]
  grid: { columns: number; rows: number; originX: number; originY: number; cellSize: number }
  values: number[]
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/kde-spatstat.json', import.meta.url), 'utf8'),
) as {
  points: { x: number[]; y: number[] }
  cases: SpatstatCase[]
  pixelImages: Omit<SpatstatCase, 'weights'>[]
}
const x = Float64Array.from(fixture.points.x)
const y = Float64Array.from(fixture.points.y)

/** Largest |ours − spatstat| / spatstat over all cells (spatstat's values are all above zero or exactly zero). */
function largestRelativeDifference(ours: Float64Array, reference: readonly number[]): number {
  let largest = 0
  reference.forEach((expected, k) => {
    const difference = Math.abs(ours[k]! - expected)
    largest = Math.max(largest, expected === 0 ? difference : difference / expected)
  })
  return largest
}

/** Every cell centre of a grid, row by row from the south-west. */
function cellCentres(grid: SpatstatCase['grid']): [Float64Array, Float64Array] {
  const centreX = new Float64Array(grid.columns * grid.rows)
  const centreY = new Float64Array(grid.columns * grid.rows)
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.columns; c++) {
      centreX[r * grid.columns + c] = cellCentreX(grid, c)
      centreY[r * grid.columns + c] = cellCentreY(grid, r)
    }
  }
  return [centreX, centreY]
}

const casesOf = (kernel: KernelName) => fixture.cases.filter((reference) => reference.kernel === kernel)

test('the grid covers the bounding box plus 3σ (Gaussian) or 1 h (quartic), as in the reference', () => {
  for (const reference of fixture.cases) {
    const grid = kernelDensity(x, y, Float64Array.from(reference.weights), {
      kernel: reference.kernel,
      bandwidth: reference.bandwidth,
      cellSize: reference.cellSize,
    })
    assert.equal(grid.columns, reference.grid.columns)
    assert.equal(grid.rows, reference.grid.rows)
    assert.ok(Math.abs(grid.originX - reference.grid.originX) < 1e-9)
    assert.ok(Math.abs(grid.originY - reference.grid.originY) < 1e-9)
  }
})

test('the Gaussian density without cut-off equals spatstat density.ppp at every cell centre to 1e-9', () => {
  assert.equal(casesOf('gaussian').length, 2)
  for (const reference of casesOf('gaussian')) {
    const grid = kernelDensity(x, y, Float64Array.from(reference.weights), {
      kernel: 'gaussian',
      bandwidth: reference.bandwidth,
      cellSize: reference.cellSize,
      gaussianCutoff: Infinity,
    })
    assert.ok(largestRelativeDifference(grid.values, reference.values) < 1e-9)
  }
})

test("the quartic density equals spatstat's quartic kernel with sigma = h / √8 to 1e-9", () => {
  assert.equal(casesOf('quartic').length, 2)
  for (const reference of casesOf('quartic')) {
    assert.ok(Math.abs(reference.spatstatSigma - reference.bandwidth / Math.sqrt(8)) < 1e-9)
    const grid = kernelDensity(x, y, Float64Array.from(reference.weights), {
      kernel: 'quartic',
      bandwidth: reference.bandwidth,
      cellSize: reference.cellSize,
    })
    assert.ok(largestRelativeDifference(grid.values, reference.values) < 1e-9)
  }
})

test('the default 4σ cut-off changes no cell by more than the dropped tail of every point', () => {
  for (const reference of casesOf('gaussian')) {
    const weights = Float64Array.from(reference.weights)
    const grid = kernelDensity(x, y, weights, {
      kernel: 'gaussian',
      bandwidth: reference.bandwidth,
      cellSize: reference.cellSize,
    })
    // A point dropped from a cell is more than 4σ away along x or y: its term is below e^(−8) K(0).
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0)
    const bound = (Math.exp(-8) * totalWeight * 1e6) / (2 * Math.PI * reference.bandwidth ** 2)
    let largest = 0
    reference.values.forEach((expected, k) => {
      const difference = expected - grid.values[k]!
      assert.ok(difference >= -1e-9 * expected, 'a cut-off only removes mass')
      largest = Math.max(largest, difference)
    })
    assert.ok(largest > 0 && largest < bound)
  }
})

test('the density at arbitrary locations equals spatstat at the cell centres (the H3 evaluator)', () => {
  for (const reference of fixture.cases) {
    const density = densityAtLocations(
      x,
      y,
      Float64Array.from(reference.weights),
      ...cellCentres(reference.grid),
      {
        kernel: reference.kernel,
        bandwidth: reference.bandwidth,
        gaussianCutoff: Infinity,
      },
    )
    assert.ok(largestRelativeDifference(density, reference.values) < 1e-9)
  }
})

test("spatstat's pixel image is our exact density of the points moved to their cell centres", () => {
  // density.ppp(at = "pixels") moves each point to the centre of its pixel, convolves by FFT with the kernel
  // sampled at whole-pixel offsets, and scales that sampled kernel to sum to 1. Doing the same reproduces it.
  for (const reference of fixture.pixelImages) {
    const { grid, bandwidth } = reference
    const snap = (values: Float64Array, origin: number) =>
      values.map((value) => origin + (Math.floor((value - origin) / grid.cellSize) + 0.5) * grid.cellSize)
    const ours = densityAtLocations(
      snap(x, grid.originX),
      snap(y, grid.originY),
      new Float64Array(x.length).fill(1),
      ...cellCentres(grid),
      { kernel: reference.kernel, bandwidth, gaussianCutoff: Infinity },
    )
    // The sampled kernel's sum: 1.000644 for the quartic at h/5 cells; 1 within rounding for the Gaussian at 2.5 cells.
    const reach = Math.ceil((reference.kernel === 'quartic' ? 1 : 12) * (bandwidth / grid.cellSize))
    const sampledKernel = densityAtLocations(
      Float64Array.of(0),
      Float64Array.of(0),
      Float64Array.of(1),
      Float64Array.from(
        { length: (2 * reach + 1) ** 2 },
        (_, k) => ((k % (2 * reach + 1)) - reach) * grid.cellSize,
      ),
      Float64Array.from(
        { length: (2 * reach + 1) ** 2 },
        (_, k) => (Math.floor(k / (2 * reach + 1)) - reach) * grid.cellSize,
      ),
      { kernel: reference.kernel, bandwidth, gaussianCutoff: Infinity },
    )
    const sampledMass = (sampledKernel.reduce((sum, value) => sum + value, 0) * grid.cellSize ** 2) / 1e6
    const peak = Math.max(...reference.values)
    reference.values.forEach((expected, k) =>
      assert.ok(Math.abs(ours[k]! / sampledMass - expected) <= 1e-9 * peak, `cell ${k}`),
    )
  }
})
