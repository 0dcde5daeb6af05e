import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js'
import {
  adjacencyNeighbours,
  distanceNeighbours,
  EARTH_RADIUS_METRES,
  ellipsoidDistanceNeighbours,
  ellipsoidKilometres,
  h3CellCentres,
  h3CellsWithinDistance,
  h3DistanceStudyArea,
  h3RingNeighbours,
  h3StudyArea,
  type Neighbours,
} from './neighbours.ts'

const root = new URL('../../../../', import.meta.url)
const input = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-h3-input.json', root), 'utf8'),
) as {
  studies: {
    name: string
    resolution: number
    rings: number
    cells: string[]
    counts: number[]
    neighbours: number[][]
  }[]
}

/** Longitude and latitude of every located row of the City of London street files of these months. */
function streetPoints(months = ['2023-04', '2023-05']): { longitude: number; latitude: number }[] {
  const points: { longitude: number; latitude: number }[] = []
  for (const month of months) {
    const text = readFileSync(
      new URL(`../shared/data/police-uk/${month}-city-of-london-street.csv`, root),
      'utf8',
    )
    for (const line of text.split('\n').slice(1)) {
      const fields = line.split(',')
      if (fields.length >= 6 && fields[4] !== '')
        points.push({ longitude: Number(fields[4]), latitude: Number(fields[5]) })
    }
  }
  return points
}

const rowsOf = (neighbours: Neighbours): number[][] =>
  Array.from({ length: neighbours.offsets.length - 1 }, (_, i) => [
    ...neighbours.indices.subarray(neighbours.offsets[i], neighbours.offsets[i + 1]),
  ])

function assertSymmetricWithSelf(neighbours: Neighbours) {
  const rows = rowsOf(neighbours)
  rows.forEach((row, i) => {
    assert.ok(row.includes(i), `row ${i} includes itself`)
    assert.deepEqual(
      row,
      [...row].sort((a, b) => a - b),
      `row ${i} is sorted`,
    )
    for (const j of row) assert.ok(rows[j]!.includes(i), `${i} → ${j} has ${j} → ${i}`)
  })
}

describe('h3StudyArea and h3RingNeighbours', () => {
  const points = streetPoints()
  for (const study of input.studies) {
    test(`give the cells and neighbour lists built directly with h3-js for the City of London, ${study.name}`, () => {
      const area = h3StudyArea(
        points.map((point) => latLngToCell(point.latitude, point.longitude, study.resolution)),
        study.rings,
      )
      assert.deepEqual(area.cells, study.cells)
      area.cells.forEach((cell, i) => assert.equal(area.index.get(cell), i))
      const neighbours = h3RingNeighbours(area.cells, study.rings)
      assert.deepEqual(
        rowsOf(neighbours),
        study.neighbours.map((row) => row.map((j) => j - 1)),
      )
    })
  }

  test('one point gives its cell and every cell within K rings, with zero counts, 1 + 3K(K + 1) in all', () => {
    const cell = latLngToCell(51.515, -0.09, 9)
    for (const rings of [1, 2, 3]) {
      const area = h3StudyArea([cell, cell, cell], rings)
      assert.equal(area.cells.length, 1 + 3 * rings * (rings + 1))
      assert.ok(area.index.has(cell))
    }
  })

  test('neighbour lists include the cell itself and are symmetric, for random points and rings', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 51.4, max: 51.6, noNaN: true }),
            fc.double({ min: -0.2, max: 0, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 3 }),
        (locations, rings) => {
          const area = h3StudyArea(
            locations.map(([latitude, longitude]) => latLngToCell(latitude, longitude, 8)),
            rings,
          )
          const neighbours = h3RingNeighbours(area.cells, rings)
          assertSymmetricWithSelf(neighbours)
          for (let i = 0; i < area.cells.length; i++)
            assert.ok(neighbours.offsets[i + 1]! - neighbours.offsets[i]! <= 1 + 3 * rings * (rings + 1))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('distanceNeighbours', () => {
  /** Great-circle distance from the chord between unit vectors: another formula than the module's haversine. */
  function chordMetres(longitudeA: number, latitudeA: number, longitudeB: number, latitudeB: number): number {
    const unit = (longitude: number, latitude: number) => {
      const [lambda, phi] = [(longitude * Math.PI) / 180, (latitude * Math.PI) / 180]
      return [Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)]
    }
    const [a, b] = [unit(longitudeA, latitudeA), unit(longitudeB, latitudeB)]
    const chord = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
    return 2 * EARTH_RADIUS_METRES * Math.asin(chord / 2)
  }

  test('finds exactly the pairs within the distance that a brute-force search finds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -0.12, max: -0.07, noNaN: true }),
            fc.double({ min: 51.5, max: 51.53, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.double({ min: 10, max: 2000, noNaN: true }),
        (locations, metres) => {
          const longitude = Float64Array.from(locations, ([x]) => x)
          const latitude = Float64Array.from(locations, ([, y]) => y)
          const rows = rowsOf(distanceNeighbours(longitude, latitude, metres))
          locations.forEach(([xi, yi], i) => {
            const expected = locations.flatMap(([xj, yj], j) => {
              const distance = chordMetres(xi, yi, xj, yj)
              // Pairs within a micrometre of the limit may fall either side by rounding.
              if (Math.abs(distance - metres) < 1e-6) return rows[i]!.includes(j) ? [j] : []
              return i === j || distance <= metres ? [j] : []
            })
            assert.deepEqual(rows[i], expected)
          })
        },
      ),
      { numRuns: 60 },
    )
  })

  test('a point alone has only itself; unequal array lengths are refused', () => {
    assert.deepEqual(rowsOf(distanceNeighbours(Float64Array.of(-0.1), Float64Array.of(51.5), 100)), [[0]])
    assert.throws(
      () => distanceNeighbours(Float64Array.of(-0.1, 0), Float64Array.of(51.5), 100),
      /same length/,
    )
  })
})

