/**
 * The standard normal distribution and the one-degree chi-square (the square of a standard normal),
 * to the last digits R's `pnorm`, `qnorm` and `pchisq` give, far tails included.
 *
 * Tails: erfc by the all-positive series of erf below 1 (Abramowitz & Stegun 7.1.6) and by the
 * continued fraction of erfc from 1 on (A&S 7.1.14) evaluated by the modified Lentz method (Press et
 * al., Numerical Recipes, 3rd ed., section 5.2), with e^(−z²/2) computed so that the rounding of z²
 * does not reach it. Quantile: Wichura's algorithm AS 241 (Applied Statistics 37, 1988), as R's qnorm.
 */

/** Two-sided p-value of a standard normal z: 2·(1 − Φ(|z|)) = erfc(|z| / √2), as R `2 * pnorm(-abs(z))`. */
export function twoSidedNormalP(z: number): number {
  const absolute = Math.abs(z)
  // e^(−z²/2) from z itself, not from (z/√2)², whose rounding would cost 1e-13 relative in far tails.
  return erfcWithGaussian(absolute / Math.SQRT2, exponentOfMinusHalfSquare(absolute))
}

/** P(Z > (x − mean) / sd) for a normal variable, as R's `pnorm(x, mean, sd, lower.tail = FALSE)`. */
export function normalUpperTail(x: number, mean = 0, sd = 1): number {
  const z = (x - mean) / sd
  if (Number.isNaN(z)) return Number.NaN
  const half = twoSidedNormalP(z) / 2
  return z >= 0 ? half : 1 - half
}

/** P(X > q) for X ~ χ² with one degree of freedom, as R's `pchisq(q, 1, lower.tail = FALSE)`: erfc(√(q/2)). */
export function chiSquareOneDegreeUpperTail(q: number): number {
  if (Number.isNaN(q)) return Number.NaN
  if (q <= 0) return 1
  // e^(−x²) = e^(−q/2) from q itself, not from the rounded square root.
  return erfcWithGaussian(Math.sqrt(q / 2), Math.exp(-q / 2))
}

/** erfc(x), the complementary error function. */
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
