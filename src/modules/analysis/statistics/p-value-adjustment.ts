/**
 * Adjusted p-values for many comparisons, defined as R's `stats::p.adjust` defines them and computed
 * with the same arithmetic, so that values agree to the last bit: Bonferroni; Holm (1979); Hochberg
 * (1988); Benjamini & Hochberg (1995), the false discovery rate; Benjamini & Yekutieli (2001). An
 * undefined p-value (NaN) stays undefined and is not counted among the comparisons, as in R.
 */
export const P_VALUE_ADJUSTMENTS = [
  'none',
  'bonferroni',
  'holm',
  'hochberg',
  'benjamini-hochberg',
  'benjamini-yekutieli',
] as const
export type PValueAdjustment = (typeof P_VALUE_ADJUSTMENTS)[number]

/** R `p.adjust`'s name for each adjustment, to compare with R. */
export const R_P_ADJUST_METHOD: Readonly<Record<PValueAdjustment, string>> = {
  none: 'none',
  bonferroni: 'bonferroni',
  holm: 'holm',
  hochberg: 'hochberg',
  'benjamini-hochberg': 'BH',
  'benjamini-yekutieli': 'BY',
}

export function adjustPValues(pValues: Float64Array, adjustment: PValueAdjustment): Float64Array {
  const adjusted = new Float64Array(pValues.length).fill(Number.NaN)
  let n = 0
  const defined = new Int32Array(pValues.length)
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i]!)) defined[n++] = i
  // Ascending p, ties in index order (they get the same adjusted value whatever their order).
  const ascending = defined.subarray(0, n).sort((x, y) => pValues[x]! - pValues[y]! || x - y)

  if (adjustment === 'none') {
    for (const i of ascending) adjusted[i] = pValues[i]!
  } else if (adjustment === 'bonferroni') {
    for (const i of ascending) adjusted[i] = Math.min(1, n * pValues[i]!)
  } else if (adjustment === 'holm') {
    // From the smallest p up: (n − i + 1) p for 1-based rank i, never below the one before.
    let running = 0
    for (let rank = 0; rank < n; rank++) {
      const i = ascending[rank]!
      running = Math.max(running, (n - rank) * pValues[i]!)
      adjusted[i] = Math.min(1, running)
    }
  } else {
    // Step-up methods, from the largest p down, never above the one before: Hochberg (n − i + 1) p;
    // Benjamini & Hochberg n p / i; Benjamini & Yekutieli the same times Σ_{k=1..n} 1/k.
    let harmonic = 1
    if (adjustment === 'benjamini-yekutieli') {
      harmonic = 0
      for (let k = 1; k <= n; k++) harmonic += 1 / k
    }
    let running = Number.POSITIVE_INFINITY
    for (let rank = n; rank >= 1; rank--) {
      const i = ascending[rank - 1]!
      const scaled =
        adjustment === 'hochberg' ? (n - rank + 1) * pValues[i]! : ((harmonic * n) / rank) * pValues[i]!
      running = Math.min(running, scaled)
      adjusted[i] = Math.min(1, running)
    }
  }
  return adjusted
}

/**
 * Benjamini-Hochberg adjusted p-values where every p-value must be defined (Gi*'s always are): a
 * cell is significant at level q, with the expected share of false discoveries among the significant
 * cells at most q, when its adjusted p ≤ q. A value that is not a probability is refused.
 */
export function benjaminiHochberg(p: Float64Array): Float64Array {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i]! >= 0 && p[i]! <= 1))
      throw new RangeError(`p-value ${i + 1} is ${p[i]}, not a probability from 0 to 1`)
  }
  return adjustPValues(p, 'benjamini-hochberg')
}
