import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { colourOf, countClasses } from './cell-geojson.ts'

test('the legend classes cover every count from 1 to the largest, without gaps or overlaps', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100_000 }), (max) => {
      const classes = countClasses(max)
      assert.ok(classes.length >= 1 && classes.length <= 5)
      assert.equal(classes[0]!.from, 1)
      assert.equal(classes.at(-1)!.to, max)
      for (let i = 1; i < classes.length; i += 1) assert.equal(classes[i]!.from, classes[i - 1]!.to + 1)
      for (const c of classes) assert.ok(c.from <= c.to)
      assert.equal(new Set(classes.map((c) => c.colour)).size, classes.length, 'each class its own colour')
    }),
  )
})

test('the busiest cell gets the darkest colour and a cell of one the lightest', () => {
  const classes = countClasses(40)
  assert.equal(colourOf(40, classes), '#bd0026')
  assert.equal(colourOf(1, classes), '#ffffb2')
})