describe('adjacencyNeighbours', () => {
  test('gives each area itself and its adjacent areas, in either order, repeats once', () => {
    const neighbours = adjacencyNeighbours(4, [
      [0, 1],
      [1, 0],
      [2, 1],
      [0, 1],
    ])
    assert.deepEqual(rowsOf(neighbours), [[0, 1], [0, 1, 2], [1, 2], [3]])
    assertSymmetricWithSelf(neighbours)
  })

  test('refuses a pair naming an area that does not exist', () => {
    assert.throws(
      () => adjacencyNeighbours(3, [[0, 3]]),
      /adjacency pair \[0, 3\] names an area outside 0..2/,
    )
    assert.throws(() => adjacencyNeighbours(3, [[-1, 1]]), /names an area outside/)
  })
})

const distanceReference = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-distance.json', root), 'utf8'),
) as {
  h3: { resolution: number; metres: number; cells: string[]; neighbours: number[][] }
  lsoa: { metres: number; longitude: number[]; latitude: number[]; neighbours: number[][] }
  distances: {
    fromLongitude: number[]
    fromLatitude: number[]
    toLongitude: number[]
    toLatitude: number[]
    kilometres: number[]
  }
}

describe('ellipsoidKilometres', () => {
  test('equals R sp spDists(longlat = TRUE), the distance of spdep dnearneigh, to 1e-14 relative', () => {
    const { fromLongitude, fromLatitude, toLongitude, toLatitude, kilometres } = distanceReference.distances
    kilometres.forEach((expected, i) => {
      const distance = ellipsoidKilometres(
        fromLongitude[i]!,
        fromLatitude[i]!,
        toLongitude[i]!,
        toLatitude[i]!,
      )
      assert.ok(
        Math.abs(distance - expected) <= 1e-14 * expected,
        `pair ${i}: ${distance} against ${expected}`,
      )
    })
  })

  test('is 0 between a point and itself, and the same both ways', () => {
    assert.equal(ellipsoidKilometres(-0.1, 51.5, -0.1, 51.5), 0)
    // fast-check once found NaN for longitudes 1.8e-160 apart (seed 1038976416): a number, and tiny.
    const tiny = ellipsoidKilometres(-1.801067372138143e-160, 40.000000000000085, 0, 40.000000000000085)
    assert.ok(Number.isFinite(tiny) && tiny < 1e-150, String(tiny))
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 40, max: 60, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 40, max: 60, noNaN: true }),
        (longitudeA, latitudeA, longitudeB, latitudeB) =>
          ellipsoidKilometres(longitudeA, latitudeA, longitudeB, latitudeB) ===
          ellipsoidKilometres(longitudeB, latitudeB, longitudeA, latitudeA),
      ),
    )
  })
})

