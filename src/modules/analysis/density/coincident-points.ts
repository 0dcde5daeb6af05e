import { type GridFrame } from './grid.ts'

/** Beyond this many distinct positions in one cell, the rest of the cell's points are kept as they are. */
const MAXIMUM_DISTINCT_PER_CELL = 32

/**
 * The points with coincident positions merged into one point carrying their summed weight. Exact for any
 * kernel sum (only the order of the additions changes), and much faster on police data, whose positions are
 * snapped to a limited set of anonymised map points: a month of a force's crimes has a few thousand distinct
 * positions. Points are grouped by grid cell (a counting sort), then compared only within their cell, and at
 * most MAXIMUM_DISTINCT_PER_CELL times each, so the cost stays linear whatever the input.
 */
export function mergeCoincidentPoints(
  frame: GridFrame,
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
): { x: Float64Array; y: Float64Array; weights: Float64Array } {
  const { columns, rows, originX, originY, cellSize } = frame
  const cellStart = new Int32Array(columns * rows + 1)
  const cellOfPoint = new Int32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const column = Math.min(columns - 1, Math.max(0, Math.floor((x[i]! - originX) / cellSize)))
    const row = Math.min(rows - 1, Math.max(0, Math.floor((y[i]! - originY) / cellSize)))
    cellOfPoint[i] = row * columns + column
    cellStart[row * columns + column + 1]!++
  }
  for (let cell = 0; cell < columns * rows; cell++) cellStart[cell + 1]! += cellStart[cell]!
  const next = cellStart.slice(0, -1)
  const order = new Int32Array(x.length)
  for (let i = 0; i < x.length; i++) order[next[cellOfPoint[i]!]!++] = i

  const mergedX = new Float64Array(x.length)
  const mergedY = new Float64Array(x.length)
  const mergedWeights = new Float64Array(x.length)
  let count = 0
  for (let cell = 0; cell < columns * rows; cell++) {
    const firstOfCell = count
    for (let k = cellStart[cell]!; k < cellStart[cell + 1]!; k++) {
      const i = order[k]!
      const px = x[i]!
      const py = y[i]!
      let same = -1
      const lastToCompare = Math.min(count, firstOfCell + MAXIMUM_DISTINCT_PER_CELL)
      for (let m = firstOfCell; m < lastToCompare; m++) {
        if (mergedX[m] === px && mergedY[m] === py) {
          same = m
          break
        }
      }
      if (same >= 0) {
        mergedWeights[same]! += weights[i]!
      } else {
        mergedX[count] = px
        mergedY[count] = py
        mergedWeights[count] = weights[i]!
        count++
      }
    }
  }
  return { x: mergedX.slice(0, count), y: mergedY.slice(0, count), weights: mergedWeights.slice(0, count) }
}
