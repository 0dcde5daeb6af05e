import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { gaussianAxis, gaussianFactors, kernelDensity, type KernelName } from './kernel-density.ts'

/** A few points within 2 km, with harm-like weights, and a bandwidth with a cell size of at most half of it. */
const densityInput = fc.record({
  points: fc.array(
    fc.record({
      x: fc.double({ min: -1000, max: 1000, noNaN: true }),
      y: fc.double({ min: -1000, max: 1000, noNaN: true }),
      weight: fc.double({ min: 0, max: 10, noNaN: true }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
  kernel: fc.constantFrom<KernelName>('quartic', 'gaussian'),
  bandwidth: fc.double({ min: 50, max: 400, noNaN: true }),
  cellsPerBandwidth: fc.double({ min: 2, max: 8, noNaN: true }),
})

type DensityInput = typeof densityInput extends fc.Arbitrary<infer T> ? T : never

function densityOf(input: DensityInput) {
  const { points, kernel, bandwidth, cellsPerBandwidth } = input
  return kernelDensity(
    Float64Array.from(points, (point) => point.x),
    Float64Array.from(points, (point) => point.y),
    Float64Array.from(points, (point) => point.weight),
    { kernel, bandwidth, cellSize: bandwidth / cellsPerBandwidth },
  )
}

// The midpoint sum of a quartic kernel over cells of side s is within about 1.1% of its mass for s ≤ h/2,
// 0.15% for s ≤ h/4 (docs/analysis/kernel-density.md); a Gaussian keeps at least erf(3/√2)² = 99.46% in a 3σ margin.
test('the grid holds the total weight: quartic to 1.5% (0.15% with 4 cells per bandwidth), Gaussian above 99.4%', () => {
  fc.assert(
    fc.property(densityInput, (input) => {
      const grid = densityOf(input)
      const totalWeight = input.points.reduce((sum, point) => sum + point.weight, 0)
      const sum = grid.values.reduce((total, value) => total + value, 0)
      const integrated = (sum * grid.cellSize * grid.cellSize) / 1e6
      const tolerance = input.cellsPerBandwidth >= 4 ? 1.5e-3 : 1.5e-2
      if (input.kernel === 'quartic')
        assert.ok(Math.abs(integrated - totalWeight) <= tolerance * totalWeight + 1e-12)
      else assert.ok(integrated >= 0.994 * totalWeight - 1e-12 && integrated <= 1.001 * totalWeight + 1e-12)
    }),
    { numRuns: 150 },
  )
})

test('the density is never negative', () => {
  fc.assert(
    fc.property(densityInput, (input) => {
      for (const value of densityOf(input).values) assert.ok(value >= 0)
    }),
    { numRuns: 100 },
  )
})

test('the density does not depend on the order of the points', () => {
  fc.assert(
    fc.property(
      densityInput.chain((input) =>
        fc
          .shuffledSubarray(input.points, { minLength: input.points.length, maxLength: input.points.length })
          .map((shuffled) => ({ input, shuffled })),
      ),
      ({ input, shuffled }) => {
        const original = densityOf(input)
        const reordered = densityOf({ ...input, points: shuffled })
        assert.equal(reordered.values.length, original.values.length)
        const largest = original.values.reduce((maximum, value) => Math.max(maximum, value), 0)
        original.values.forEach((value, k) =>
          assert.ok(Math.abs(reordered.values[k]! - value) <= 1e-12 * largest),
        )
      },
    ),
    { numRuns: 100 },
  )
})

test('bad parameters and points give a DomainError naming the field', () => {
  const one = Float64Array.of(0)
  const cases: [Parameters<typeof kernelDensity>, string][] = [
    [[one, one, one, { kernel: 'quartic', bandwidth: 0, cellSize: 10 }], 'bandwidth'],
    [[one, one, one, { kernel: 'gaussian', bandwidth: Number.NaN, cellSize: 10 }], 'bandwidth'],
    [[one, one, one, { kernel: 'quartic', bandwidth: 100, cellSize: -5 }], 'cellSize'],
    [[one, one, one, { kernel: 'triangle' as KernelName, bandwidth: 100, cellSize: 10 }], 'kernel'],
    [[one, one, Float64Array.of(-1), { kernel: 'quartic', bandwidth: 100, cellSize: 10 }], 'weights'],
    [[Float64Array.of(Number.NaN), one, one, { kernel: 'quartic', bandwidth: 100, cellSize: 10 }], 'points'],
    [[one, Float64Array.of(0, 1), one, { kernel: 'quartic', bandwidth: 100, cellSize: 10 }], 'points'],
    [
      [
        new Float64Array(0),
        new Float64Array(0),
        new Float64Array(0),
        { kernel: 'quartic', bandwidth: 100, cellSize: 10 },
      ],
      'points',
    ],
  ]
  for (const [parameters, field] of cases) {
    assert.throws(
      () => kernelDensity(...parameters),
      (error: unknown) => error instanceof DomainError && error.code === 'invalid' && field in error.fields,
      field,
    )
  }
})

test('a grid of more than 4 million cells is refused with the cell size and the extent', () => {
  // Two points 150 km apart diagonally: 150.5 km × 150.5 km with the 250 m margins, 3010 × 3010 cells of 50 m.
  const x = Float64Array.of(0, 150_000)
  const y = Float64Array.of(0, 150_000)
  assert.throws(
    () => kernelDensity(x, y, Float64Array.of(1, 1), { kernel: 'quartic', bandwidth: 250, cellSize: 50 }),
    (error: unknown) =>
      error instanceof DomainError &&
      /A 50 m cell size over an extent of 150\.5 km × 150\.5 km needs 9,060,100 cells/.test(
        error.fields.cellSize ?? '',
      ) &&
      /at least 76 m/.test(error.fields.cellSize ?? ''),
  )
})

test('any finite inputs either give a density or a DomainError, never another error', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double(), { maxLength: 4 }),
      fc.array(fc.double(), { maxLength: 4 }),
      fc.array(fc.double(), { maxLength: 4 }),
      fc.double(),
      fc.double(),
      fc.constantFrom<KernelName>('quartic', 'gaussian'),
      (xs, ys, weights, bandwidth, cellSize, kernel) => {
        try {
          kernelDensity(Float64Array.from(xs), Float64Array.from(ys), Float64Array.from(weights), {
            kernel,
            bandwidth,
            cellSize,
          })
        } catch (error) {
          assert.ok(error instanceof DomainError, String(error))
        }
      },
    ),
    { numRuns: 300 },
  )
})

