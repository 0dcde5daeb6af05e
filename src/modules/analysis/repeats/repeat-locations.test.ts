import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { DEFAULT_HARM_WEIGHTS, pointHarm } from '../counts/harm-weights.ts'
import { dayNumber, pointSet, type PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { repeatLocationsMethod } from './repeat-locations-method.ts'
import { repeatLocations } from './repeat-locations.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const A = { longitude: -0.1, latitude: 51.51 }
const B = { longitude: -0.09, latitude: 51.515 }

function incidents(
  list: { at: { longitude: number; latitude: number }; day: number; category?: string }[],
): PointSet {
  return pointSet({
    longitude: list.map((item) => item.at.longitude),
    latitude: list.map((item) => item.at.latitude),
    day: list.map((item) => item.day),
    category: list.map((item) => item.category ?? 'other-theft'),
    reference: list.map((_, i) => `r${i + 1}`),
  })
}

const withHarm = (points: PointSet) => pointHarm(points, DEFAULT_HARM_WEIGHTS)

/** Metres between two points by the haversine formula, written again here as an independent check. */
function metres(
  a: { longitude: number; latitude: number },
  b: { longitude: number; latitude: number },
): number {
  const rad = Math.PI / 180
  const h =
    Math.sin(((b.latitude - a.latitude) * rad) / 2) ** 2 +
    Math.cos(a.latitude * rad) *
      Math.cos(b.latitude * rad) *
      Math.sin(((b.longitude - a.longitude) * rad) / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h))
}

