import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  EARTH_RADIUS_METRES,
  haversineMetres,
  haversineOfAngle,
  haversineScreenLimit,
  manhattanMetres,
  searchWindowDegrees,
} from './distance.ts'

const metresPerDegree = (EARTH_RADIUS_METRES * Math.PI) / 180

test('a degree of latitude, or of longitude on the equator, is R·π/180 metres by either measure', () => {
  assert.ok(Math.abs(haversineMetres(0, 10, 0, 11) - metresPerDegree) < 1e-6)
  assert.ok(Math.abs(haversineMetres(30, 0, 31, 0) - metresPerDegree) < 1e-6)
  assert.ok(Math.abs(manhattanMetres(0, 10, 0, 11) - metresPerDegree) < 1e-6)
})

test('manhattan distance adds the east-west leg at the mean latitude to the north-south leg', () => {
  const eastWest = 0.01 * metresPerDegree * Math.cos((53.485 * Math.PI) / 180)
  const northSouth = 0.01 * metresPerDegree
  assert.ok(Math.abs(manhattanMetres(-2.25, 53.48, -2.24, 53.49) - (eastWest + northSouth)) < 1e-6)
  // On a short diagonal the straight line is shorter by about √2.
  const ratio =
    manhattanMetres(-2.25, 53.48, -2.25 + 0.001 / Math.cos((53.48 * Math.PI) / 180), 53.481) /
    haversineMetres(-2.25, 53.48, -2.25 + 0.001 / Math.cos((53.48 * Math.PI) / 180), 53.481)
  assert.ok(Math.abs(ratio - Math.SQRT2) < 1e-3)
})

test('pairs closer than the reach never differ by more than the search window', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -179, max: 179, noNaN: true }),
      fc.double({ min: -89.9, max: 89.9, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 5000, noNaN: true }),
      (longitude, latitude, east, north, reach) => {
        // Offsets up to a few times the reach, in degrees at this latitude.
        const otherLatitude = Math.max(-90, Math.min(90, latitude + (north * 3 * reach) / metresPerDegree))
        const otherLongitude =
          longitude +
          (east * 3 * reach) / (metresPerDegree * Math.max(0.01, Math.cos((latitude * Math.PI) / 180)))
        const window = searchWindowDegrees(reach, Math.max(Math.abs(latitude), Math.abs(otherLatitude)))
        for (const distance of [haversineMetres, manhattanMetres]) {
          if (distance(longitude, latitude, otherLongitude, otherLatitude) < reach) {
            assert.ok(Math.abs(otherLatitude - latitude) <= window.latitude)
            assert.ok(Math.abs(otherLongitude - longitude) <= window.longitude)
          }
        }
      },
    ),
    { numRuns: 2000 },
  )
})

test('a pair screened out on h is never closer than the screen distance', () => {
  const cosine = (latitude: number) => Math.cos((latitude * Math.PI) / 180)
  fc.assert(
    fc.property(
      fc.double({ min: -179, max: 179, noNaN: true }),
      fc.double({ min: -89.9, max: 89.9, noNaN: true }),
      fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
      fc.double({ min: 0.5, max: 2, noNaN: true }),
      fc.double({ min: 1, max: 5000, noNaN: true }),
      (longitude, latitude, bearing, scale, reach) => {
        // A second point at about `scale` × reach, half of them very close to the reach.
        const metres = Math.abs(scale - 1) < 0.25 ? reach * (1 + (scale - 1) * 1e-9) : reach * scale
        const otherLatitude = latitude + (Math.cos(bearing) * metres) / metresPerDegree
        const otherLongitude =
          longitude + (Math.sin(bearing) * metres) / (metresPerDegree * Math.max(0.01, cosine(latitude)))
        if (Math.abs(otherLatitude) > 90) return
        const h = haversineOfAngle(
          longitude,
          latitude,
          cosine(latitude),
          otherLongitude,
          otherLatitude,
          cosine(otherLatitude),
        )
        if (h > haversineScreenLimit(reach)) {
          assert.ok(haversineMetres(longitude, latitude, otherLongitude, otherLatitude) >= reach)
        }
      },
    ),
    { numRuns: 3000 },
  )
  assert.equal(haversineScreenLimit(Math.PI * EARTH_RADIUS_METRES), Infinity)
})
