import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { describeProblem, parseBoundaryFile, readBoundaries } from './boundary-file.ts'

const PROPERTIES = { codeProperty: 'WD23CD', nameProperty: 'WD23NM' }
const RING = [
  [-0.1, 51.51],
  [-0.09, 51.51],
  [-0.09, 51.52],
  [-0.1, 51.52],
  [-0.1, 51.51],
]
const ward = (
  code: unknown,
  name: unknown,
  geometry: unknown = { type: 'Polygon', coordinates: [RING] },
) => ({
  type: 'Feature',
  properties: { WD23CD: code, WD23NM: name },
  geometry,
})
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })

function problemsOf(document: unknown, properties = PROPERTIES): string[] {
  const result = readBoundaries(document, properties)
  assert.equal(result.ok, false, 'the file is rejected')
  return result.ok ? [] : result.problems.map(describeProblem)
}

describe('reading a GeoJSON boundary file', () => {
  test('a FeatureCollection of a Polygon and a MultiPolygon gives both, with bounding boxes and inside points', () => {
    const result = readBoundaries(
      collection(
        ward('E05009288', 'Aldersgate'),
        ward('E05009289', 'Aldgate', { type: 'MultiPolygon', coordinates: [[RING]] }),
      ),
      PROPERTIES,
    )
    assert.ok(result.ok)
    assert.deepEqual(
      result.features.map((f) => [f.index, f.code, f.name, f.geometry.type]),
      [
        [0, 'E05009288', 'Aldersgate', 'Polygon'],
        [1, 'E05009289', 'Aldgate', 'MultiPolygon'],
      ],
    )
    assert.deepEqual(result.features[0]!.bbox, {
      minLongitude: -0.1,
      minLatitude: 51.51,
      maxLongitude: -0.09,
      maxLatitude: 51.52,
    })
  })

  test('a missing code or name names the feature and the property', () => {
    assert.deepEqual(
      problemsOf(collection(ward('E05009288', 'Aldersgate'), ward('', 'Aldgate'), ward('E05009290', null))),
      [
        "feature 1, property 'WD23CD': the area code is missing or empty",
        "feature 2, property 'WD23NM': the area name is missing or empty",
      ],
    )
  })

  test('British National Grid coordinates are refused with a hint', () => {
    const bng = [
      [532000, 181000],
      [533000, 181000],
      [533000, 182000],
      [532000, 181000],
    ]
    const [problem] = problemsOf(
      collection(ward('E05009288', 'Aldersgate', { type: 'Polygon', coordinates: [bng] })),
    )
    assert.match(
      problem!,
      /^feature 0, property 'geometry': position 0 \[532000, 181000\] is not a WGS84 longitude\/latitude inside the United Kingdom \(British National Grid/,
    )
  })

  test('a point outside the UK, an open ring, a Point geometry and a duplicate code are each named', () => {
    const paris = RING.map(([x, y]) => [x! + 2.45, y! - 2.65])
    const open = RING.slice(0, 4).concat([[-0.095, 51.515]])
    assert.deepEqual(
      problemsOf(
        collection(
          ward('A', 'Paris', { type: 'Polygon', coordinates: [paris] }),
          ward('B', 'Open', { type: 'Polygon', coordinates: [open] }),
          ward('C', 'Point', { type: 'Point', coordinates: [-0.1, 51.5] }),
          ward('D', 'First'),
          ward('D', 'Second'),
        ),
      ),
      [
        "feature 0, property 'geometry': position 0 [2.35, 48.86] is not a WGS84 longitude/latitude inside the United Kingdom",
        "feature 1, property 'geometry': a ring is not closed (its last position must repeat its first)",
        `feature 2, property 'geometry': the geometry type is "Point"; a boundary must be a Polygon or MultiPolygon`,
        "feature 4, property 'WD23CD': the code 'D' is also the code of feature 3",
      ],
    )
  })

  test('a projected crs, a document that is not a FeatureCollection and broken JSON are refused', () => {
    assert.match(
      problemsOf({
        ...collection(ward('A', 'B')),
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
      })[0]!,
      /^property 'crs': the coordinate reference system "urn:ogc:def:crs:EPSG::27700" is not WGS84/,
    )
    assert.deepEqual(problemsOf({ type: 'Feature' }), [
      'the file is not a GeoJSON FeatureCollection with a "features" array',
    ])
    const broken = parseBoundaryFile('{"type": "FeatureCollection", "features": [', PROPERTIES)
    assert.ok(!broken.ok)
    assert.match(describeProblem(broken.problems[0]!), /^the file is not valid JSON/)
  })

  test('a byte-order mark before the JSON is accepted', () => {
    assert.ok(parseBoundaryFile(`\ufeff${JSON.stringify(collection(ward('A', 'B')))}`, PROPERTIES).ok)
  })

  test('generated bad documents never throw, and every problem inside the features names its feature', () => {
    const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.string(), fc.constant(undefined))
    const position = fc.oneof(
      fc.tuple(fc.double({ min: -10, max: 10 }), fc.double({ min: 45, max: 62 })),
      fc.array(junk, { maxLength: 4 }),
      junk,
    )
    const ring = fc.oneof(fc.array(position, { maxLength: 6 }), junk)
    const geometry = fc.oneof(
      fc.record({
        type: fc.constantFrom('Polygon', 'MultiPolygon', 'Point', 'LineString'),
        coordinates: fc.oneof(
          fc.array(ring, { maxLength: 3 }),
          fc.array(fc.array(ring, { maxLength: 2 }), { maxLength: 2 }),
          junk,
        ),
      }),
      junk,
    )
    const feature = fc.oneof(
      fc.record({
        type: fc.constantFrom('Feature', 'feature'),
        properties: fc.oneof(
          fc.record({ WD23CD: fc.oneof(fc.string(), junk), WD23NM: fc.oneof(fc.string(), junk) }),
          junk,
        ),
        geometry,
      }),
      junk,
    )
    const document = fc.oneof(
      fc.record({
        type: fc.constantFrom('FeatureCollection', 'Feature'),
        features: fc.oneof(fc.array(feature, { maxLength: 5 }), junk),
      }),
      fc.jsonValue(),
    )
    fc.assert(
      fc.property(document, (candidate) => {
        const result = readBoundaries(candidate, PROPERTIES)
        if (result.ok) {
          assert.ok(result.features.length > 0)
          return
        }
        assert.ok(result.problems.length > 0)
        const { type, features } = (
          typeof candidate === 'object' && candidate !== null ? candidate : {}
        ) as Record<string, unknown>
        if (type === 'FeatureCollection' && Array.isArray(features) && features.length) {
          for (const problem of result.problems) {
            assert.equal(typeof problem.feature, 'number', describeProblem(problem))
            assert.match(describeProblem(problem), /^feature \d+/)
          }
        }
      }),
      { numRuns: 500 },
    )
  })

  test('generated text never makes the parser throw', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseBoundaryFile(text, PROPERTIES)
        assert.equal(typeof result.ok, 'boolean')
      }),
    )
  })
})
