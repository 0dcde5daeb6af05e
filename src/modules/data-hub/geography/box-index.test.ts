import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { BoxIndex } from './box-index.ts'

const box = (minLongitude: number, minLatitude: number, maxLongitude: number, maxLatitude: number) => ({
  minLongitude,
  minLatitude,
  maxLongitude,
  maxLatitude,
})

test('the grid finds exactly the boxes holding a point, as testing every box would', () => {
  const coordinate = (min: number, max: number) =>
    fc.integer({ min: min * 1000, max: max * 1000 }).map((n) => n / 1000)
  const boxArbitrary = fc
    .tuple(coordinate(-3, 1), coordinate(50, 55), coordinate(0, 0.5), coordinate(0, 0.5))
    .map(([x, y, width, height]) => box(x, y, x + width, y + height))
  fc.assert(
    fc.property(
      fc.array(boxArbitrary, { maxLength: 20 }),
      coordinate(-3, 1.5),
      coordinate(50, 55.5),
      (boxes, x, y) => {
        const index = new BoxIndex(boxes.map((b, id) => ({ id, box: b })))
        const expected = boxes.flatMap((b, id) =>
          x >= b.minLongitude && x <= b.maxLongitude && y >= b.minLatitude && y <= b.maxLatitude ? [id] : [],
        )
        assert.deepEqual(
          index.holding(x, y).sort((a, b) => a - b),
          expected,
        )
      },
    ),
  )
})

test('a point on the edge of a box is held by it', () => {
  const index = new BoxIndex([{ id: 'city', box: box(-0.12, 51.5, -0.07, 51.53) }])
  assert.deepEqual(index.holding(-0.07, 51.53), ['city'])
  assert.deepEqual(index.holding(-0.0699, 51.53), [])
})
