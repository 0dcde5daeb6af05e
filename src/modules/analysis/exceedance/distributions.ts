/**
 * The probability functions the Farrington thresholds need besides the normal ones
 * (statistics/normal.ts), written to match R's `stats` (pt, qpois, ppois, qnbinom, pnbinom) closely
 * enough that thresholds agree with `surveillance::farringtonFlexible`. Checked against R in
 * distributions.test.ts.
 */

const LANCZOS_G = 7
// Lanczos coefficients for g = 7, n = 9 (Numerical Recipes 3rd ed. / Godfrey).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** log Γ(x) for x > 0 (Lanczos approximation, relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const shifted = x - 1
  let sum = LANCZOS[0]!
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (shifted + i)
  const t = shifted + LANCZOS_G + 0.5
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum)
}

const EPSILON = 1e-16
const TINY = 1e-300

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return h
}

/** Two-sided p-value of a Student t statistic, 2·P(T > |t|), as `2 * pt(-abs(t), df)`. */
export function studentTwoSidedPValue(t: number, degreesOfFreedom: number): number {
  if (Number.isNaN(t) || !(degreesOfFreedom > 0)) return Number.NaN
  return regularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5)
}

/**
 * A discrete distribution on 0, 1, 2, … given by log P(0) and the ratio P(k+1)/P(k), summed term by
 * term in log space (no underflow for large means).
 */
interface DiscreteDistribution {
  readonly logFirst: number
  readonly logRatio: (k: number) => number
  readonly mean: number
}

// R nudges p down by 64 ε in its discrete quantile searches so that F(y) = p exactly still gives y.
const QUANTILE_FUZZ = 1 - 64 * Number.EPSILON

function discreteQuantile(distribution: DiscreteDistribution, p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? 0 : Number.NaN
  const target = p * QUANTILE_FUZZ
  let logTerm = distribution.logFirst
  let cumulative = Math.exp(logTerm)
  let k = 0
  while (cumulative < target) {
    logTerm += distribution.logRatio(k)
    k += 1
    cumulative += Math.exp(logTerm)
    if (k > 1e9) return Number.NaN
  }
  return k
}

/** P(Y ≥ y): the upper tail summed directly past the mean, so that small p-values keep their digits. */
function discreteUpperTail(distribution: DiscreteDistribution, y: number): number {
  if (y <= 0) return 1
  let logTerm = distribution.logFirst
  let below = 0
  let k = 0
  for (; k < y; k++) {
    below += Math.exp(logTerm)
    logTerm += distribution.logRatio(k)
  }
  if (y <= distribution.mean) return Math.max(0, 1 - below)
  let tail = 0
  for (let j = k; j < 1e9; j++) {
    const term = Math.exp(logTerm)
    tail += term
    if (term <= tail * 1e-17 && j > distribution.mean) break
    logTerm += distribution.logRatio(j)
  }
  return tail
}

const poisson = (mean: number): DiscreteDistribution => ({
  logFirst: -mean,
  logRatio: (k) => Math.log(mean / (k + 1)),
  mean,
})

// Parameterised as R's dnbinom(size, prob): mean = size (1 − prob) / prob.
const negativeBinomial = (size: number, prob: number): DiscreteDistribution => {
  const logFailure = Math.log1p(-prob)
  return {
    logFirst: size * Math.log(prob),
    logRatio: (k) => Math.log((k + size) / (k + 1)) + logFailure,
    mean: (size * (1 - prob)) / prob,
  }
}

/** As R's `qpois(p, mean)`. */
export const poissonQuantile = (p: number, mean: number): number => discreteQuantile(poisson(mean), p)
/** As R's `ppois(y - 1, mean, lower.tail = FALSE)`: P(Y ≥ y). */
export const poissonUpperTailFrom = (y: number, mean: number): number => discreteUpperTail(poisson(mean), y)
/** As R's `qnbinom(p, size, prob)`. */
export const negativeBinomialQuantile = (p: number, size: number, prob: number): number =>
  discreteQuantile(negativeBinomial(size, prob), p)
/** As R's `pnbinom(y - 1, size, prob, lower.tail = FALSE)`: P(Y ≥ y). */
export const negativeBinomialUpperTailFrom = (y: number, size: number, prob: number): number =>
  discreteUpperTail(negativeBinomial(size, prob), y)
