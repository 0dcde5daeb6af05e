/**
 * Quasi-Poisson regression with a log link, fitted by iteratively reweighted least squares the way
 * R's `glm.fit` does it (start at μ = y + 0.1, weighted least squares by Householder QR, stop when
 * |D − D_old| / (|D| + 0.1) < 1e-8, at most 25 iterations, step halving if μ becomes invalid), so that
 * the Farrington baselines agree with `glm(..., family = quasipoisson)` to many digits.
 *
 * As in R, the covariance, hat values and dispersion use the working weights of the last iteration
 * (computed from μ before the final update), with the final μ in the Pearson residuals.
 */

export interface QuasiPoissonFit {
  readonly converged: boolean
  readonly iterations: number
  /** Regression coefficients, one per design column. */
  readonly coefficients: Float64Array
  /** Fitted means μ_i. */
  readonly fitted: Float64Array
  /** (XᵀWX)⁻¹, row-major p × p ("cov.unscaled" in R's summary.glm). */
  readonly covarianceUnscaled: Float64Array
  /** Diagonal of the hat matrix W^½ X (XᵀWX)⁻¹ Xᵀ W^½. */
  readonly hat: Float64Array
  /** Pearson estimate Σ w_i (y_i − μ_i)² / μ_i / (n − p), as `summary.glm(...)$dispersion`. */
  readonly dispersion: number
  readonly residualDegreesOfFreedom: number
}

const EPSILON = 1e-8
const MAXIMUM_ITERATIONS = 25
// R's Cdqrls tolerance for a column to count as linearly dependent: min(1e-7, epsilon / 1000).
const RANK_TOLERANCE = 1e-11

/**
 * Fits log E[y] = Xβ with Var(y) = φ μ. `design` is column-major (n rows × p columns);
 * `priorWeights` default to 1. Returns undefined when the design is rank deficient.
 */
export function fitQuasiPoisson(
  design: Float64Array,
  columns: number,
  response: Float64Array,
  priorWeights?: Float64Array,
): QuasiPoissonFit | undefined {
  const n = response.length
  const p = columns
  const prior = priorWeights ?? new Float64Array(n).fill(1)
  const eta = new Float64Array(n)
  const mu = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    mu[i] = response[i]! + 0.1
    eta[i] = Math.log(mu[i]!)
  }
  let devianceOld = deviance(response, mu, prior)
  const coefficients = new Float64Array(p)
  let coefficientsOld: Float64Array | undefined
  const root = new Float64Array(p * p)
  const workingWeight = new Float64Array(n)
  let converged = false
  let iterations = 0
  for (let iteration = 1; iteration <= MAXIMUM_ITERATIONS; iteration++) {
    iterations = iteration
    // Log link, Poisson variance: dμ/dη = μ, so z = η + (y − μ)/μ and w = prior · μ.
    const z = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      z[i] = eta[i]! + (response[i]! - mu[i]!) / mu[i]!
      workingWeight[i] = prior[i]! * mu[i]!
    }
    const solved = weightedLeastSquares(design, n, p, z, workingWeight, root)
    if (!solved) return undefined
    for (let j = 0; j < p; j++) coefficients[j] = solved[j]!
    if (!coefficients.every(Number.isFinite)) break
    linearPredictor(design, n, p, coefficients, eta, mu)
    let currentDeviance = deviance(response, mu, prior)
    if (!Number.isFinite(currentDeviance) || !mu.every((m) => Number.isFinite(m) && m > 0)) {
      if (!coefficientsOld) return undefined
      // Step halving towards the previous coefficients, as glm.fit does on divergence.
      for (let halving = 0; halving < MAXIMUM_ITERATIONS; halving++) {
        for (let j = 0; j < p; j++) coefficients[j] = (coefficients[j]! + coefficientsOld[j]!) / 2
        linearPredictor(design, n, p, coefficients, eta, mu)
        currentDeviance = deviance(response, mu, prior)
        if (Number.isFinite(currentDeviance) && mu.every((m) => Number.isFinite(m) && m > 0)) break
      }
    }
    if (Math.abs(currentDeviance - devianceOld) / (0.1 + Math.abs(currentDeviance)) < EPSILON) {
      converged = true
      break
    }
    devianceOld = currentDeviance
    coefficientsOld = Float64Array.from(coefficients)
  }

  const covarianceUnscaled = inverseOfGram(root, p)
  const hat = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let quadratic = 0
    for (let a = 0; a < p; a++) {
      let row = 0
      for (let b = 0; b < p; b++) row += covarianceUnscaled[a * p + b]! * design[b * n + i]!
      quadratic += design[a * n + i]! * row
    }
    hat[i] = workingWeight[i]! * quadratic
  }
  const residualDegreesOfFreedom = n - p
  let pearson = 0
  for (let i = 0; i < n; i++) {
    const residual = (response[i]! - mu[i]!) / mu[i]!
    pearson += workingWeight[i]! * residual * residual
  }
  return {
    converged,
    iterations,
    coefficients,
    fitted: mu,
    covarianceUnscaled,
    hat,
    dispersion: pearson / residualDegreesOfFreedom,
    residualDegreesOfFreedom,
  }
}