describe('repeat locations', () => {
  test('is registered as a method under its name', () => {
    assert.equal(methodByName('repeat-locations'), repeatLocationsMethod)
  })

  test('a point with two incidents within the window repeats; a point with one does not', () => {
    const points = incidents([
      { at: A, day: 100 },
      { at: B, day: 120 },
      { at: A, day: 10 },
    ])
    const result = repeatLocations(points, withHarm(points))
    assert.equal(result.placesFound, 1)
    const place = result.places[0]!
    assert.deepEqual(
      [place.longitude, place.latitude, place.count, place.incidentsAtPlace],
      [A.longitude, A.latitude, 2, 2],
    )
    assert.deepEqual(
      place.incidents.map((incident) => [incident.reference, incident.date, incident.category]),
      [
        ['r3', '1970-01-11', 'other-theft'],
        ['r1', '1970-04-11', 'other-theft'],
      ],
    )
    assert.equal(place.harm, 2 * DEFAULT_HARM_WEIGHTS['other-theft']!)
  })

  test('incidents repeat only when less than windowDays apart', () => {
    const points = incidents([
      { at: A, day: 0 },
      { at: A, day: 365 },
    ])
    assert.equal(repeatLocations(points, withHarm(points), { windowDays: 365 }).placesFound, 0)
    assert.equal(repeatLocations(points, withHarm(points), { windowDays: 366 }).placesFound, 1)
  })

  test('the busiest window is kept, and of equally busy windows the most harmful, then the latest', () => {
    const points = incidents([
      { at: A, day: 0, category: 'robbery' },
      { at: A, day: 10 },
      { at: A, day: 300 },
      { at: A, day: 310 },
    ])
    const place = repeatLocations(points, withHarm(points), { windowDays: 30 }).places[0]!
    assert.deepEqual(
      place.incidents.map((incident) => incident.day),
      [0, 10],
    )
    const evenHarm = incidents([
      { at: A, day: 0 },
      { at: A, day: 10 },
      { at: A, day: 300 },
      { at: A, day: 310 },
    ])
    assert.deepEqual(
      repeatLocations(evenHarm, withHarm(evenHarm), { windowDays: 30 }).places[0]!.incidents.map(
        (i) => i.day,
      ),
      [300, 310],
    )
  })

  test('places rank by count, then harm, then the most recent incident', () => {
    const C = { longitude: -0.08, latitude: 51.52 }
    const points = incidents([
      { at: A, day: 1 },
      { at: A, day: 2 },
      { at: B, day: 1, category: 'robbery' },
      { at: B, day: 2 },
      { at: C, day: 1 },
      { at: C, day: 2 },
      { at: C, day: 3 },
      { at: { longitude: -0.07, latitude: 51.5 }, day: 5 },
      { at: { longitude: -0.07, latitude: 51.5 }, day: 6 },
    ])
    const result = repeatLocations(points, withHarm(points))
    assert.deepEqual(
      result.places.map((place) => [place.rank, place.longitude]),
      [
        [1, C.longitude],
        [2, B.longitude],
        [3, -0.07],
        [4, A.longitude],
      ],
    )
    const limited = repeatLocations(points, withHarm(points), { limit: 2 })
    assert.equal(limited.placesFound, 4)
    assert.equal(limited.places.length, 2)
  })

  test('with a radius, points near the busiest point join its place; farther ones do not', () => {
    // About 28 m north of A, and about 700 m away (B).
    const nearA = { longitude: A.longitude, latitude: A.latitude + 0.00025 }
    const points = incidents([
      { at: A, day: 1 },
      { at: A, day: 2 },
      { at: nearA, day: 3 },
      { at: B, day: 4 },
    ])
    const joined = repeatLocations(points, withHarm(points), { radius: 50 })
    assert.equal(joined.placesFound, 1)
    assert.deepEqual([joined.places[0]!.count, joined.places[0]!.points], [3, 2])
    assert.equal(joined.places[0]!.latitude, A.latitude, 'the busiest point anchors the place')
    const apart = repeatLocations(points, withHarm(points), { radius: 10 })
    assert.deepEqual(
      apart.places.map((place) => place.count),
      [2],
    )
  })

  test('every incident of a place lies within the radius of its point, and no incident is in two places', () => {
    const point = fc.record({
      longitude: fc.double({ min: -0.1, max: -0.095, noNaN: true }),
      latitude: fc.double({ min: 51.51, max: 51.513, noNaN: true }),
      day: fc.integer({ min: 0, max: 60 }),
    })
    fc.assert(
      fc.property(fc.array(point, { maxLength: 60 }), fc.integer({ min: 1, max: 200 }), (list, radius) => {
        const points = incidents(list.map((item) => ({ at: item, day: item.day })))
        const result = repeatLocations(points, withHarm(points), { radius, windowDays: 1000, limit: 100_000 })
        const seen = new Set<string>()
        for (const place of result.places) {
          for (const incident of place.incidents) {
            assert.ok(metres(place, incident) <= radius + 1e-6)
            assert.ok(!seen.has(incident.reference))
            seen.add(incident.reference)
          }
        }
      }),
    )
  })

  test('does not depend on the order of the points', () => {
    const point = fc.record({
      longitude: fc.constantFrom(-0.1, -0.099, -0.098),
      latitude: fc.constantFrom(51.51, 51.511),
      day: fc.integer({ min: 0, max: 400 }),
      category: fc.constantFrom('robbery', 'shoplifting', 'burglary'),
    })
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), fc.constantFrom(0, 100), (list, radius) => {
        const items = list.map((item, i) => ({ ...item, reference: `r${i}` }))
        const build = (ordered: typeof items) =>
          pointSet({
            longitude: ordered.map((item) => item.longitude),
            latitude: ordered.map((item) => item.latitude),
            day: ordered.map((item) => item.day),
            category: ordered.map((item) => item.category),
            reference: ordered.map((item) => item.reference),
          })
        const forward = build(items)
        const backward = build([...items].reverse())
        assert.deepEqual(
          repeatLocations(backward, withHarm(backward), { radius }),
          repeatLocations(forward, withHarm(forward), { radius }),
        )
      }),
    )
  })

  test('on the City of London police.uk files, match a brute-force count per map point', () => {
    const rows = ['2023-04', '2023-05']
      .flatMap(
        (month) =>
          parse(readFileSync(path.join(ROOT, `samples/police-uk/${month}-city-of-london-street.csv`)), {
            columns: true,
          }) as Record<string, string>[],
      )
      .filter((row) => row.Longitude !== '')
    const day = (row: Record<string, string>) =>
      dayNumber(Number(row.Month!.slice(0, 4)), Number(row.Month!.slice(5)), 1)
    const points = pointSet({
      longitude: rows.map((row) => Number(row.Longitude)),
      latitude: rows.map((row) => Number(row.Latitude)),
      day: rows.map(day),
      category: rows.map((row) => CRIME_TYPE_CODES[row['Crime type']!]!),
    })
    for (const windowDays of [20, 365]) {
      // Brute force: group rows by the coordinates as written, try every incident as a window start.
      const byPoint = new Map<string, number[]>()
      for (const row of rows) {
        const key = `${row.Longitude},${row.Latitude}`
        byPoint.set(key, [...(byPoint.get(key) ?? []), day(row)])
      }
      const expected = new Map<string, number>()
      for (const [key, days] of byPoint) {
        const best = Math.max(
          ...days.map((start) => days.filter((d) => d >= start && d - start < windowDays).length),
        )
        if (best >= 2) expected.set(key, best)
      }
      const result = repeatLocations(points, pointHarm(points, DEFAULT_HARM_WEIGHTS), {
        windowDays,
        limit: 100_000,
      })
      assert.equal(result.placesFound, expected.size)
      for (const place of result.places) {
        const key = `${place.longitude.toFixed(6)},${place.latitude.toFixed(6)}`
        assert.equal(place.count, expected.get(key), key)
      }
      assert.ok(result.places[0]!.count >= result.places.at(-1)!.count)
    }
  })

  test('bad options get a clear error naming each one', () => {
    const points = incidents([{ at: A, day: 0 }])
    assert.throws(
      () => repeatLocations(points, withHarm(points), { radius: -1, windowDays: 0, minimum: 1, limit: 0 }),
      (error: DomainError) =>
        ['radius', 'windowDays', 'minimum', 'limit'].every((field) => error.fields[field] !== undefined),
    )
    assert.deepEqual(
      Object.keys(repeatLocationsMethod.check!({ radius: Number.NaN, harmWeights: 'x=1' })).sort(),
      ['harmWeights.x', 'radius'],
    )
    assert.throws(() => repeatLocationsMethod.run(points, { minimum: 2.5 }, {}), /whole number of incidents/)
  })

  test('the method weighs harm by category and summarises the top places', async () => {
    const points = incidents([
      { at: A, day: 0, category: 'burglary' },
      { at: A, day: 5, category: 'burglary' },
    ])
    const result = await repeatLocationsMethod.run(points, { harmWeights: 'burglary=117' }, {})
    assert.equal(result.places[0]!.harm, 234)
    assert.match(
      repeatLocationsMethod.summarise(result),
      /1 places with 2 or more incidents at the same point/,
    )
  })
})
