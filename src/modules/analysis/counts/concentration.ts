import { invalid } from '../../../errors.ts'

/**
 * How concentrated crime is across places: the share held by the top p% of places and the Gini
 * coefficient. Places are whatever the caller passes, zero-count places included: the law of crime
 * concentration (Weisburd 2015) is stated over all street segments, so leaving the empty places out
 * understates concentration. Checked against R ineq 0.2-13 and lorenzgini 0.1.2 (see
 * docs/analysis/counts-and-harm.md).
 */

export interface TopShare {
  /** The top percentage of places, e.g. 5. */
  readonly percent: number
  /** How many places that is: percent / 100 × places, fractional when it does not divide evenly. */
  readonly places: number
  /** Their share of the total, 0..1; null when the total is 0. */
  readonly share: number | null
}

export interface Concentration {
  readonly places: number
  readonly total: number
  /** Gini coefficient (ineq / DescTools definition), in [0, 1 − 1/n]; null for no places or a total of 0. */
  readonly gini: number | null
  /** Bernasco & Steenbeek's (2017) generalised Gini, for fewer events than places; null as gini. */
  readonly generalisedGini: number | null
  readonly top: readonly TopShare[]
}

/**
 * Gini = 2 Σᵢ i·x₍ᵢ₎ / (n Σ x) − 1 − 1/n, with x₍₁₎ ≤ … ≤ x₍ₙ₎ sorted ascending: the area between
 * the diagonal and the empirical Lorenz curve, times two (ineq::Gini; DescTools::Gini with
 * unbiased = FALSE). All crime in one of n places gives 1 − 1/n.
 */
export function gini(values: ArrayLike<number>): number | null {
  const sorted = sortedAscending(values)
  const n = sorted.length
  let total = 0
  let rankWeighted = 0
  for (let i = 0; i < n; i++) {
    total += sorted[i]!
    rankWeighted += (i + 1) * sorted[i]!
  }
  if (n === 0 || total === 0) return null
  // Rounding can leave -1e-17 for equal values; the coefficient is never below 0 (as DescTools).
  return Math.max(0, (2 * rankWeighted) / (n * total) - 1 - 1 / n)
}

/**
 * Bernasco & Steenbeek (2017, "More places than crimes", J. Quant. Criminol.): with N events over
 * n > N places at least n − N places must be empty, so the Gini is rescaled to the most even spread
 * N events allow: G' = max(1, n / N) · (G − 1) + 1. Equal to the Gini when N ≥ n.
 */
export function generalisedGini(values: ArrayLike<number>, events: number): number | null {
  const coefficient = gini(values)
  if (coefficient === null || !(events > 0)) return null
  return Math.max(1, values.length / events) * (coefficient - 1) + 1
}

/**
 * The share of the total held by the top `percent`% of places, read off the empirical Lorenz curve
 * with linear interpolation: 1 − L(1 − percent/100), as `approx(Lc(x)$p, Lc(x)$L)` in R ineq. With
 * m = percent/100 × n places this is the sum of the ⌊m⌋ largest values plus the fraction m − ⌊m⌋ of
 * the next one, over the total.
 */
export function topShare(values: ArrayLike<number>, percent: number): number | null {
  const sorted = sortedAscending(values)
  const n = sorted.length
  let total = 0
  for (let i = 0; i < n; i++) total += sorted[i]!
  if (n === 0 || total === 0) return null
  const places = (percent / 100) * n
  const whole = Math.floor(places)
  let sum = 0
  for (let j = 0; j < whole; j++) sum += sorted[n - 1 - j]!
  if (whole < n) sum += (places - whole) * sorted[n - 1 - whole]!
  return Math.min(1, sum / total)
}

/**
 * Gini, generalised Gini and top shares over the given places. `events` is the number of incidents
 * behind the values (defaults to their sum, right for counts; pass the incident count for harm).
 */
export function concentration(
  values: ArrayLike<number>,
  percents: readonly number[],
  events: number = sum(values),
): Concentration {
  checkPercents(percents)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!
    if (!Number.isFinite(value) || value < 0) {
      throw invalid({ values: `Place ${i + 1} has ${value}; counts and harm must be numbers of 0 or more` })
    }
  }
  return {
    places: values.length,
    total: sum(values),
    gini: gini(values),
    generalisedGini: generalisedGini(values, events),
    top: percents.map((percent) => ({
      percent,
      places: (percent / 100) * values.length,
      share: topShare(values, percent),
    })),
  }
}

export function checkPercents(percents: readonly number[]): void {
  if (percents.length === 0) throw invalid({ top: 'Give at least one top percentage, e.g. 1,5,10' })
  for (const percent of percents) {
    if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
      throw invalid({ top: `Each top percentage must be more than 0 and at most 100, not ${percent}` })
    }
  }
}

function sortedAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort()
}

function sum(values: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]!
  return total
}
