/**
 * Adjusted p-values for many comparisons, defined as R's `stats::p.adjust` defines them. An undefined
 * p-value (NaN) stays undefined and is not counted among the comparisons, as in R.
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

export function adjustPValues(pValues: Float64Array, adjustment: PValueAdjustment): Float64Array {
  const adjusted = new Float64Array(pValues.length).fill(Number.NaN)
  const defined: number[] = []
  for (let i = 0; i < pValues.length; i += 1) if (!Number.isNaN(pValues[i]!)) defined.push(i)
  const n = defined.length
  const p = (index: number): number => pValues[index]!

  if (adjustment === 'none') {
    for (const i of defined) adjusted[i] = p(i)
  } else if (adjustment === 'bonferroni') {
    for (const i of defined) adjusted[i] = Math.min(1, n * p(i))
  } else if (adjustment === 'holm') {
    // Holm (1979): from the smallest p up, (n − rank + 1) p, never below the one before.
    const ascending = [...defined].sort((x, y) => p(x) - p(y))
    let running = 0
    ascending.forEach((index, rank) => {
      running = Math.max(running, (n - rank) * p(index))
      adjusted[index] = Math.min(1, running)
    })
  } else {
    // Step-up methods, from the largest p down, never above the one before: Hochberg (1988)
    // (n − i + 1) p; Benjamini & Hochberg (1995) n p / i; Benjamini & Yekutieli (2001) the same times
    // Σ_{k=1..n} 1/k. Here i is the 1-based rank from the smallest.
    let harmonic = 1
    if (adjustment === 'benjamini-yekutieli') {
      harmonic = 0
      for (let k = 1; k <= n; k += 1) harmonic += 1 / k
    }
    const descending = [...defined].sort((x, y) => p(y) - p(x))
    let running = Number.POSITIVE_INFINITY
    descending.forEach((index, position) => {
      const rank = n - position
      const scaled =
        adjustment === 'hochberg' ? (n - rank + 1) * p(index) : ((harmonic * n) / rank) * p(index)
      running = Math.min(running, scaled)
      adjusted[index] = Math.min(1, running)
    })
  }
  return adjusted
}
