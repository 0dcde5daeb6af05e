import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import {
  suppressOneWay,
  suppressTwoWay,
  type CellStatus,
  type SuppressedTwoWay,
} from './small-number-suppression.ts'
import { solvedByIntervals, solvedExactly, type ShownCell, type ShownTable } from './table-attacker.ts'

const shown = (status: CellStatus, value: number): ShownCell => (status === 'published' ? value : status)

/** The published view of a two-way table and the true values in the attacker's variable order. */
function published(counts: number[][], result: SuppressedTwoWay): { table: ShownTable; truth: number[] } {
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0))
  const columnTotals = counts[0]!.map((_, c) => counts.reduce((sum, row) => sum + row[c]!, 0))
  const grand = rowTotals.reduce((a, b) => a + b, 0)
  return {
    table: {
      threshold: result.threshold,
      cells: counts.map((row, r) => row.map((value, c) => shown(result.cells[r]![c]!, value))),
      rowTotals: rowTotals.map((value, r) => shown(result.rowTotals[r]!, value)),
      columnTotals: columnTotals.map((value, c) => shown(result.columnTotals[c]!, value)),
      grandTotal: shown(result.grandTotal, grand),
    },
    truth: [...counts.flat(), ...rowTotals, ...columnTotals, grand],
  }
}

/** A one-way table is a two-way table of one column, whose row totals are its cells. */
function oneWayAsTable(counts: number[], threshold: number): { table: ShownTable; truth: number[] } {
  const result = suppressOneWay(counts, { threshold })
  const total = counts.reduce((a, b) => a + b, 0)
  const cells = counts.map((value, r) => [shown(result.cells[r]!, value)])
  return {
    table: {
      threshold,
      cells,
      rowTotals: cells.map((row) => row[0]!),
      columnTotals: [shown(result.total, total)],
      grandTotal: shown(result.total, total),
    },
    truth: [...counts, ...counts, total, total],
  }
}

/** Counts as police.uk cells have them: many zeros and small numbers, some large. */
const count = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 }) },
)
const threshold = fc.integer({ min: 3, max: 10 })
const table = (maxRows: number, maxColumns: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 1, max: maxColumns }))
    .chain(([rows, columns]) =>
      fc.array(fc.array(count, { minLength: columns, maxLength: columns }), {
        minLength: rows,
        maxLength: rows,
      }),
    )

const everyShownCell = (view: ShownTable) => [
  ...view.cells.flat(),
  ...view.rowTotals,
  ...view.columnTotals,
  view.grandTotal,
]

