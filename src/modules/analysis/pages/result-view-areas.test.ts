import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { roundShape, type AreaBoundaries, type AreaShape } from './area-boundaries.ts'
import { areaKeysOf, MISSING_LISTED, resultFeatures, resultView } from './result-view.ts'

/** A small square at (x, y), as a boundary file would give it. */
const square = (x: number, y: number): AreaShape => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + 0.01, y],
      [x + 0.01, y + 0.01],
      [x, y + 0.01],
      [x, y],
    ],
  ],
})

const countsRow = (area: string, count: number) => ({
  area,
  count,
  harm: count * 2.5,
  population: null,
  countPer1000: null,
  harmPer1000: null,
})

const areasArbitrary = fc
  .uniqueArray(fc.stringMatching(/^E0[0-9]{7}$/), { minLength: 1, maxLength: 60 })
  .chain((codes) =>
    fc.record({
      rows: fc.tuple(...codes.map((code) => fc.nat(500).map((count) => countsRow(code, count)))),
      shaped: fc.subarray(codes),
    }),
  )

test('areas with a boundary are features with their table row; the others are listed as missing', () => {
  fc.assert(
    fc.property(areasArbitrary, ({ rows, shaped }) => {
      const result = { points: 1, areas: rows }
      const boundaries: AreaBoundaries = {
        level: 'lsoa',
        shapes: new Map(shaped.map((code, i) => [code, square(i * 0.02, 51)])),
      }
      const view = resultView('counts', result, boundaries)
      const features = resultFeatures('counts', result, boundaries).features
      const missing = rows.map((row) => row.area).filter((code) => !boundaries.shapes.has(code))
      if (shaped.length === 0) {
        assert.equal(view.map, undefined)
        assert.equal(view.noBoundaries?.level, 'lsoa')
        assert.match(view.noBoundaries!.command, /^upstream areas load FILE\.geojson --level lsoa /)
        assert.equal(features.length, 0)
        return
      }
      assert.equal(view.noBoundaries, undefined)
      assert.equal(view.map?.shapes, 'areas')
      assert.deepEqual(view.map.missing, { count: missing.length, listed: missing.slice(0, MISSING_LISTED) })
      const legend = view.map.legend.map((entry) => entry.colour)
      const byCode = new Map(view.rows.map((row) => [row[0], row]))
      assert.deepEqual(
        features.map((feature) => feature.properties.area),
        rows.map((row) => row.area).filter((code) => boundaries.shapes.has(code)),
      )
      for (const { geometry, properties } of features) {
        const { colour, ...figures } = properties
        assert.deepEqual(geometry, boundaries.shapes.get(properties.area!))
        assert.deepEqual(Object.values(figures), byCode.get(properties.area))
        assert.deepEqual(
          Object.keys(figures),
          view.columns.map((column) => column.key),
        )
        assert.ok(legend.includes(colour!), `${colour} is in the legend`)
      }
    }),
  )
})

test('a class method (sppt) colours each area by its class, and H3 cells in the area column are hexagons', () => {
  const result = {
    areas: [
      { area: 'E01000001', baseCount: 3, testCount: 9, result: 1 },
      { area: '89194ad3003ffff', baseCount: 4, testCount: 1, result: -1 },
      { area: 'E01000002', baseCount: 2, testCount: 2, result: 0 },
    ],
  }
  const boundaries: AreaBoundaries = { level: 'lsoa', shapes: new Map([['E01000001', square(0, 51)]]) }
  const features = resultFeatures('spatial-point-pattern-test', result, boundaries).features
  assert.deepEqual(
    features.map((feature) => [feature.properties.area, feature.properties.colour, feature.geometry.type]),
    [
      ['E01000001', '#b2182b', 'Polygon'],
      ['89194ad3003ffff', '#2166ac', 'Polygon'],
    ],
  )
  const ring = features[1]!.geometry.coordinates[0] as number[][]
  assert.ok(ring.length >= 7, 'a hexagon')
  assert.deepEqual(ring[0], ring[ring.length - 1], 'closed')
  const view = resultView('spatial-point-pattern-test', result, boundaries)
  assert.deepEqual(view.map?.missing, { count: 1, listed: ['E01000002'] })
})

test('rows that are not one per area (repeated or empty codes) get no area map', () => {
  const repeated = { areas: [countsRow('E01000001', 2), countsRow('E01000001', 3)] }
  const empty = { areas: [countsRow('', 2)] }
  const boundaries: AreaBoundaries = { level: 'lsoa', shapes: new Map([['E01000001', square(0, 51)]]) }
  for (const result of [repeated, empty]) {
    assert.equal(areaKeysOf('counts', result), undefined)
    assert.equal(resultView('counts', result, boundaries).map, undefined)
    assert.equal(resultView('counts', result, boundaries).noBoundaries, undefined)
    assert.deepEqual(resultFeatures('counts', result, boundaries).features, [])
  }
  assert.equal(areaKeysOf('near-repeat', { bands: [{ area: 'E01000001' }] }), undefined, 'no map colour')
})

test('any stored result, with or without boundaries, gives a view and GeoJSON without throwing', () => {
  const boundaries: AreaBoundaries = { level: 'ward', shapes: new Map([['a', square(0, 51)]]) }
  fc.assert(
    fc.property(
      fc.constantFrom('counts', 'gi-star', 'spatial-point-pattern-test', 'exceedance', 'unknown'),
      fc.oneof(
        fc.jsonValue(),
        // Row lists shaped like the methods' own, with any values in their fields.
        fc.dictionary(
          fc.constantFrom('areas', 'cells', 'rows'),
          fc.array(
            fc.dictionary(fc.constantFrom('area', 'cell', 'count', 'class', 'result'), fc.jsonValue()),
          ),
        ),
      ),
      fc.boolean(),
      (method, result, withBoundaries) => {
        const given = withBoundaries ? boundaries : undefined
        resultView(method, result, given)
        for (const feature of resultFeatures(method, result, given).features) assert.ok(feature.geometry)
      },
    ),
    { numRuns: 500 },
  )
})

test('boundaries are rounded to six decimals, dropping the points that rounding merges', () => {
  const shape: AreaShape = {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [-0.1234564, 51.1234567],
          [-0.1234561, 51.1234569],
          [-0.12, 51.13],
          [-0.11, 51.12],
          [-0.1234564, 51.1234567],
        ],
      ],
      // Smaller than rounding: kept whole rather than left with fewer than four positions.
      [
        [
          [1.0000001, 2.0000001],
          [1.0000002, 2.0000002],
          [1.0000003, 2.0000001],
          [1.0000001, 2.0000001],
        ],
      ],
    ],
  }
  assert.deepEqual(roundShape(shape), {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [-0.123456, 51.123457],
          [-0.12, 51.13],
          [-0.11, 51.12],
          [-0.123456, 51.123457],
        ],
      ],
      [
        [
          [1, 2],
          [1, 2],
          [1, 2],
          [1, 2],
        ],
      ],
    ],
  })
})
