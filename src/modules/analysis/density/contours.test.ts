import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  densityContours,
  percentileLevels,
  signedArea,
  type ContourCollection,
  type Position,
} from './contours.ts'
import { kernelDensity } from './kernel-density.ts'

// Kilometres as if they were degrees, so that positions can be checked in metres.
const toKilometres = (x: number, y: number): [number, number] => [x / 1000, y / 1000]

function assertValidRings(collection: ContourCollection): void {
  for (const feature of collection.features) {
    for (const polygon of feature.geometry.coordinates) {
      polygon.forEach((ring, ringIndex) => {
        assert.ok(ring.length >= 4, 'a ring has at least four positions')
        assert.deepEqual(ring[0], ring.at(-1), 'a ring is closed')
        // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
        if (ringIndex === 0) assert.ok(signedArea(ring) > 0)
        else assert.ok(signedArea(ring) < 0)
      })
    }
  }
}

test('the contour of one quartic kernel is the circle where the kernel equals the level', () => {
  const bandwidth = 250
  const grid = kernelDensity(Float64Array.of(0), Float64Array.of(0), Float64Array.of(1), {
    kernel: 'quartic',
    bandwidth,
    cellSize: 10,
  })
  const peak = (3 / (Math.PI * bandwidth * bandwidth)) * 1e6
  const level = peak / 4
  // 3/(πh²)(1 − r²/h²)² = peak/4  ⇔  r = h √(1 − 1/2)
  const radius = bandwidth * Math.sqrt(0.5)
  const contours = densityContours(grid, [{ level }], toKilometres)
  assertValidRings(contours)
  const [feature] = contours.features
  assert.equal(feature?.properties.level, level)
  assert.equal(feature?.geometry.coordinates.length, 1)
  const ring = feature!.geometry.coordinates[0]![0]!
  for (const [xKilometres, yKilometres] of ring) {
    assert.ok(Math.abs(Math.hypot(xKilometres, yKilometres) * 1000 - radius) < 2, 'within 2 m of the circle')
  }
  const area = (signedArea(ring) / 2) * 1e6
  assert.ok(Math.abs(area / (Math.PI * radius * radius) - 1) < 0.01)
})

test('a ring of points gives an annulus: a polygon with a clockwise hole inside it', () => {
  const count = 60
  const x = Float64Array.from({ length: count }, (_, i) => 1000 * Math.cos((2 * Math.PI * i) / count))
  const y = Float64Array.from({ length: count }, (_, i) => 1000 * Math.sin((2 * Math.PI * i) / count))
  const grid = kernelDensity(x, y, new Float64Array(count).fill(1), {
    kernel: 'quartic',
    bandwidth: 250,
    cellSize: 20,
  })
  const contours = densityContours(grid, [{ level: 5 }], toKilometres)
  assertValidRings(contours)
  const polygons = contours.features[0]!.geometry.coordinates
  assert.equal(polygons.length, 1)
  assert.equal(polygons[0]!.length, 2, 'an exterior ring and one hole')
  const hole: Position[] = polygons[0]![1]!
  for (const [xKilometres, yKilometres] of hole) assert.ok(Math.hypot(xKilometres, yKilometres) < 1)
})

test('a level above the peak gives an empty MultiPolygon, still listed with its level', () => {
  const grid = kernelDensity(Float64Array.of(0), Float64Array.of(0), Float64Array.of(1), {
    kernel: 'gaussian',
    bandwidth: 100,
    cellSize: 20,
  })
  const contours = densityContours(grid, [{ level: 1e9 }], toKilometres)
  assert.deepEqual(contours.features[0]?.geometry, { type: 'MultiPolygon', coordinates: [] })
})

test('percentile levels interpolate between the non-zero densities as R quantile type 7 does', () => {
  // quantile(c(1, 2, 3, 4), c(0.5, 0.75)) is 2.5, 3.25 in R; the zeros are left out.
  const levels = percentileLevels(Float64Array.of(0, 4, 0, 1, 3, 2, 0), [50, 75])
  assert.deepEqual(levels, [
    { level: 2.5, percentile: 50 },
    { level: 3.25, percentile: 75 },
  ])
})

test('percentiles that fall on the same density give one level', () => {
  assert.deepEqual(percentileLevels(Float64Array.of(7, 7, 7), [50, 90, 99]), [{ level: 7, percentile: 50 }])
  assert.deepEqual(percentileLevels(new Float64Array(5), [50]), [])
})
