import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { POLY2NB_SNAP, queenContiguityPairs, type Ring } from './contiguity.ts'

const root = new URL('../../../../', import.meta.url)
const fixture = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-contiguity.json', root), 'utf8'),
) as { snap: number; codes: string[]; neighbours: string[][] }
const boundaries = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-contiguity.geojson', root), 'utf8'),
) as {
  features: {
    properties: { code: string }
    geometry:
      { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }
  }[]
}

const ringsOf = (geometry: (typeof boundaries.features)[number]['geometry']): Ring[] =>
  geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()

/** Each area's neighbours by code, from pairs of positions. */
function neighbourCodes(codes: readonly string[], pairs: readonly (readonly [number, number])[]) {
  const byCode = new Map(codes.map((code) => [code, [] as string[]]))
  for (const [a, b] of pairs) {
    byCode.get(codes[a]!)!.push(codes[b]!)
    byCode.get(codes[b]!)!.push(codes[a]!)
  }
  return new Map([...byCode].map(([code, list]) => [code, list.sort()]))
}

/** The rule written the slow way: every vertex of every area against every vertex of every other. */
function bruteForcePairs(areas: readonly (readonly Ring[])[], snap: number): [number, number][] {
  const pairs: [number, number][] = []
  for (let i = 0; i < areas.length; i++) {
    for (let j = i + 1; j < areas.length; j++) {
      const touch = areas[i]!.some((ring) =>
        ring.some(([x1, y1]) =>
          areas[j]!.some((other) =>
            other.some(([x2, y2]) => (x1! - x2!) ** 2 + (y1! - y2!) ** 2 <= snap * snap),
          ),
        ),
      )
      if (touch) pairs.push([i, j])
    }
  }
  return pairs
}

describe('queen contiguity of boundaries', () => {
  test('gives the neighbours of spdep poly2nb(queen = TRUE) on the fixture polygons', () => {
    // The fixture holds R's snap to 15 digits.
    assert.ok(Math.abs(fixture.snap - POLY2NB_SNAP) < 1e-14 * POLY2NB_SNAP)
    const codes = boundaries.features.map((feature) => feature.properties.code)
    assert.deepEqual(codes, fixture.codes)
    const pairs = queenContiguityPairs(boundaries.features.map((feature) => ringsOf(feature.geometry)))
    const expected = new Map(fixture.codes.map((code, i) => [code, [...fixture.neighbours[i]!].sort()]))
    assert.deepEqual(neighbourCodes(codes, pairs), expected)
    assert.equal(pairs.length, 510)
  })

  test('a vertex within snap of another makes neighbours, one farther away (by the plane distance) does not', () => {
    const square = (x: number, y: number): Ring[] => [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ]
    const snap = 0.01
    assert.deepEqual(queenContiguityPairs([square(0, 0), square(1.009, 1)], snap), [[0, 1]])
    assert.deepEqual(queenContiguityPairs([square(0, 0), square(1.011, 1)], snap), [])
    // 0.008 in each coordinate is within snap on each axis but 0.0113 away.
    assert.deepEqual(queenContiguityPairs([square(0, 0), square(1.008, 1.008)], snap), [])
    // A vertex on the middle of another's edge is not a shared boundary point (poly2nb compares vertices).
    assert.deepEqual(queenContiguityPairs([square(0, 0), square(1, 0.5)], snap), [])
  })

  test('an area with no rings, or no areas at all, has no neighbours; a non-finite vertex is refused', () => {
    assert.deepEqual(queenContiguityPairs([]), [])
    assert.deepEqual(queenContiguityPairs([[], []]), [])
    assert.throws(() => queenContiguityPairs([[[[0, Number.NaN]]]]), /area 0 has a vertex that is not/)
    assert.throws(() => queenContiguityPairs([[[[0, 0]]]], Number.NaN), /snap must be/)
  })

  test('equals the brute-force comparison of every vertex pair, for any areas and snap', () => {
    // Vertices on a coarse lattice, nudged by less than a few snaps, so that near and far pairs both occur.
    const vertex = fc.tuple(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.double({ min: -3, max: 3, noNaN: true }),
      fc.double({ min: -3, max: 3, noNaN: true }),
    )
    const area = fc.array(fc.array(vertex, { minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 3 })
    fc.assert(
      fc.property(
        fc.array(area, { maxLength: 12 }),
        fc.double({ min: 1e-9, max: 0.3, noNaN: true }),
        (raw, snap) => {
          const areas = raw.map((rings) =>
            rings.map((ring) => ring.map(([i, j, nudgeX, nudgeY]) => [i + nudgeX * snap, j + nudgeY * snap])),
          )
          assert.deepEqual(queenContiguityPairs(areas, snap), bruteForcePairs(areas, snap))
        },
      ),
      { numRuns: 300 },
    )
  })

  test('on a 175 × 175 grid of squares (30,625 areas) each area has the 3, 5 or 8 queen neighbours of its place', () => {
    const side = 175
    const size = 0.002
    const areas: Ring[][] = []
    for (let row = 0; row < side; row++) {
      for (let column = 0; column < side; column++) {
        const x = -1 + column * size
        const y = 51 + row * size
        // Twenty vertices a square, as a generalised LSOA boundary might have.
        const ring: number[][] = []
        for (let k = 0; k < 5; k++) ring.push([x + (k * size) / 5, y])
        for (let k = 0; k < 5; k++) ring.push([x + size, y + (k * size) / 5])
        for (let k = 0; k < 5; k++) ring.push([x + size - (k * size) / 5, y + size])
        for (let k = 0; k < 5; k++) ring.push([x, y + size - (k * size) / 5])
        ring.push([x, y])
        areas.push([ring])
      }
    }
    const started = performance.now()
    const pairs = queenContiguityPairs(areas)
    const milliseconds = performance.now() - started
    const degree = new Int32Array(areas.length)
    for (const [a, b] of pairs) {
      degree[a]!++
      degree[b]!++
    }
    for (let row = 0; row < side; row++) {
      for (let column = 0; column < side; column++) {
        const edges = Number(row === 0 || row === side - 1) + Number(column === 0 || column === side - 1)
        assert.equal(degree[row * side + column], [8, 5, 3][edges], `square ${row}, ${column}`)
      }
    }
    // Quadratic work would take minutes here; linear takes about a second even on a loaded machine.
    assert.ok(milliseconds < 20_000, `took ${Math.round(milliseconds)} ms`)
  })
})
