import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { exposedCells, type TableCell } from './suppression-audit.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/analysis')
const read = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown

interface Case {
  rows: number
  columns: number
  threshold: number
  values: number[]
  hidden: boolean[]
}
interface Ranges {
  ranges: { cell: number; min: number; max: number | null }[]
}

/** The fixture's cell order (inner row by row, row totals, column totals, grand) on the audit's layout. */
function layout({ rows, columns, values }: Case): TableCell[] {
  return values.map((value, i) => {
    if (i < rows * columns) return { row: Math.floor(i / columns), column: i % columns, sign: 1, value }
    if (i < rows * columns + rows) return { row: i - rows * columns, column: columns, sign: -1, value }
    if (i < values.length - 1) return { row: rows, column: i - rows * columns - rows, sign: -1, value }
    return { row: rows, column: columns, sign: 1, value }
  })
}

test('the audit finds exactly the hidden cells whose linear programming range (SciPy HiGHS) is one value', () => {
  const { cases } = read('suppression-lp-input.json') as { cases: Case[] }
  const reference = read('suppression-lp-ranges.json') as { cases: Ranges[] }
  assert.equal(reference.cases.length, cases.length)
  let exposed = 0
  cases.forEach((table, index) => {
    const expected = reference.cases[index]!.ranges.filter(
      (range) => range.max !== null && range.max - range.min < 1e-6,
    ).map((range) => range.cell)
    const cells = layout(table)
    const found = exposedCells(cells, table.hidden, (i) =>
      cells[i]!.value < table.threshold
        ? { lower: 1, upper: table.threshold - 1 }
        : { lower: table.threshold, upper: Infinity },
    )
    assert.deepEqual(found, expected, `case ${index}`)
    exposed += expected.length
  })
  assert.ok(exposed > 20, 'the fixture has exposed cells to find')
})
