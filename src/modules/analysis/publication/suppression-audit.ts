/**
 * Whether a hidden cell of a published table can be worked out from what is published: the other
 * cells, the totals, and what the reader knows of every hidden cell (an interval, such as "fewer
 * than 5" meaning 1 to 4).
 *
 * A table with totals is a set of balance equations, one per row and per column of the table with
 * its margins. Put every cell on an edge between its row and its column (a one-way table is one row
 * with a single column, "the rest"), and flip the sign of the margin cells: then every equation says
 * the values on the edges at a node sum to zero, so any change to the hidden cells that keeps the
 * totals right is a circulation, a sum of cycles with alternating signs. A hidden cell can move, so
 * is not worked out, exactly when it lies on such a cycle whose every other cell has room to move
 * the other way. The equations are totally unimodular, so a cell that can move at all can move by a
 * whole unit: this is the linear programming range of the cell (Cox 1980, "Suppression methodology
 * and statistical disclosure control", JASA 75: network view of two-way tables), found by searching
 * the residual graph instead of solving a linear programme per cell.
 */

export interface TableCell {
  /** The row and column this cell sits in; the totals have a row and column of their own. */
  readonly row: number
  readonly column: number
  /** -1 for a margin (a row or column total), +1 for an inner cell and the grand total. */
  readonly sign: 1 | -1
  readonly value: number
}

/** What a reader knows of a hidden cell: its value is from lower to upper (upper may be Infinity). */
export interface Interval {
  readonly lower: number
  readonly upper: number
}

interface Edge {
  readonly cell: number
  readonly to: number
}

const rowNode = (row: number) => 2 * row
const columnNode = (column: number) => 2 * column + 1

/**
 * The moves the hidden cells allow: row to column for a cell that can go up (once signed), column
 * to row for one that can go down. Cells are added as they are hidden.
 */
export class ResidualGraph {
  private readonly edges = new Map<number, Edge[]>()
  private readonly up: boolean[] = []
  private readonly down: boolean[] = []

  constructor(
    private readonly cells: readonly TableCell[],
    private readonly boundsOf: (cell: number) => Interval,
  ) {}

  /** A cell now hidden: its bounds are read as it is added. */
  add(i: number): void {
    const cell = this.cells[i]!
    const { lower, upper } = this.boundsOf(i)
    this.up[i] = cell.sign > 0 ? cell.value < upper : cell.value > lower
    this.down[i] = cell.sign > 0 ? cell.value > lower : cell.value < upper
    if (this.up[i]) this.edge(rowNode(cell.row), { cell: i, to: columnNode(cell.column) })
    if (this.down[i]) this.edge(columnNode(cell.column), { cell: i, to: rowNode(cell.row) })
  }

  /** Whether the hidden cell can take another value with every total still right. */
  movable(i: number): boolean {
    const r = rowNode(this.cells[i]!.row)
    const c = columnNode(this.cells[i]!.column)
    // Up along row→column, then back from the column to the row through other cells; or the reverse.
    return (!!this.up[i] && this.reachable(c, r, i)) || (!!this.down[i] && this.reachable(r, c, i))
  }

  private edge(from: number, edge: Edge): void {
    const edges = this.edges.get(from)
    if (edges) edges.push(edge)
    else this.edges.set(from, [edge])
  }

  private reachable(from: number, to: number, avoiding: number): boolean {
    const seen = new Set([from])
    const queue = [from]
    while (queue.length) {
      const node = queue.pop()!
      for (const edge of this.edges.get(node) ?? []) {
        if (edge.cell === avoiding || seen.has(edge.to)) continue
        if (edge.to === to) return true
        seen.add(edge.to)
        queue.push(edge.to)
      }
    }
    return false
  }
}

/** The hidden cells whose value the published cells, the totals and the bounds pin down. */
export function exposedCells(
  cells: readonly TableCell[],
  hidden: readonly boolean[],
  boundsOf: (cell: number) => Interval,
): number[] {
  const graph = new ResidualGraph(cells, boundsOf)
  cells.forEach((_, i) => {
    if (hidden[i]) graph.add(i)
  })
  return cells.flatMap((_, i) => (hidden[i] && !graph.movable(i) ? [i] : []))
}
