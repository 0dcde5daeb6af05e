/**
 * Getis-Ord Gi* with binary weights (Getis & Ord 1992; Ord & Getis 1995), the same statistic as
 * R spdep `localG` on self-included neighbours with style "B":
 *
 *   z_i = (Σ_j w_ij x_j − x̄ W_i) / (S · sqrt((n W_i − W_i²) / (n − 1)))
 *   x̄ = Σ x / n,  S² = Σ (x − x̄)² / n,  W_i = Σ_j w_ij (= the number of neighbours, self included)
 *
 * and its conditional-permutation pseudo p-value as PySAL esda `G_Local(star=True)` computes it.
 * Typed arrays in, typed arrays out; no per-cell objects.
 */
import { twoSidedNormalP } from '../statistics/normal.ts'
import { hashedStreamSeeding, Xoshiro128StarStar } from '../statistics/random.ts'
import type { Neighbours } from './neighbours.ts'

export interface GiStarResult {
  /** Gi* z-score per cell; 0 where it is undefined (all values equal, or a cell neighbouring every cell). */
  readonly z: Float64Array
  /** Two-sided p-value from the standard normal, 2·(1 − Φ(|z|)); 1 where z is undefined. */
  readonly p: Float64Array
}

export function giStar(values: Float64Array, neighbours: Neighbours): GiStarResult {
  const size = checkSizes(values, neighbours)
  const { offsets, indices } = neighbours
  let total = 0
  for (let i = 0; i < size; i++) total += values[i]!
  const mean = total / size
  let squares = 0
  for (let i = 0; i < size; i++) {
    const deviation = values[i]! - mean
    squares += deviation * deviation
  }
  const standardDeviation = Math.sqrt(squares / size)
  const z = new Float64Array(size)
  const p = new Float64Array(size).fill(1)
  if (!(standardDeviation > 0)) return { z, p }
  for (let i = 0; i < size; i++) {
    const start = offsets[i]!
    const end = offsets[i + 1]!
    let lag = 0
    for (let k = start; k < end; k++) lag += values[indices[k]!]!
    const weightSum = end - start
    const spread = (size * weightSum - weightSum * weightSum) / (size - 1)
    if (!(spread > 0)) continue
    z[i] = (lag - mean * weightSum) / (standardDeviation * Math.sqrt(spread))
    p[i] = twoSidedNormalP(z[i]!)
  }
  return { z, p }
}

export interface GiStarPermutationOptions {
  /** Number of random draws per cell (N). */
  readonly permutations: number
  /** Any safe integer; the same seed gives the same p-values. */
  readonly seed: number
}

/**
 * Conditional-permutation pseudo p-values for Gi* (Anselin 1995's conditional randomisation, as in
 * PySAL esda `G_Local(star=True)`): for each cell i, x_i stays in place and its k_i − 1 other
 * neighbours' values are drawn without replacement from the n − 1 values of the other cells, N times.
 * With c = #{draws whose neighbour sum ≥ the observed one}, the folded pseudo p-value is
 *
 *   p_i = (1 + min(c, N − c)) / (1 + N)
 *
 * which is PySAL's `p_sim` and spdep `localG_perm`'s "Pr(folded) Sim" (spdep 1.2-7 itself draws
 * with replacement: see docs/analysis/gi-star.md). Where the draw cannot vary
 * (all values equal, a cell with no other neighbour, or one neighbouring every cell) p_i = 1.
 */
export function giStarPermutation(
  values: Float64Array,
  neighbours: Neighbours,
  options: GiStarPermutationOptions,
): Float64Array {
  const pPermutation = new Float64Array(values.length)
  giStarPermuter(values, neighbours, options).permuteCells(0, values.length, pPermutation)
  return pPermutation
}

export interface GiStarPermuter {
  /** Fills `into[first .. end)`; each cell has its own random stream, so chunks can run in any order or in parallel. */
  permuteCells(first: number, end: number, into: Float64Array): void
}

