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
  const random = new Xoshiro128StarStar()
  // Scratch for countByRejection: taken-position marks, the current round, the generator's words.
  const marks = new Int32Array(size)
  const round = new Int32Array(1)
  const words = new Int32Array(4)

  // Where k is a large share of n − 1: a partial Fisher-Yates shuffle of a pool of cells with cell i
  // moved to the end, every swap undone afterwards so the pool is the identity for the next cell.
  function countByFisherYates(cell: number, others: number, threshold: number): number {
    random.seed(seed, cell)
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
          seedWords(seed, i, words)
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
 * multiply-and-reject as `Xoshiro128StarStar.below`) is written out here, in local variables,
 * because this loop is where the time goes. Needs n − 1 ≤ 2^21 for r·(n − 1) to be exact.
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

/** Two-sided p-value of a standard normal z: 2·(1 − Φ(|z|)) = erfc(|z| / √2). */
export function twoSidedNormalP(z: number): number {
  const absolute = Math.abs(z)
  // e^(−z²/2) from z itself, not from (z/√2)², whose rounding would cost 1e-13 relative in far tails.
  return erfcWithGaussian(absolute / Math.SQRT2, exponentOfMinusHalfSquare(absolute))
}

/** erfc(x); see `erfcWithGaussian`. */
export function complementaryErrorFunction(x: number): number {
  if (Number.isNaN(x)) return Number.NaN
  if (x < 0) return 2 - complementaryErrorFunction(-x)
  return erfcWithGaussian(x, exponentOfMinusHalfSquare(x * Math.SQRT2))
}

/**
 * erfc(x) for x ≥ 0, given gaussian = e^(−x²), to about 1e-14 relative: below 1 as 1 − erf(x) from
 * the all-positive series erf(x) = (2/√π) e^(−x²) Σ_k 2^k x^(2k+1) / (1·3·…·(2k+1)) (Abramowitz &
 * Stegun 7.1.6); from 1 the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 * (A&S 7.1.14) by the modified Lentz method, which keeps small tail probabilities accurate.
 */
function erfcWithGaussian(x: number, gaussian: number): number {
  const inverseRootPi = 1 / Math.sqrt(Math.PI)
  if (x < 1) {
    const twoXSquared = 2 * x * x
    let term = x
    let sum = x
    for (let k = 1; k < 200 && term > 1e-17 * sum; k++) {
      term *= twoXSquared / (2 * k + 1)
      sum += term
    }
    return 1 - 2 * inverseRootPi * gaussian * sum
  }
  const tiny = 1e-300
  let fraction = x
  let c = x
  let d = 0
  for (let k = 1; k < 500; k++) {
    const a = k / 2
    d = x + a * d
    d = 1 / (Math.abs(d) < tiny ? tiny : d)
    c = x + a / c
    if (Math.abs(c) < tiny) c = tiny
    const delta = c * d
    fraction *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return (inverseRootPi * gaussian) / fraction
}

/** e^(−z²/2) with z² split as h² + (z − h)(z + h), h = z rounded to 1/16, so the rounding of z² does not reach the exponent. */
function exponentOfMinusHalfSquare(z: number): number {
  const rounded = Math.round(z * 16) / 16
  return Math.exp((-rounded * rounded) / 2) * Math.exp(-((z - rounded) * (z + rounded)) / 2)
}

/**
 * xoshiro128** 1.1 (Blackman & Vigna 2018): a small, fast 32-bit generator with a 2^128 − 1 period.
 * `seed(seed, stream)` derives the four words from the seed and a stream number (the cell) with a
 * SplitMix-style sequence (golden-ratio increment, MurmurHash3 finaliser), so each cell's draws
 * depend only on the seed and the cell, never on which cells ran before it.
 */
export class Xoshiro128StarStar {
  // The four words live in a typed array: as object fields, 32-bit values beyond V8's small
  // integers would be boxed as heap numbers on every update.
  private readonly state = new Int32Array(4)

  constructor(seed = 1, stream = 0) {
    this.seed(seed, stream)
  }

  seed(seed: number, stream: number): void {
    seedWords(seed, stream, this.state)
  }

  /** A generator at a given raw state (four 32-bit words, not all zero), to check it against the published algorithm. */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128StarStar {
    const generator = new Xoshiro128StarStar()
    generator.state.set(state.map((word) => word | 0))
    return generator
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const words = this.state
    const s0 = words[0]!
    const s1 = words[1]!
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0
    const s2 = words[2]! ^ s0
    const s3 = words[3]! ^ s1
    words[1] = s1 ^ s2
    words[0] = s0 ^ s3
    words[2] = s2 ^ (s1 << 9)
    words[3] = rotateLeft(s3, 11)
    return result
  }

  /** A uniform integer in 0 .. bound − 1, without bias (Lemire 2019's multiply-and-reject). */
  below(bound: number): number {
    if (bound > 2_097_152) {
      // r·bound would exceed 2^53: use 53 random bits instead (bias below 2^-31).
      return Math.floor(
        (((this.nextUint32() >>> 5) * 67_108_864 + (this.nextUint32() >>> 6)) / 9_007_199_254_740_992) *
          bound,
      )
    }
    // r·bound < 2^53 is exact in a double; Math.imul gives its low 32 bits without a division.
    let random = this.nextUint32()
    let low = Math.imul(random, bound) >>> 0
    if (low < bound) {
      const rejectBelow = (4_294_967_296 - bound) % bound
      while (low < rejectBelow) {
        random = this.nextUint32()
        low = Math.imul(random, bound) >>> 0
      }
    }
    return Math.floor((random * bound) / 4_294_967_296)
  }
}

/** The four xoshiro128** words for a seed and a stream (see `Xoshiro128StarStar`). */
function seedWords(seed: number, stream: number, words: Int32Array): void {
  const low = seed >>> 0
  const high = Math.floor(seed / 4_294_967_296) >>> 0
  let state = mix32(mix32(low ^ 0x6a09e667) ^ high) ^ mix32(stream ^ 0xbb67ae85)
  for (let k = 0; k < 4; k++) {
    state = (state + 0x9e3779b9) | 0
    words[k] = mix32(state)
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let z = value | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) | 0
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
