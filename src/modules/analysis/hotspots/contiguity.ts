/**
 * Queen contiguity of areas from their boundaries: two areas are neighbours when a vertex of one
 * lies within `snap` of a vertex of the other (plane distance in the coordinates' units, bound
 * included): the rule of R spdep `poly2nb(queen = TRUE, snap)`, which compares boundary points,
 * not edges, so a vertex of one area lying on the middle of another's edge does not make them
 * neighbours. Every ring counts (outer rings, holes, each part of a multipolygon).
 *
 * Vertices are hashed into a grid whose cells are at least 2 · snap wide, so a vertex is compared
 * only with the vertices of the one to four cells within snap of it: time linear in the number of
 * vertices, not quadratic in the number of areas.
 */

/** A ring of [longitude, latitude] positions, as in GeoJSON. */
export type Ring = readonly (readonly number[])[]

/** spdep's default snap, `sqrt(.Machine$double.eps)`. */
export const POLY2NB_SNAP = Math.sqrt(Number.EPSILON)

/** Grid cells are this many snaps wide, unless the extent needs them wider (below). */
const CELL_SNAPS = 64
/** Rows and columns of the grid stay below 2^24: small integers. */
const MAX_CELLS_PER_AXIS = 2 ** 24

/**
 * The pairs [i, j], i < j, of areas (by position in `areas`, each given as all its rings) that
 * share a boundary point within `snap`, sorted. An area without rings has no neighbour.
 */
export function queenContiguityPairs(
  areas: readonly (readonly Ring[])[],
  snap: number = POLY2NB_SNAP,
): [number, number][] {
  if (!(snap >= 0) || !Number.isFinite(snap))
    throw new RangeError(`snap must be a finite distance ≥ 0, not ${snap}`)
  let vertices = 0
  for (const rings of areas) for (const ring of rings) vertices += ring.length
  const x = new Float64Array(vertices)
  const y = new Float64Array(vertices)
  const owner = new Int32Array(vertices)
  let at = 0
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  areas.forEach((rings, area) => {
    for (const ring of rings) {
      for (const position of ring) {
        const px = position[0]!
        const py = position[1]!
        if (!Number.isFinite(px) || !Number.isFinite(py))
          throw new RangeError(`area ${area} has a vertex that is not a pair of finite numbers`)
        x[at] = px
        y[at] = py
        owner[at] = area
        at++
        if (px < minX) minX = px
        if (px > maxX) maxX = px
        if (py < minY) minY = py
        if (py > maxY) maxY = py
      }
    }
  })
  if (vertices === 0) return []
  const extent = Math.max(maxX - minX, maxY - minY)
  const cell = Math.max(CELL_SNAPS * snap, extent / (MAX_CELLS_PER_AXIS - 2), Number.MIN_VALUE)
  const grid = new CellTable(vertices)
  const bucketOf = new Int32Array(vertices)
  for (let v = 0; v < vertices; v++) {
    bucketOf[v] = grid.bucket(Math.floor((x[v]! - minX) / cell), Math.floor((y[v]! - minY) / cell), true)
  }
  // Vertices grouped by grid cell, as compressed rows: bucket b holds members[starts[b] .. starts[b + 1]).
  const buckets = grid.size
  const starts = new Int32Array(buckets + 1)
  for (let v = 0; v < vertices; v++) starts[bucketOf[v]! + 1]!++
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!
  const filled = starts.slice(0, buckets)
  const members = new Int32Array(vertices)
  for (let v = 0; v < vertices; v++) members[filled[bucketOf[v]!]!++] = v

  const size = areas.length
  const found = new Set<number>()
  const snapSquared = snap * snap
  for (let v = 0; v < vertices; v++) {
    const vx = x[v]!
    const vy = y[v]!
    const self = owner[v]!
    const firstColumn = Math.floor((vx - snap - minX) / cell)
    const lastColumn = Math.floor((vx + snap - minX) / cell)
    const firstRow = Math.floor((vy - snap - minY) / cell)
    const lastRow = Math.floor((vy + snap - minY) / cell)
    for (let column = firstColumn; column <= lastColumn; column++) {
      for (let row = firstRow; row <= lastRow; row++) {
        const bucket = grid.bucket(column, row, false)
        if (bucket < 0) continue
        for (let m = starts[bucket]!; m < starts[bucket + 1]!; m++) {
          const u = members[m]!
          // Each pair once, from its lower area; a pair already found needs no second look.
          const other = owner[u]!
          if (other <= self) continue
          const dx = x[u]! - vx
          const dy = y[u]! - vy
          if (dx * dx + dy * dy <= snapSquared) found.add(self * size + other)
        }
      }
    }
  }
  return [...found]
    .sort((a, b) => a - b)
    .map((pair): [number, number] => [Math.floor(pair / size), pair % size])
}

/**
 * Grid cell (column, row) → bucket number, by open addressing with linear probing: a Map keyed by
 * numbers beyond 2^31 boxes every key, and this loop runs once or more per vertex.
 */
class CellTable {
  private readonly columns: Int32Array
  private readonly rows: Int32Array
  private readonly buckets: Int32Array
  private readonly mask: number
  size = 0

  constructor(most: number) {
    let capacity = 16
    while (capacity < 2 * most) capacity *= 2
    this.columns = new Int32Array(capacity)
    this.rows = new Int32Array(capacity)
    this.buckets = new Int32Array(capacity).fill(-1)
    this.mask = capacity - 1
  }

  /** The cell's bucket; -1 when it has none and `add` is false, else a new one. */
  bucket(column: number, row: number, add: boolean): number {
    let slot = (Math.imul(column, 0x9e3779b1) ^ Math.imul(row, 0x85ebca77)) & this.mask
    for (;;) {
      const bucket = this.buckets[slot]!
      if (bucket < 0) {
        if (!add) return -1
        this.columns[slot] = column
        this.rows[slot] = row
        this.buckets[slot] = this.size
        return this.size++
      }
      if (this.columns[slot] === column && this.rows[slot] === row) return bucket
      slot = (slot + 1) & this.mask
    }
  }
}