/** The set-up of `giStarPermutation` done once, for callers that work in chunks (progress, cancelling). */
export function giStarPermuter(
  values: Float64Array,
  neighbours: Neighbours,
  options: GiStarPermutationOptions,
): GiStarPermuter {
  const size = checkSizes(values, neighbours)
  const { permutations, seed } = options
  if (!Number.isInteger(permutations) || permutations < 1)
    throw new RangeError('permutations must be a positive integer')
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be a safe integer')
  const { offsets, indices } = neighbours
  let largest = 0
  let allEqual = true
  for (let i = 0; i < size; i++) {
    largest = Math.max(largest, Math.abs(values[i]!))
    if (values[i] !== values[0]) allEqual = false
  }
  // Sums of the same values in another order may differ in the last bits: count those as ties.
  const tieTolerance = 1e-9 * largest
  const pool = Int32Array.from({ length: size }, (_, i) => i)
  let longestRow = 0
  for (let i = 0; i < size; i++) longestRow = Math.max(longestRow, offsets[i + 1]! - offsets[i]!)
  const swaps = new Int32Array(longestRow)
  const random = new Xoshiro128StarStar(seed, 0, hashedStreamSeeding)
  // Scratch for countByRejection: taken-position marks, the current round, the generator's words.
  const marks = new Int32Array(size)
  const round = new Int32Array(1)
  const words = new Int32Array(4)

  // Where k is a large share of n − 1: a partial Fisher-Yates shuffle of a pool of cells with cell i
  // moved to the end, every swap undone afterwards so the pool is the identity for the next cell.
  function countByFisherYates(cell: number, others: number, threshold: number): number {
    random.reseed(seed, cell)
    const candidates = size - 1
    pool[cell] = size - 1
    pool[size - 1] = cell
    let atLeast = 0
    for (let draw = 0; draw < permutations; draw++) {
      let sum = 0
      for (let t = 0; t < others; t++) {
        const r = t + random.below(candidates - t)
        const picked = pool[r]!
        pool[r] = pool[t]!
        pool[t] = picked
        swaps[t] = r
        sum += values[picked]!
      }
      for (let t = others - 1; t >= 0; t--) {
        const r = swaps[t]!
        const back = pool[r]!
        pool[r] = pool[t]!
        pool[t] = back
      }
      if (sum >= threshold) atLeast++
    }
    pool[cell] = cell
    pool[size - 1] = size - 1
    return atLeast
  }

  return {
    permuteCells(first, end, into) {
      for (let i = first; i < end; i++) {
        let others = 0
        let observed = 0
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
          const j = indices[k]!
          if (j === i) continue
          others++
          observed += values[j]!
        }
        if (allEqual || others === 0 || others >= size - 1) {
          into[i] = 1
          continue
        }
        const threshold = observed - tieTolerance
        let atLeast: number
        if (others * 4 <= size && size <= 2_097_152) {
          hashedStreamSeeding(seed, i, words)
          atLeast = countByRejection(values, i, others, threshold, permutations, words, marks, round)
        } else {
          atLeast = countByFisherYates(i, others, threshold)
        }
        into[i] = (1 + Math.min(atLeast, permutations - atLeast)) / (1 + permutations)
      }
    },
  }
}

/**
 * How many of `permutations` draws of `others` values, without replacement, from every cell but
 * `cell` have a sum of at least `threshold`. For k small against n: uniform draws, a position
 * already taken this round drawn again. Positions 0 .. n − 2 stand for every cell but `cell`
 * (position r is cell r below it, cell r + 1 from it on); `marks[r] === round` records a taken
 * position, so no array is cleared between rounds. The generator (the same xoshiro128** and
 * multiply-and-reject as `Xoshiro128StarStar.below` in statistics/random.ts) is written out here,
 * in local variables, because this loop is where the time goes. Needs n − 1 ≤ 2^21 for r·(n − 1) to be exact.
 */
function countByRejection(
  values: Float64Array,
  cell: number,
  others: number,
  threshold: number,
  permutations: number,
  words: Int32Array,
  marks: Int32Array,
  round: Int32Array,
): number {
  const candidates = values.length - 1
  const rejectBelow = (4_294_967_296 - candidates) % candidates
  let s0 = words[0]!
  let s1 = words[1]!
  let s2 = words[2]!
  let s3 = words[3]!
  let mark = round[0]!
  let atLeast = 0
  for (let draw = 0; draw < permutations; draw++) {
    if (++mark === 0x7fffffff) {
      marks.fill(0)
      mark = 1
    }
    let sum = 0
    for (let t = 0; t < others; t++) {
      let r: number
      for (;;) {
        const times5 = Math.imul(s1, 5)
        const random = Math.imul((times5 << 7) | (times5 >>> 25), 9) >>> 0
        const shifted = s1 << 9
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = (s3 << 11) | (s3 >>> 21)
        if (Math.imul(random, candidates) >>> 0 < rejectBelow) continue
        // random·candidates < 2^53 is exact, and so is scaling it by 2^-32; the result is below
        // 2^21, so `| 0` truncates it as Math.floor would, a little faster.
        r = (random * candidates * 2.3283064365386963e-10) | 0
        if (marks[r] !== mark) break
      }
      marks[r] = mark
      // Position r is cell r below `cell`, r + 1 from it on: without a branch, since r < cell is a
      // coin toss for most cells and a mispredicted branch a draw cost a third of the time here.
      sum += values[r + ((cell - 1 - r) >>> 31)]!
    }
    // Without a branch too (a coin toss where p is near 0.5).
    atLeast += +(sum >= threshold)
  }
  round[0] = mark
  return atLeast
}

function checkSizes(values: Float64Array, neighbours: Neighbours): number {
  const size = values.length
  if (neighbours.offsets.length !== size + 1) {
    throw new RangeError(
      `neighbours describe ${neighbours.offsets.length - 1} cells but there are ${size} values`,
    )
  }
  return size
}

export type HotspotClass =
  'hot-99' | 'hot-95' | 'hot-90' | 'not-significant' | 'cold-90' | 'cold-95' | 'cold-99'

/**
 * Hot or cold at 99/95/90% confidence from the sign of z and a p-value (the FDR-adjusted one in
 * hotspot analysis): significant at level α when p ≤ α, as ArcGIS's Gi_Bin does with FDR correction.
 */
export function hotspotClass(z: number, p: number): HotspotClass {
  if (z > 0) return p <= 0.01 ? 'hot-99' : p <= 0.05 ? 'hot-95' : p <= 0.1 ? 'hot-90' : 'not-significant'
  if (z < 0) return p <= 0.01 ? 'cold-99' : p <= 0.05 ? 'cold-95' : p <= 0.1 ? 'cold-90' : 'not-significant'
  return 'not-significant'
}
