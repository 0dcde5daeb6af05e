/**
 * For the tests. A reader trying to recover hidden cells of a published two-way table, written for the tests
 * independently of the suppression's own audit: the table is a list of equations (each row and
 * column sums to its total, the totals to the grand total), and every cell an interval of whole
 * numbers (a shown cell exactly, "fewer than k" 1 to k − 1, "hidden" k or more, "withheld" 0 or more).
 */

export type ShownCell = number | 'fewer-than' | 'hidden' | 'withheld'

export interface ShownTable {
  readonly threshold: number
  readonly cells: readonly (readonly ShownCell[])[]
  readonly rowTotals: readonly ShownCell[]
  readonly columnTotals: readonly ShownCell[]
  readonly grandTotal: ShownCell
}

interface Equation {
  readonly members: readonly number[]
  readonly total: number
}

interface Problem {
  readonly lower: number[]
  readonly upper: number[]
  readonly equations: readonly Equation[]
  /** Variable index of each cell: inner r * columns + c, then row totals, column totals, grand. */
  readonly size: number
}

function problemOf(table: ShownTable): Problem {
  const rows = table.cells.length
  const columns = table.cells[0]?.length ?? 0
  const shown = [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.grandTotal]
  const lower = shown.map((cell) =>
    typeof cell === 'number' ? cell : cell === 'fewer-than' ? 1 : cell === 'hidden' ? table.threshold : 0,
  )
  const upper = shown.map((cell) =>
    typeof cell === 'number' ? cell : cell === 'fewer-than' ? table.threshold - 1 : Infinity,
  )
  const inner = (r: number, c: number) => r * columns + c
  const rowTotal = (r: number) => rows * columns + r
  const columnTotal = (c: number) => rows * columns + rows + c
  const grand = shown.length - 1
  const equations: Equation[] = [
    ...Array.from({ length: rows }, (_, r) => ({
      members: Array.from({ length: columns }, (_, c) => inner(r, c)),
      total: rowTotal(r),
    })),
    ...Array.from({ length: columns }, (_, c) => ({
      members: Array.from({ length: rows }, (_, r) => inner(r, c)),
      total: columnTotal(c),
    })),
    { members: Array.from({ length: rows }, (_, r) => rowTotal(r)), total: grand },
    { members: Array.from({ length: columns }, (_, c) => columnTotal(c)), total: grand },
  ]
  return { lower, upper, equations, size: shown.length }
}

/** Narrows every interval by each equation in turn until none moves; false if they contradict. */
function propagate(lower: number[], upper: number[], equations: readonly Equation[]): boolean {
  for (let round = 0; round < 10_000; round++) {
    let moved = false
    const tighten = (v: number, lo: number, hi: number) => {
      const newLo = Math.max(lower[v]!, Math.ceil(lo))
      const newHi = Math.min(upper[v]!, Math.floor(hi))
      if (newLo !== lower[v] || newHi !== upper[v]) moved = true
      lower[v] = newLo
      upper[v] = newHi
    }
    for (const { members, total } of equations) {
      const sumLo = members.reduce((sum, m) => sum + lower[m]!, 0)
      const sumHi = members.reduce((sum, m) => sum + upper[m]!, 0)
      tighten(total, sumLo, sumHi)
      for (const m of members) {
        // Infinity − Infinity is NaN: an unbounded other member leaves this side open.
        const otherHi = sumHi - upper[m]!
        const otherLo = sumLo - lower[m]!
        tighten(
          m,
          Number.isNaN(lower[total]! - otherHi) ? -Infinity : lower[total]! - otherHi,
          upper[total]! - otherLo,
        )
      }
    }
    if (lower.some((lo, v) => lo > upper[v]!)) return false
    if (!moved) return true
  }
  return true
}

/**
 * Cells found by solving rows and columns with one unknown, then narrowing intervals: each
 * `[variable, value]` is a hidden cell whose interval closed to one value. Sound (what it finds is
 * found), not complete: the exact search below finds the rest on small tables.
 */
export function solvedByIntervals(table: ShownTable): number[] {
  const problem = problemOf(table)
  const lower = [...problem.lower]
  const upper = [...problem.upper]
  propagate(lower, upper, problem.equations)
  return lower.flatMap((lo, v) => (problem.lower[v] !== problem.upper[v] && lo === upper[v] ? [v] : []))
}

/** Whether some whole-number table consistent with what is shown exists with lower ≤ x[v] ≤ upper. */
function feasibleWith(problem: Problem, v: number, lo: number, hi: number, cap: number): boolean {
  const lower = [...problem.lower]
  const upper = problem.upper.map((u) => Math.min(u, cap))
  lower[v] = Math.max(lower[v]!, lo)
  upper[v] = Math.min(upper[v]!, hi)
  const search = (lower: number[], upper: number[]): boolean => {
    if (!propagate(lower, upper, problem.equations)) return false
    let pick = -1
    for (let i = 0; i < problem.size; i++)
      if (lower[i] !== upper[i] && (pick < 0 || upper[i]! - lower[i]! < upper[pick]! - lower[pick]!)) pick = i
    if (pick < 0) return true
    for (let value = lower[pick]!; value <= upper[pick]!; value++) {
      const nextLower = [...lower]
      const nextUpper = [...upper]
      nextLower[pick] = value
      nextUpper[pick] = value
      if (search(nextLower, nextUpper)) return true
    }
    return false
  }
  return search(lower, upper)
}

/**
 * Every hidden cell whose true value is the only one any consistent table allows, by exhaustive
 * search (for small tables): `truth` holds the real values in the variable order above.
 */
export function solvedExactly(table: ShownTable, truth: readonly number[]): number[] {
  const problem = problemOf(table)
  // Bounds the search where the grand total is hidden; a table that differs at all differs near the truth.
  const cap = Math.max(...truth) * 2 + table.threshold * problem.size
  return truth.flatMap((value, v) => {
    if (problem.lower[v] === problem.upper[v]) return []
    const other =
      feasibleWith(problem, v, -Infinity, value - 1, cap) ||
      feasibleWith(problem, v, value + 1, Infinity, cap)
    return other ? [] : [v]
  })
}