describe('small-number suppression', () => {
  test('a count below the threshold reads "fewer than", a zero is shown, and the smallest other cell hides it', () => {
    const result = suppressOneWay([3, 12, 7, 0, 20])
    assert.equal(result.threshold, 5)
    assert.deepEqual(result.cells, ['fewer-than', 'published', 'hidden', 'published', 'published'])
    assert.equal(result.total, 'published')
  })

  test('a "fewer than" 1 beside a hidden 5 would be given back (the total leaves 6), so a third cell is hidden', () => {
    assert.deepEqual(suppressOneWay([1, 5, 9, 30]).cells, ['fewer-than', 'hidden', 'hidden', 'published'])
  })

  test('two "fewer than 5" cells summing to 8 are both 4, so a third cell is hidden', () => {
    assert.deepEqual(suppressOneWay([4, 4, 9, 30]).cells, ['fewer-than', 'fewer-than', 'hidden', 'published'])
    assert.deepEqual(suppressOneWay([4, 3, 9, 30]).cells, [
      'fewer-than',
      'fewer-than',
      'published',
      'published',
    ])
  })

  test('a lone small count hides the total with it when nothing else is left', () => {
    const result = suppressOneWay([2, 0])
    assert.deepEqual(result.cells, ['fewer-than', 'published'])
    assert.equal(result.total, 'fewer-than')
  })

  test('the threshold can be set, and a bad one or a bad count is refused with the field named', () => {
    assert.deepEqual(suppressOneWay([8, 12, 30], { threshold: 10 }).cells, [
      'fewer-than',
      'hidden',
      'published',
    ])
    assert.throws(
      () => suppressOneWay([1], { threshold: 2 }),
      (error: DomainError) =>
        error.code === 'invalid' && /from 3 to 1000, not 2/.test(error.fields.threshold!),
    )
    assert.throws(
      () => suppressOneWay([1, -1]),
      (error: DomainError) => /Row 2: -1 is not a count/.test(error.message),
    )
    assert.throws(
      () => suppressTwoWay([[1, 2], [3]]),
      (error: DomainError) => /Row 2 has 1 cells where the first row has 2/.test(error.message),
    )
    assert.throws(
      () => suppressTwoWay([[1, 2.5]]),
      (error: DomainError) => /Row 1, column 2: 2.5 is not a count/.test(error.message),
    )
  })

  test('any input at all is suppressed or refused as invalid, never a crash', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.integer({ min: -3, max: 40 }), fc.double(), fc.constant(Number.NaN)))),
        fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double()),
        (counts, k) => {
          for (const run of [
            () => suppressTwoWay(counts, { threshold: k }),
            () => suppressOneWay(counts.flat(), { threshold: k }),
          ]) {
            try {
              run()
            } catch (error) {
              assert.ok(error instanceof DomainError && error.code === 'invalid', String(error))
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  test('C7: every cell of a published one-way table is 0 or at least the threshold, and no hidden cell can be worked out', () => {
    fc.assert(
      fc.property(fc.array(count, { maxLength: 40 }), threshold, (counts, k) => {
        const { table: view, truth } = oneWayAsTable(counts, k)
        for (const cell of everyShownCell(view)) {
          if (typeof cell === 'number')
            assert.ok(cell === 0 || cell >= k, `${cell} shown with threshold ${k}`)
        }
        assert.deepEqual(solvedByIntervals(view), [])
        if (counts.length <= 12) assert.deepEqual(solvedExactly(view, truth), [])
      }),
      { numRuns: 400 },
    )
  })

  test('C7: every cell of a published two-way table is 0 or at least the threshold, and no hidden cell can be worked out', () => {
    fc.assert(
      fc.property(table(8, 6), threshold, (counts, k) => {
        const { table: view } = published(counts, suppressTwoWay(counts, { threshold: k }))
        for (const cell of everyShownCell(view)) {
          if (typeof cell === 'number')
            assert.ok(cell === 0 || cell >= k, `${cell} shown with threshold ${k}`)
        }
        assert.deepEqual(solvedByIntervals(view), [], JSON.stringify(view))
      }),
      { numRuns: 300 },
    )
  })

  test('C7: on small two-way tables an exhaustive search finds no other value for any hidden cell either', () => {
    fc.assert(
      fc.property(table(3, 3), threshold, (counts, k) => {
        const { table: view, truth } = published(counts, suppressTwoWay(counts, { threshold: k }))
        assert.deepEqual(solvedExactly(view, truth), [], JSON.stringify(view))
      }),
      { numRuns: 200 },
    )
  })

  test('the checkers do catch a table with only primary suppression', () => {
    // Row 1 has one small cell: its total gives it back.
    const counts = [
      [2, 10],
      [6, 7],
    ]
    const primaryOnly: SuppressedTwoWay = {
      threshold: 5,
      cells: [
        ['fewer-than', 'published'],
        ['published', 'published'],
      ],
      rowTotals: ['published', 'published'],
      columnTotals: ['published', 'published'],
      grandTotal: 'published',
      withheld: false,
    }
    const { table: view, truth } = published(counts, primaryOnly)
    assert.deepEqual(solvedByIntervals(view), [0])
    assert.deepEqual(solvedExactly(view, truth), [0])
    const suppressed = suppressTwoWay(counts)
    assert.deepEqual(suppressed.cells, [
      ['fewer-than', 'hidden'],
      ['hidden', 'hidden'],
    ])
  })

  test('deterministic: the same table gives the same suppression', () => {
    fc.assert(
      fc.property(table(6, 5), (counts) => {
        assert.deepEqual(suppressTwoWay(counts), suppressTwoWay(counts.map((row) => [...row])))
      }),
      { numRuns: 50 },
    )
  })
})
