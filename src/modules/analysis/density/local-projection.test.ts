import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  localProjectionAt,
  localProjectionFor,
  projectPoint,
  projectPoints,
  unprojectPoint,
} from './local-projection.ts'

const readFixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url), 'utf8'))

test('points are projected about their mean as the R script of the spatstat fixture projects them', () => {
  const fixture = readFixture('kde-spatstat.json') as {
    projection: { originLongitude: number; originLatitude: number }
    points: { longitude: number[]; latitude: number[]; x: number[]; y: number[] }
  }
  const longitude = Float64Array.from(fixture.points.longitude)
  const latitude = Float64Array.from(fixture.points.latitude)
  const projection = localProjectionFor(longitude, latitude)
  assert.ok(Math.abs(projection.originLongitude - fixture.projection.originLongitude) < 1e-12)
  assert.ok(Math.abs(projection.originLatitude - fixture.projection.originLatitude) < 1e-12)
  const { x, y } = projectPoints(projection, longitude, latitude)
  fixture.points.x.forEach((expected, i) => assert.ok(Math.abs(x[i]! - expected) < 1e-6))
  fixture.points.y.forEach((expected, i) => assert.ok(Math.abs(y[i]! - expected) < 1e-6))
})

test('projected distances are within the documented error of geodesic distances on the WGS 84 ellipsoid', () => {
  // Geodesic distances from PROJ (azimuthal equidistant about one end), test/fixtures/analysis/kde-projection.R.
  const fixture = readFixture('kde-projection.json') as {
    origin: [number, number]
    pairs: { withinMetres: number; a: [number, number]; b: [number, number]; geodesicMetres: number }[]
  }
  const projection = localProjectionAt(...fixture.origin)
  const tangent = Math.tan((fixture.origin[1] * Math.PI) / 180)
  for (const pair of fixture.pairs) {
    const [ax, ay] = projectPoint(projection, ...pair.a)
    const [bx, by] = projectPoint(projection, ...pair.b)
    const relativeError = Math.abs(Math.hypot(bx - ax, by - ay) / pair.geodesicMetres - 1)
    // Documented: about tan φ0 · (distance north or south of the origin) / 6 371 km.
    assert.ok(
      relativeError < (tangent * pair.withinMetres) / 6_371_000,
      `${relativeError} for ${JSON.stringify(pair)}`,
    )
  }
  const within5km = fixture.pairs.filter((pair) => pair.withinMetres <= 5000)
  assert.ok(within5km.length >= 40)
})

test('unprojecting a projected point gives the point back', () => {
  const projection = localProjectionAt(-1.5, 53.8)
  for (const [longitude, latitude] of [
    [-1.5, 53.8],
    [-1.62, 53.71],
    [-1.31, 53.95],
  ] as const) {
    const [x, y] = projectPoint(projection, longitude, latitude)
    const [backLongitude, backLatitude] = unprojectPoint(projection, x, y)
    assert.ok(Math.abs(backLongitude - longitude) < 1e-12 && Math.abs(backLatitude - latitude) < 1e-12)
  }
})
