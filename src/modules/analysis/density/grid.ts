import { invalid } from '../../../errors.ts'

/**
 * A regular grid of square cells in projected metres. Cell (column c, row r) spans
 * [originX + c·cellSize, originX + (c+1)·cellSize] × [originY + r·cellSize, originY + (r+1)·cellSize]:
 * the origin is the south-west corner of the grid, row 0 is the southernmost row, and
 * `values[r · columns + c]` belongs to that cell (evaluated at its centre).
 */
export interface DensityGrid {
  readonly columns: number
  readonly rows: number
  readonly originX: number
  readonly originY: number
  readonly cellSize: number
  readonly values: Float64Array
}

export type GridFrame = Omit<DensityGrid, 'values'>

/** Above this the grid would take more than ~32 MB and seconds to draw; the caller must coarsen it. */
export const MAXIMUM_GRID_CELLS = 4_000_000

/**
 * The grid over the points' bounding box widened by `padding` metres on every side:
 * originX = min x − padding, columns = max(1, ⌈(max x − min x + 2·padding) / cellSize⌉), and likewise for y.
 * Refuses grids of more than MAXIMUM_GRID_CELLS cells with a message naming the cell size and the extent.
 */
export function gridCovering(x: Float64Array, y: Float64Array, padding: number, cellSize: number): GridFrame {
  if (x.length === 0) throw invalid({ points: 'There are no points to estimate a density from.' })
  let minimumX = Infinity
  let maximumX = -Infinity
  let minimumY = Infinity
  let maximumY = -Infinity
  for (let i = 0; i < x.length; i++) {
    const px = x[i]!
    const py = y[i]!
    if (px < minimumX) minimumX = px
    if (px > maximumX) maximumX = px
    if (py < minimumY) minimumY = py
    if (py > maximumY) maximumY = py
  }
  const width = maximumX - minimumX + 2 * padding
  const height = maximumY - minimumY + 2 * padding
  const columns = Math.max(1, Math.ceil(width / cellSize))
  const rows = Math.max(1, Math.ceil(height / cellSize))
  if (columns * rows > MAXIMUM_GRID_CELLS) {
    let smallestCellSize = Math.ceil(
      Math.max(
        Math.sqrt((width * height) / MAXIMUM_GRID_CELLS),
        width / MAXIMUM_GRID_CELLS,
        height / MAXIMUM_GRID_CELLS,
      ),
    )
    while (Math.ceil(width / smallestCellSize) * Math.ceil(height / smallestCellSize) > MAXIMUM_GRID_CELLS) {
      smallestCellSize++
    }
    throw invalid({
      cellSize:
        `A ${cellSize} m cell size over an extent of ${kilometres(width)} km × ${kilometres(height)} km needs ` +
        `${(columns * rows).toLocaleString('en-GB')} cells, more than the limit of ` +
        `${MAXIMUM_GRID_CELLS.toLocaleString('en-GB')}: use a cell size of at least ${smallestCellSize} m, ` +
        'or select points over a smaller area.',
    })
  }
  return { columns, rows, originX: minimumX - padding, originY: minimumY - padding, cellSize }
}

const kilometres = (metres: number): string => (metres / 1000).toFixed(1)

export const cellCentreX = (grid: GridFrame, column: number): number =>
  grid.originX + (column + 0.5) * grid.cellSize

export const cellCentreY = (grid: GridFrame, row: number): number =>
  grid.originY + (row + 0.5) * grid.cellSize
