import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { outerProductGrid } from './outer-product-sum.ts'

/** A grid, and windows inside it each with its row and column factors (non-negative, as kernel values are). */
const gridWithWindows = fc
  .record({ columns: fc.integer({ min: 1, max: 23 }), rows: fc.integer({ min: 1, max: 9 }) })
  .chain(({ columns, rows }) =>
    fc.record({
      columns: fc.constant(columns),
      rows: fc.constant(rows),
      windows: fc.array(
        fc
          .record({
            rowsSpan: fc.tuple(fc.nat(rows - 1), fc.nat(rows - 1)),
            columnsSpan: fc.tuple(fc.nat(columns - 1), fc.nat(columns - 1)),
          })
          .chain(({ rowsSpan, columnsSpan }) => {
            const [firstRow, lastRow] = [Math.min(...rowsSpan), Math.max(...rowsSpan)]
            const [firstColumn, lastColumn] = [Math.min(...columnsSpan), Math.max(...columnsSpan)]
            const factor = fc.double({ min: 0, max: 1e3, noNaN: true })
            return fc.record({
              firstRow: fc.constant(firstRow),
              lastRow: fc.constant(lastRow),
              firstColumn: fc.constant(firstColumn),
              lastColumn: fc.constant(lastColumn),
              rowFactors: fc.array(factor, {
                minLength: lastRow - firstRow + 1,
                maxLength: lastRow - firstRow + 1,
              }),
              columnFactors: fc.array(factor, {
                minLength: lastColumn - firstColumn + 1,
                maxLength: lastColumn - firstColumn + 1,
              }),
            })
          }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  )

test('the WebAssembly outer products equal the same sums in JavaScript to the bit, and touch no other cell', () => {
  fc.assert(
    fc.property(gridWithWindows, ({ columns, rows, windows }) => {
      const grid = outerProductGrid(columns, rows)
      const expected = new Float64Array(columns * rows)
      for (const window of windows) {
        grid.rowFactors.set(window.rowFactors)
        grid.columnFactors.set(window.columnFactors)
        grid.addOuterProduct(window.firstRow, window.lastRow, window.firstColumn, window.lastColumn)
        for (let r = window.firstRow; r <= window.lastRow; r++) {
          const rowFactor = window.rowFactors[r - window.firstRow]!
          for (let c = window.firstColumn; c <= window.lastColumn; c++) {
            expected[r * columns + c]! += rowFactor * window.columnFactors[c - window.firstColumn]!
          }
        }
      }
      assert.deepEqual(Array.from(grid.values), Array.from(expected))
    }),
    { numRuns: 300 },
  )
})

test('a window reaching the last cell of the grid leaves the spare cells outside the grid', () => {
  const grid = outerProductGrid(5, 3)
  grid.rowFactors.set([2, 3])
  grid.columnFactors.set([1, 10, 100])
  grid.addOuterProduct(1, 2, 2, 4)
  assert.deepEqual(Array.from(grid.values), [0, 0, 0, 0, 0, 0, 0, 2, 20, 200, 0, 0, 3, 30, 300])
})

test('a grid with no cells is refused', () => {
  assert.throws(() => outerProductGrid(0, 4), RangeError)
  assert.throws(() => outerProductGrid(3, 1.5), RangeError)
})