test('the Gaussian factors of a point along an axis equal Math.exp of each exponent within 64 roundings', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1, max: 1000, noNaN: true }),
      // From 20 cells per σ to cells 12σ wide (past the 8σ from which each factor is its own exp).
      fc.double({ min: 0.05, max: 12, noNaN: true }),
      fc.integer({ min: 1, max: 400 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: -5000, max: 5000, noNaN: true }),
      (bandwidth, cellsPerBandwidth, cells, where, origin) => {
        const cellSize = bandwidth * cellsPerBandwidth
        const position = origin + where * cells * cellSize
        const axis = gaussianAxis(cellSize, bandwidth, cells)
        const factors = new Float64Array(cells)
        const offset = gaussianFactors(axis, factors, 0, cells - 1, origin, position)
        const common = Math.exp(-(offset * offset) / (2 * bandwidth * bandwidth))
        for (let c = 0; c < cells; c++) {
          const d = origin + (c + 0.5) * cellSize - position
          const expected = Math.exp(-(d * d) / (2 * bandwidth * bandwidth))
          const ours = factors[c]! * common
          // Rounding that any evaluation has, ours and this one alike: distances computed from coordinates of
          // size |origin| are off by η ≈ 2 ulp of those, which moves exp(−d²/2σ²) by |d| η / σ² relative, and
          // an exponent x rounded by an ulp or two (here and in ours, whose exponent is split in two) moves its exp
          // by a few x · 2⁻⁵² relative.
          const exponent = (d * d) / (2 * bandwidth * bandwidth)
          const distanceRounding = 4.5e-16 * (Math.abs(origin) + Math.abs(position))
          const inherent = (Math.abs(d) * distanceRounding) / bandwidth ** 2 + 4 * exponent * 2 ** -52
          const tolerance = (64 * 2 ** -52 + inherent) * expected + 1e-290
          assert.ok(Math.abs(ours - expected) <= tolerance, `cell ${c}: ${ours} ≠ ${expected}`)
        }
      },
    ),
    { numRuns: 400 },
  )
})

/** The Gaussian grid summed cell by cell and point by point, with one exp per term: the definition itself. */
function gaussianByDefinition(
  grid: ReturnType<typeof kernelDensity>,
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  bandwidth: number,
  reach: number,
): Float64Array {
  const values = new Float64Array(grid.columns * grid.rows)
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.columns; c++) {
      let sum = 0
      for (let i = 0; i < x.length; i++) {
        const dx = grid.originX + (c + 0.5) * grid.cellSize - x[i]!
        const dy = grid.originY + (r + 0.5) * grid.cellSize - y[i]!
        if (Math.abs(dx) <= reach && Math.abs(dy) <= reach) {
          sum += weights[i]! * Math.exp(-(dx * dx + dy * dy) / (2 * bandwidth * bandwidth))
        }
      }
      values[r * grid.columns + c] = (sum * 1e6) / (2 * Math.PI * bandwidth * bandwidth)
    }
  }
  return values
}

test('the Gaussian grid equals the direct sum of one exp per point and cell to 1e-12, cut off or not', () => {
  fc.assert(
    fc.property(densityInput, fc.constantFrom(4, 2.5, Infinity), (input, gaussianCutoff) => {
      const { points, bandwidth, cellsPerBandwidth } = input
      const x = Float64Array.from(points, (point) => point.x)
      const y = Float64Array.from(points, (point) => point.y)
      const weights = Float64Array.from(points, (point) => point.weight)
      const grid = kernelDensity(x, y, weights, {
        kernel: 'gaussian',
        bandwidth,
        cellSize: bandwidth / cellsPerBandwidth,
        gaussianCutoff,
      })
      const expected = gaussianByDefinition(grid, x, y, weights, bandwidth, gaussianCutoff * bandwidth)
      expected.forEach((value, k) =>
        assert.ok(Math.abs(grid.values[k]! - value) <= 1e-12 * value + 1e-290, `cell ${k}`),
      )
    }),
    { numRuns: 60 },
  )
})
