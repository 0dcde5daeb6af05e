import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { mergeCoincidentPoints } from './coincident-points.ts'
import { gridCovering } from './grid.ts'

test('points at the same position become one point with their summed weight', () => {
  const x = Float64Array.of(10, 250, 10, 10)
  const y = Float64Array.of(20, 80, 20, 21)
  const merged = mergeCoincidentPoints(gridCovering(x, y, 100, 50), x, y, Float64Array.of(1, 2, 3, 4))
  const byPosition = new Map<string, number>()
  merged.x.forEach((px, k) => byPosition.set(`${px},${merged.y[k]}`, merged.weights[k]!))
  assert.deepEqual(
    byPosition,
    new Map([
      ['10,20', 4],
      ['10,21', 4],
      ['250,80', 2],
    ]),
  )
})

test('merging keeps every position and the total weight, even with many positions in one cell', () => {
  const position = fc.integer({ min: 0, max: 60 }).map((k) => k / 8) // up to 61 distinct positions in a 10 m cell
  fc.assert(
    fc.property(
      fc.array(fc.record({ x: position, y: position, weight: fc.integer({ min: 0, max: 5 }) }), {
        maxLength: 200,
      }),
      (points) => {
        fc.pre(points.length > 0)
        const x = Float64Array.from(points, (point) => point.x)
        const y = Float64Array.from(points, (point) => point.y)
        const weights = Float64Array.from(points, (point) => point.weight)
        const merged = mergeCoincidentPoints(gridCovering(x, y, 0, 10), x, y, weights)
        const sum = (values: Float64Array) => values.reduce((total, value) => total + value, 0)
        assert.equal(sum(merged.weights), sum(weights))
        const distinct = new Set(points.map((point) => `${point.x},${point.y}`))
        const kept = new Set(Array.from(merged.x, (px, k) => `${px},${merged.y[k]}`))
        assert.deepEqual(kept, distinct)
        assert.ok(merged.x.length <= points.length)
      },
    ),
    { numRuns: 200 },
  )
})
