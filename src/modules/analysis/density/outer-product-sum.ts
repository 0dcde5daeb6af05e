/**
 * A grid that adds outer products of a row vector and a column vector into a window of its cells:
 *
 *   values[(firstRow + i) · columns + firstColumn + j] += rowFactors[i] · columnFactors[j]
 *
 * for i = 0 .. lastRow − firstRow and j = 0 .. lastColumn − firstColumn. This is the Gaussian kernel density's
 * inner loop (the kernel is separable, kernel-density.ts), ~1 700 multiply-adds a point at σ = 250 m on 50 m
 * cells. It runs in WebAssembly with 128-bit SIMD (two float64 lanes), four cells a turn of its loop: 4–5 times
 * as fast as the same loop in JavaScript on this project's machine. Each lane does the same IEEE 754 multiply,
 * then add, as `values[k] += rowFactor * columnFactor` in JavaScript (no fused multiply-add), so the sums are
 * the same to the bit; outer-product-sum.test.ts holds it to that.
 *
 * A window whose width is not a multiple of 4 is done as up to 3 columns wider with column factors of 0: the
 * extra cells (the next cells in memory, which is why the grid has 3 spare cells after its end) get + 0, which
 * leaves any value ≥ 0 as it was.
 */

export interface OuterProductGrid {
  readonly columns: number
  readonly rows: number
  /** The grid, row by row (a view of the WebAssembly memory; copy it before keeping it). */
  readonly values: Float64Array
  /** Fill rowFactors[0 .. lastRow − firstRow] before each addOuterProduct. */
  readonly rowFactors: Float64Array
  /** Fill columnFactors[0 .. lastColumn − firstColumn] before each addOuterProduct. */
  readonly columnFactors: Float64Array
  /** Adds the outer product into rows firstRow..lastRow, columns firstColumn..lastColumn (inclusive, not empty). */
  addOuterProduct(firstRow: number, lastRow: number, firstColumn: number, lastColumn: number): void
}

const BYTES_PER_VALUE = 8
const WASM_PAGE_BYTES = 65_536
const SPARE_CELLS = 3

/**
 * The module, in WebAssembly's binary format, with one exported function
 *   addRows(cell, rowStride, rowCount, rowFactor, columnFactors, quadCount)     (byte offsets and counts)
 * that, for each of rowCount rows, adds splat(f64 at rowFactor) × columnFactors into the 4 · quadCount cells
 * from `cell`, then moves `cell` on by rowStride and `rowFactor` by 8 bytes. Four cells (two v128) a turn of
 * the loop are 20% faster than two.
 */