describe('ellipsoidDistanceNeighbours', () => {
  test("give spdep's include.self(dnearneigh(..., longlat = TRUE)) lists for H3 cell centres and LSOA centres", () => {
    const { h3, lsoa } = distanceReference
    const centres = h3CellCentres(h3.cells)
    const fromCells = ellipsoidDistanceNeighbours(centres.longitude, centres.latitude, h3.metres)
    assert.deepEqual(
      rowsOf(fromCells),
      h3.neighbours.map((row) => row.map((j) => j - 1)),
    )
    const fromAreas = ellipsoidDistanceNeighbours(
      Float64Array.from(lsoa.longitude),
      Float64Array.from(lsoa.latitude),
      lsoa.metres,
    )
    assert.deepEqual(
      rowsOf(fromAreas),
      lsoa.neighbours.map((row) => row.map((j) => j - 1)),
    )
  })

  test('find exactly the pairs a brute-force search finds, the bound included, near the equator and in the north', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 51.5, 70),
        fc.array(
          fc.tuple(
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
            fc.double({ min: 0, max: 0.03, noNaN: true }),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        fc.double({ min: 50, max: 3000, noNaN: true }),
        (baseLatitude, offsets, metres) => {
          const longitude = Float64Array.from(offsets, ([x]) => x)
          const latitude = Float64Array.from(offsets, ([, y]) => baseLatitude + y)
          // A pair exactly at the bound: its distance becomes the limit.
          const limit =
            offsets.length > 1
              ? 1000 * ellipsoidKilometres(longitude[0]!, latitude[0]!, longitude[1]!, latitude[1]!)
              : metres
          for (const reach of [metres, limit]) {
            if (reach < 1) continue
            const rows = rowsOf(ellipsoidDistanceNeighbours(longitude, latitude, reach))
            rows.forEach((row, i) => {
              const expected = offsets.flatMap((_, j) =>
                i === j ||
                ellipsoidKilometres(longitude[i]!, latitude[i]!, longitude[j]!, latitude[j]!) <= reach / 1000
                  ? [j]
                  : [],
              )
              assert.deepEqual(row, expected)
            })
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('h3DistanceStudyArea and h3CellsWithinDistance', () => {
  test("give the City of London study area R found with sp's distance: cells with points and cells within 400 m", () => {
    const april = streetPoints(['2023-04'])
    const area = h3DistanceStudyArea(
      april.map((point) => latLngToCell(point.latitude, point.longitude, distanceReference.h3.resolution)),
      distanceReference.h3.metres,
    )
    assert.deepEqual(area.cells, distanceReference.h3.cells)
    area.cells.forEach((cell, i) => assert.equal(area.index.get(cell), i))
  })

  test('find every cell whose centre lies within the distance among a wide disk of cells, and no other', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.integer({ min: 7, max: 10 }),
        fc.double({ min: 50, max: 3000, noNaN: true }),
        (latitude, longitude, resolution, metres) => {
          const cell = latLngToCell(latitude, longitude, resolution)
          const [centreLatitude, centreLongitude] = cellToLatLng(cell)
          // Rings of at least three quarters of an edge each reach farther than the distance.
          const rings = Math.ceil(metres / (0.75 * getHexagonEdgeLengthAvg(resolution, 'm'))) + 2
          const expected = gridDisk(cell, rings)
            .filter((near) => {
              const [nearLatitude, nearLongitude] = cellToLatLng(near)
              return (
                ellipsoidKilometres(centreLongitude, centreLatitude, nearLongitude, nearLatitude) <=
                metres / 1000
              )
            })
            .sort()
          assert.deepEqual(h3CellsWithinDistance(cell, metres).sort(), expected)
        },
      ),
      { numRuns: 40 },
    )
  })
})
