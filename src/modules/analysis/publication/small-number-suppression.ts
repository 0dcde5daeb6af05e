import { invalid } from '../../../errors.ts'
import { ResidualGraph, type Interval, type TableCell } from './suppression-audit.ts'

/**
 * Small-number suppression for tables published beyond signed-in staff (SECURITY-CHECKLIST C7).
 *
 * Primary: a count from 1 to threshold − 1 is shown as "fewer than <threshold>"; 0 is shown.
 * Secondary: more cells are hidden until no hidden cell can be worked out from the published cells
 * and totals, by a reader who knows that a "fewer than" cell is 1 to threshold − 1 and that any
 * other hidden cell is at least the threshold (it would have been shown otherwise, and a 0 is never
 * hidden). Each time a hidden cell is still exposed, the smallest shown non-zero cell in its row or
 * column is hidden too (ties: the first in the table), the totals included, and it is checked again;
 * hiding a cell only ever widens what the others could be, so each cell is settled once. If every
 * non-zero cell is hidden and one is still exposed, the whole table is withheld.
 */

export const DEFAULT_THRESHOLD = 5
export const MINIMUM_THRESHOLD = 3
export const MAXIMUM_THRESHOLD = 1000

/** published: shown as it is; fewer-than: 1 to threshold − 1; hidden: to protect another cell. */
export type CellStatus = 'published' | 'fewer-than' | 'hidden' | 'withheld'

export interface SuppressedOneWay {
  readonly threshold: number
  /** In the order of the counts given. */
  readonly cells: readonly CellStatus[]
  readonly total: CellStatus
  readonly withheld: boolean
}

export interface SuppressedTwoWay {
  readonly threshold: number
  /** cells[row][column], as the counts given. */
  readonly cells: readonly (readonly CellStatus[])[]
  readonly rowTotals: readonly CellStatus[]
  readonly columnTotals: readonly CellStatus[]
  readonly grandTotal: CellStatus
  readonly withheld: boolean
}

/** The problem with a threshold, or undefined when it can be used. */
export function thresholdProblem(threshold: number): string | undefined {
  if (Number.isInteger(threshold) && threshold >= MINIMUM_THRESHOLD && threshold <= MAXIMUM_THRESHOLD)
    return undefined
  return (
    `The suppression threshold must be a whole number from ${MINIMUM_THRESHOLD} to ${MAXIMUM_THRESHOLD}, ` +
    `not ${threshold} (with 2, "fewer than 2" would say the count is 1)`
  )
}

function checkedThreshold(threshold: number | undefined): number {
  const value = threshold ?? DEFAULT_THRESHOLD
  const problem = thresholdProblem(value)
  if (problem) throw invalid({ threshold: problem })
  return value
}

function checkCount(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  throw invalid({ [where]: `${where}: ${String(value)} is not a count (expected a whole number, 0 or more)` })
}

/** What a reader knows of a cell from how it is shown. */
export function intervalOf(status: CellStatus, value: number, threshold: number): Interval {
  if (status === 'fewer-than') return { lower: 1, upper: threshold - 1 }
  if (status === 'hidden') return { lower: threshold, upper: Infinity }
  return { lower: value, upper: value }
}

const isHidden = (status: CellStatus) => status === 'fewer-than' || status === 'hidden'

/** Primary then secondary suppression over the cells of one table (inner cells and totals alike). */
function protect(cells: readonly TableCell[], threshold: number): CellStatus[] {
  const status: CellStatus[] = cells.map(({ value }) =>
    value >= 1 && value < threshold ? 'fewer-than' : 'published',
  )
  const hidden = status.map(isHidden)
  const graph = new ResidualGraph(cells, (i) => intervalOf(status[i]!, cells[i]!.value, threshold))
  const pending = status.flatMap((s, i) => (isHidden(s) ? [i] : []))
  for (const i of pending) graph.add(i)
  const hide = (i: number) => {
    status[i] = 'hidden'
    hidden[i] = true
    graph.add(i)
  }
  const smallestFirst = (a: number, b: number) => cells[a]!.value - cells[b]!.value || a - b
  while (pending.length) {
    const cell = pending.shift()!
    while (!graph.movable(cell)) {
      const shown = cells.flatMap((c, i) => (!hidden[i] && c.value > 0 ? [i] : []))
      const { row, column } = cells[cell]!
      const beside = shown.filter((i) => cells[i]!.row === row || cells[i]!.column === column)
      const choice = (beside.length ? beside : shown).sort(smallestFirst)[0]
      if (choice === undefined) return status.map(() => 'withheld')
      hide(choice)
      pending.push(choice)
    }
  }
  return status
}

/** Suppresses a list of counts published with their total. */
export function suppressOneWay(
  counts: readonly number[],
  options: { threshold?: number } = {},
): SuppressedOneWay {
  const threshold = checkedThreshold(options.threshold)
  const values = counts.map((value, i) => checkCount(value, `Row ${i + 1}`))
  const total = values.reduce((sum, value) => sum + value, 0)
  const cells: TableCell[] = [
    ...values.map((value) => ({ row: 0, column: 0, sign: 1 as const, value })),
    { row: 0, column: 0, sign: -1, value: total },
  ]
  const status = protect(cells, threshold)
  return {
    threshold,
    cells: status.slice(0, values.length),
    total: status[values.length]!,
    withheld: status[0] === 'withheld' || status[values.length] === 'withheld',
  }
}

/** Suppresses a table of counts published with its row totals, column totals and grand total. */
export function suppressTwoWay(
  counts: readonly (readonly number[])[],
  options: { threshold?: number } = {},
): SuppressedTwoWay {
  const threshold = checkedThreshold(options.threshold)
  const columns = counts[0]?.length ?? 0
  counts.forEach((row, r) => {
    if (row.length !== columns)
      throw invalid({
        [`Row ${r + 1}`]: `Row ${r + 1} has ${row.length} cells where the first row has ${columns}`,
      })
  })
  const values = counts.map((row, r) =>
    row.map((value, c) => checkCount(value, `Row ${r + 1}, column ${c + 1}`)),
  )
  const rows = values.length
  const rowTotals = values.map((row) => row.reduce((sum, value) => sum + value, 0))
  const columnTotals = Array.from({ length: columns }, (_, c) =>
    values.reduce((sum, row) => sum + row[c]!, 0),
  )
  const grand = rowTotals.reduce((sum, value) => sum + value, 0)
  // The totals sit in row `rows` and column `columns`; see suppression-audit.ts for the signs.
  const cells: TableCell[] = [
    ...values.flatMap((row, r) => row.map((value, c) => ({ row: r, column: c, sign: 1 as const, value }))),
    ...rowTotals.map((value, r) => ({ row: r, column: columns, sign: -1 as const, value })),
    ...columnTotals.map((value, c) => ({ row: rows, column: c, sign: -1 as const, value })),
    { row: rows, column: columns, sign: 1, value: grand },
  ]
  const status = protect(cells, threshold)
  const inner = rows * columns
  return {
    threshold,
    cells: values.map((row, r) => status.slice(r * columns, (r + 1) * columns)),
    rowTotals: status.slice(inner, inner + rows),
    columnTotals: status.slice(inner + rows, inner + rows + columns),
    grandTotal: status[status.length - 1]!,
    withheld: status[status.length - 1] === 'withheld',
  }
}

/** How a cell is written in a published table. */
export function publishedText(status: CellStatus, value: number, threshold: number): string | number {
  if (status === 'published') return value
  if (status === 'fewer-than') return `fewer than ${threshold}`
  return status === 'hidden' ? 'hidden' : 'withheld'
}
