/**
 * The Mann-Kendall trend test over one series taken at equally spaced times (Mann 1945; Kendall
 * 1975), as ArcGIS's Emerging Hot Spot Analysis applies it to the Gi* z-scores of each cell.
 *
 *   S = Σ_{i<j} sign(x_j − x_i)
 *   Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18     (t_g = size of each group of tied values)
 *   Z = (S − sign(S)) / √Var(S)   (continuity correction; Z = S / √Var(S) without it; 0 when S = 0)
 *   p = 2 (1 − Φ(|Z|))
 *   τ = S / √(n₀ (n₀ − n₁)),  n₀ = n(n−1)/2,  n₁ = Σ_g t_g(t_g−1)/2   (Kendall's tau-b against time)
 *
 * The times have no ties, so τ is tau-b and equals scipy's `kendalltau(t, x)`; R's
 * `cor.test(t, x, method = "kendall", exact = FALSE, continuity = TRUE)` gives the same Z and p.
 */
import { twoSidedNormalP } from '../statistics/normal.ts'

export interface MannKendallTrend {
  /** Number of values in the series. */
  readonly n: number
  /** Kendall's S: rising pairs minus falling pairs. */
  readonly s: number
  /** Variance of S under no trend, corrected for ties. */
  readonly variance: number
  /** Kendall's tau-b between the series and time, in [−1, 1]; 0 when every value is tied. */
  readonly tau: number
  /** Standard normal score of S (continuity-corrected unless asked otherwise); 0 when S or its variance is 0. */
  readonly z: number
  /** Two-sided p-value of z from the normal distribution; 1 when z is 0. */
  readonly p: number
}

export interface MannKendallOptions {
  /** Shrink |S| by one before dividing by its standard deviation (default true, as Mann-Kendall is usually reported). */
  readonly continuityCorrection?: boolean
}

export function mannKendall(series: ArrayLike<number>, options: MannKendallOptions = {}): MannKendallTrend {
  const n = series.length
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(series[i]))
      throw new RangeError(`series value ${i} is ${series[i]}, not a finite number`)
  }
  const { ranks, distinct, tiedPairs, tieVarianceTerm } = denseRanks(series)
  const s = kendallS(ranks, distinct)
  const variance = (n * (n - 1) * (2 * n + 5) - tieVarianceTerm) / 18
  const pairs = (n * (n - 1)) / 2
  const tauDenominator = Math.sqrt(pairs * (pairs - tiedPairs))
  const tau = tauDenominator > 0 ? s / tauDenominator : 0
  const corrected = options.continuityCorrection ?? true
  const numerator = corrected ? Math.sign(s) * (Math.abs(s) - 1) : s
  const z = variance > 0 && numerator !== 0 ? numerator / Math.sqrt(variance) : 0
  return { n, s, variance, tau, z, p: twoSidedNormalP(z) }
}

/**
 * Each value's rank among the distinct values (0-based), with the tie sums that Var(S) and tau-b need.
 */
function denseRanks(series: ArrayLike<number>): {
  ranks: Int32Array
  distinct: number
  tiedPairs: number
  tieVarianceTerm: number
} {
  const n = series.length
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => series[a]! - series[b]!)
  const ranks = new Int32Array(n)
  let distinct = 0
  let tiedPairs = 0
  let tieVarianceTerm = 0
  for (let start = 0; start < n;) {
    let end = start + 1
    while (end < n && series[order[end]!] === series[order[start]!]) end++
    for (let k = start; k < end; k++) ranks[order[k]!] = distinct
    const group = end - start
    tiedPairs += (group * (group - 1)) / 2
    tieVarianceTerm += group * (group - 1) * (2 * group + 5)
    distinct++
    start = end
  }
  return { ranks, distinct, tiedPairs, tieVarianceTerm }
}

/**
 * S in O(n log n): walking forward in time, a Fenwick tree over ranks counts the earlier values
 * below and above the current one (weekly series over years make the O(n²) double loop costly).
 */
function kendallS(ranks: Int32Array, distinct: number): number {
  const tree = new Int32Array(distinct + 1)
  let s = 0
  for (let j = 0; j < ranks.length; j++) {
    const rank = ranks[j]!
    const below = prefixCount(tree, rank)
    const above = j - prefixCount(tree, rank + 1)
    s += below - above
    for (let k = rank + 1; k <= distinct; k += k & -k) tree[k]!++
  }
  return s
}

function prefixCount(tree: Int32Array, upTo: number): number {
  let total = 0
  for (let k = upTo; k > 0; k -= k & -k) total += tree[k]!
  return total
}