function linearPredictor(
  design: Float64Array,
  n: number,
  p: number,
  coefficients: Float64Array,
  eta: Float64Array,
  mu: Float64Array,
): void {
  eta.fill(0)
  for (let j = 0; j < p; j++) {
    const beta = coefficients[j]!
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + design[j * n + i]! * beta
  }
  for (let i = 0; i < n; i++) mu[i] = Math.exp(eta[i]!)
}

/** Poisson deviance 2 Σ w (y log(y/μ) − (y − μ)), as `poisson()$dev.resids`. */
function deviance(response: Float64Array, mu: Float64Array, prior: Float64Array): number {
  let total = 0
  for (let i = 0; i < response.length; i++) {
    const y = response[i]!
    const m = mu[i]!
    total += prior[i]! * (y > 0 ? y * Math.log(y / m) - (y - m) : m)
  }
  return 2 * total
}

/**
 * Minimises Σ w_i (z_i − x_iβ)² by Householder QR of W^½X; writes the upper-triangular factor R
 * (row-major p × p) into `root`. Returns undefined when a column is numerically dependent.
 */
function weightedLeastSquares(
  design: Float64Array,
  n: number,
  p: number,
  z: Float64Array,
  weight: Float64Array,
  root: Float64Array,
): Float64Array | undefined {
  const a = new Float64Array(n * p)
  const rhs = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(weight[i]!)
    rhs[i] = z[i]! * s
    for (let j = 0; j < p; j++) a[j * n + i] = design[j * n + i]! * s
  }
  const columnNorms = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += a[j * n + i]! ** 2
    columnNorms[j] = Math.sqrt(sum)
  }
  for (let k = 0; k < p; k++) {
    let norm = 0
    for (let i = k; i < n; i++) norm += a[k * n + i]! ** 2
    norm = Math.sqrt(norm)
    if (!(norm > RANK_TOLERANCE * (columnNorms[k]! || 1))) return undefined
    const alpha = a[k * n + k]! > 0 ? -norm : norm
    // Householder vector v = x − αe₁, stored in place below the diagonal.
    a[k * n + k] = a[k * n + k]! - alpha
    let vNorm2 = 0
    for (let i = k; i < n; i++) vNorm2 += a[k * n + i]! ** 2
    for (let j = k + 1; j < p; j++) {
      let dot = 0
      for (let i = k; i < n; i++) dot += a[k * n + i]! * a[j * n + i]!
      const factor = (2 * dot) / vNorm2
      for (let i = k; i < n; i++) a[j * n + i] = a[j * n + i]! - factor * a[k * n + i]!
    }
    let dot = 0
    for (let i = k; i < n; i++) dot += a[k * n + i]! * rhs[i]!
    const factor = (2 * dot) / vNorm2
    for (let i = k; i < n; i++) rhs[i] = rhs[i]! - factor * a[k * n + i]!
    root[k * p + k] = alpha
    for (let j = k + 1; j < p; j++) root[k * p + j] = a[j * n + k]!
    for (let j = 0; j < k; j++) root[k * p + j] = 0
  }
  const solution = new Float64Array(p)
  for (let k = p - 1; k >= 0; k--) {
    let sum = rhs[k]!
    for (let j = k + 1; j < p; j++) sum -= root[k * p + j]! * solution[j]!
    solution[k] = sum / root[k * p + k]!
  }
  return solution
}

/** (RᵀR)⁻¹ from the upper-triangular R, as R's chol2inv. */
function inverseOfGram(root: Float64Array, p: number): Float64Array {
  const inverseRoot = new Float64Array(p * p)
  for (let j = 0; j < p; j++) {
    inverseRoot[j * p + j] = 1 / root[j * p + j]!
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0
      for (let k = i + 1; k <= j; k++) sum += root[i * p + k]! * inverseRoot[k * p + j]!
      inverseRoot[i * p + j] = -sum / root[i * p + i]!
    }
  }
  const result = new Float64Array(p * p)
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let sum = 0
      for (let k = Math.max(a, b); k < p; k++) sum += inverseRoot[a * p + k]! * inverseRoot[b * p + k]!
      result[a * p + b] = sum
    }
  }
  return result
}