const MODULE_BYTES = (() => {
  const leb128 = (value: number): number[] => {
    const bytes: number[] = []
    do {
      let byte = value & 0x7f
      value >>>= 7
      if (value !== 0) byte |= 0x80
      bytes.push(byte)
    } while (value !== 0)
    return bytes
  }
  const name = (text: string) => [text.length, ...Array.from(text, (character) => character.charCodeAt(0))]
  const section = (id: number, bytes: number[]) => [id, ...leb128(bytes.length), ...bytes]
  const I32 = 0x7f
  const V128 = 0x7b
  // Parameters 0–5: cell, rowStride, rowCount, rowFactor, columnFactors, quadCount; locals 6–9: the cell,
  // column factor and groups of four cells left in the current row, and the row factor in both lanes.
  const [cell, rowStride, rowCount, rowFactor, columnFactors, quadCount] = [0, 1, 2, 3, 4, 5]
  const [target, source, quadsLeft, factor] = [6, 7, 8, 9]
  const get = (local: number) => [0x20, local]
  const set = (local: number) => [0x21, local]
  // local += constant (i32.const, then i32.add); constants below 64 are one byte of signed LEB128.
  const addConstant = (local: number, constant: number) => [
    ...get(local),
    0x41,
    constant,
    0x6a,
    ...set(local),
  ]
  const memoryArgument = (offset: number) => [3, offset] // alignment 2³ bytes (float64s), offset in bytes
  // Two cells at target + offset += the row factor (both lanes) × two column factors at source + offset.
  const addPair = (offset: number) => [
    ...get(target), // the address to store at
    ...get(target),
    ...[0xfd, 0x00, ...memoryArgument(offset)], // v128.load: the two cells
    ...get(factor),
    ...get(source),
    ...[0xfd, 0x00, ...memoryArgument(offset)], // v128.load: the two column factors
    ...[0xfd, 0xf2, 0x01], // f64x2.mul
    ...[0xfd, 0xf0, 0x01], // f64x2.add
    ...[0xfd, 0x0b, ...memoryArgument(offset)], // v128.store
  ]
  const body = [
    ...[2, 3, I32, 1, V128], // locals: three i32, one v128
    ...[0x02, 0x40], // block
    ...[0x03, 0x40], //   loop over rows
    ...get(rowCount),
    ...[0x45, 0x0d, 1], //     i32.eqz; br_if out of the block when no rows are left
    ...get(rowFactor),
    ...[0x2b, ...memoryArgument(0)], //     f64.load
    ...[0xfd, 0x14], //     f64x2.splat
    ...set(factor),
    ...get(cell),
    ...set(target),
    ...get(columnFactors),
    ...set(source),
    ...get(quadCount),
    ...set(quadsLeft),
    ...[0x03, 0x40], //     loop over groups of four cells
    ...addPair(0), //       cells 1 and 2
    ...addPair(16), //       cells 3 and 4
    ...addConstant(target, 32),
    ...addConstant(source, 32),
    ...get(quadsLeft),
    ...[0x41, 1, 0x6b, 0x22, quadsLeft], //       quadsLeft = quadsLeft − 1 (local.tee)
    ...[0x0d, 0], //       br_if back to the loop while groups are left
    0x0b, //     end
    ...get(cell),
    ...get(rowStride),
    ...[0x6a, ...set(cell)],
    ...addConstant(rowFactor, 8),
    ...get(rowCount),
    ...[0x41, 1, 0x6b, ...set(rowCount)],
    ...[0x0c, 0], //     br back to the rows' loop
    0x0b, //   end
    0x0b, // end of the block
    0x0b, // end of the function
  ]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // "\0asm", version 1
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]), // one type: six i32 → nothing
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 0, 1]), // imports env.memory (at least 1 page)
    ...section(3, [1, 0]), // one function, of type 0
    ...section(7, [1, ...name('addRows'), 0, 0]), // exported as addRows
    ...section(10, [1, ...leb128(body.length), ...body]),
  ])
})()

let compiled: WebAssembly.Module | undefined

type AddRows = (
  cell: number,
  rowStride: number,
  rowCount: number,
  rowFactor: number,
  columnFactors: number,
  quadCount: number,
) => void

/** A zeroed grid of columns × rows cells (at most 4 million: see MAXIMUM_GRID_CELLS in grid.ts). */
export function outerProductGrid(columns: number, rows: number): OuterProductGrid {
  if (!(Number.isInteger(columns) && Number.isInteger(rows) && columns > 0 && rows > 0)) {
    throw new RangeError(`columns and rows must be whole numbers above 0, not ${columns} and ${rows}`)
  }
  const cells = columns * rows
  const rowFactorsAt = (cells + SPARE_CELLS) * BYTES_PER_VALUE
  const columnFactorsAt = rowFactorsAt + rows * BYTES_PER_VALUE
  const bytes = columnFactorsAt + (columns + SPARE_CELLS) * BYTES_PER_VALUE
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / WASM_PAGE_BYTES) })
  compiled ??= new WebAssembly.Module(MODULE_BYTES)
  const addRows = new WebAssembly.Instance(compiled, { env: { memory } }).exports.addRows as AddRows
  const values = new Float64Array(memory.buffer, 0, cells)
  const rowFactors = new Float64Array(memory.buffer, rowFactorsAt, rows)
  const columnFactors = new Float64Array(memory.buffer, columnFactorsAt, columns + SPARE_CELLS)
  const rowStride = columns * BYTES_PER_VALUE
  return {
    columns,
    rows,
    values,
    rowFactors,
    columnFactors,
    addOuterProduct(firstRow, lastRow, firstColumn, lastColumn) {
      const width = lastColumn - firstColumn + 1
      const quads = (width + SPARE_CELLS) >>> 2
      columnFactors.fill(0, width, 4 * quads)
      addRows(
        (firstRow * columns + firstColumn) * BYTES_PER_VALUE,
        rowStride,
        lastRow - firstRow + 1,
        rowFactorsAt,
        columnFactorsAt,
        quads,
      )
    },
  }
}
