import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  boundingBox,
  interiorPoint,
  pointInGeometry,
  pointInPolygon,
  pointInRing,
} from './point-in-polygon.ts'
import type { AreaGeometry } from './tables.ts'

const square = (x: number, y: number, size: number) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
]
const SQUARE_WITH_HOLE: AreaGeometry = { type: 'Polygon', coordinates: [square(0, 0, 10), square(4, 4, 2)] }

describe('point in polygon', () => {
  test('a point inside a square is inside and one beyond it is outside', () => {
    assert.equal(pointInRing([5, 5], square(0, 0, 10)), 'inside')
    assert.equal(pointInRing([15, 5], square(0, 0, 10)), 'outside')
    assert.equal(pointInRing([-0.0001, 5], square(0, 0, 10)), 'outside')
  })

  test('points on an edge or a vertex are on the boundary, and a boundary counts as in the area', () => {
    assert.equal(pointInRing([10, 5], square(0, 0, 10)), 'boundary')
    assert.equal(pointInRing([5, 0], square(0, 0, 10)), 'boundary')
    assert.equal(pointInRing([0, 0], square(0, 0, 10)), 'boundary')
    assert.equal(pointInRing([10, 10], square(0, 0, 10)), 'boundary')
    // A point on a sloping edge, as longitude/latitude of the City of London.
    const triangle = [
      [-0.1, 51.5],
      [-0.08, 51.52],
      [-0.1, 51.52],
      [-0.1, 51.5],
    ]
    assert.equal(pointInRing([-0.09, 51.51], triangle), 'boundary')
  })

  test('a point in a hole is outside the polygon, and one on the hole edge is on its boundary', () => {
    assert.equal(pointInGeometry([5, 5], SQUARE_WITH_HOLE), 'outside')
    assert.equal(pointInGeometry([4, 5], SQUARE_WITH_HOLE), 'boundary')
    assert.equal(pointInGeometry([2, 2], SQUARE_WITH_HOLE), 'inside')
  })

  test('a MultiPolygon holds the points of each of its polygons, and an island inside a hole', () => {
    const archipelago: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[square(0, 0, 10), square(2, 2, 6)], [square(20, 0, 5)], [square(4, 4, 2)]],
    }
    assert.equal(pointInGeometry([1, 1], archipelago), 'inside')
    assert.equal(pointInGeometry([22, 2], archipelago), 'inside')
    assert.equal(pointInGeometry([3, 3], archipelago), 'outside')
    assert.equal(pointInGeometry([5, 5], archipelago), 'inside')
    assert.equal(pointInGeometry([15, 5], archipelago), 'outside')
  })

  test('a ray through a vertex is not counted twice', () => {
    const diamond = [
      [0, 5],
      [5, 0],
      [10, 5],
      [5, 10],
      [0, 5],
    ]
    assert.equal(pointInRing([5, 5], diamond), 'inside')
    assert.equal(pointInRing([-1, 5], diamond), 'outside')
    assert.equal(pointInRing([11, 5], diamond), 'outside')
  })

  test('ring orientation does not matter', () => {
    const clockwise = square(0, 0, 10).reverse()
    assert.equal(pointInRing([5, 5], clockwise), 'inside')
    assert.equal(pointInPolygon([5, 5], [clockwise, square(4, 4, 2)]), 'outside')
  })

  test('inside an axis-aligned box exactly when the coordinates are between its edges', () => {
    // Coordinates to a millionth of a degree (about 10 cm), as boundary files give them.
    const coordinate = fc.integer({ min: -20_000_000, max: 20_000_000 }).map((n) => n / 1_000_000)
    fc.assert(
      fc.property(coordinate, coordinate, (x, y) => {
        const place = pointInRing([x, y], square(0, 0, 10))
        const strictly = x > 0 && x < 10 && y > 0 && y < 10
        const outside = x < 0 || x > 10 || y < 0 || y > 10
        assert.equal(place, strictly ? 'inside' : outside ? 'outside' : 'boundary')
      }),
    )
  })

  test('the bounding box of a MultiPolygon spans all its polygons', () => {
    assert.deepEqual(
      boundingBox({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, -3, 2)]] }),
      { minLongitude: 0, minLatitude: -3, maxLongitude: 7, maxLatitude: 1 },
    )
  })
})

describe('interior point', () => {
  test('of a C shape, whose centre is outside it, is strictly inside', () => {
    const shape: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 2],
          [2, 2],
          [2, 8],
          [10, 8],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
      ],
    }
    assert.equal(pointInGeometry([5, 5], shape), 'outside')
    const point = interiorPoint(shape)
    assert.ok(point)
    assert.equal(pointInGeometry(point, shape), 'inside')
  })

  test('of a square with a hole in its middle is not in the hole', () => {
    const point = interiorPoint(SQUARE_WITH_HOLE)
    assert.ok(point)
    assert.equal(pointInGeometry(point, SQUARE_WITH_HOLE), 'inside')
  })

  test('of any random triangle is inside it', () => {
    const coordinate = fc.integer({ min: -1000, max: 1000 }).map((n) => n / 100)
    fc.assert(
      fc.property(
        fc.tuple(coordinate, coordinate),
        fc.tuple(coordinate, coordinate),
        fc.tuple(coordinate, coordinate),
        (a, b, c) => {
          const area = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])
          fc.pre(Math.abs(area) > 0.01)
          const triangle: AreaGeometry = { type: 'Polygon', coordinates: [[a, b, c, a]] }
          const point = interiorPoint(triangle)
          assert.ok(point, 'an interior point exists')
          assert.equal(pointInGeometry(point, triangle), 'inside')
        },
      ),
    )
  })

  test('of a flat ring does not exist', () => {
    const flat: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [0, 0],
        ],
      ],
    }
    assert.equal(interiorPoint(flat), null)
  })
})
