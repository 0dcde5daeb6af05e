/**
 * The few probability functions the Farrington thresholds need, written to match R's `stats`
 * (qnorm, pnorm, pt, qpois, ppois, qnbinom, pnbinom) closely enough that thresholds agree with
 * `surveillance::farringtonFlexible`. Checked against R in distributions.test.ts.
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

/** Regularised lower incomplete gamma P(a, x) (series for x < a + 1, else continued fraction). */
export function regularizedGammaLower(a: number, x: number): number {
  if (x <= 0) return 0
  if (x < a + 1) return gammaSeries(a, x)
  return 1 - gammaContinuedFraction(a, x)
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function regularizedGammaUpper(a: number, x: number): number {
  if (x <= 0) return 1
  if (x < a + 1) return 1 - gammaSeries(a, x)
  return gammaContinuedFraction(a, x)
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a))
}

// Modified Lentz evaluation of the continued fraction for Q(a, x) (Numerical Recipes §6.2).
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h
}

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

/** P(Z > (x − mean) / sd) for a normal variable, as R's `pnorm(x, mean, sd, lower.tail = FALSE)`. */
export function normalUpperTail(x: number, mean = 0, sd = 1): number {
  const z = (x - mean) / sd
  if (Number.isNaN(z)) return Number.NaN
  const half = regularizedGammaUpper(0.5, (z * z) / 2) / 2
  return z >= 0 ? half : 1 - half
}

/** The standard normal quantile, Wichura's algorithm AS 241 (as R's `qnorm`). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity
    if (p === 1) return Infinity
    return Number.NaN
  }
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (
      (q *
        (((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
          r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    )
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let value: number
  if (r <= 5) {
    r -= 1.6
    value =
      (((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1)
  } else {
    r -= 5
    value =
      (((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1)
  }
  return q < 0 ? -value : value
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
