/**
 * Outbreak detection with the Farrington algorithm, improved as in Noufaily et al. (2013), following
 * R surveillance's `farringtonFlexible` (Salmon, Schumacher & Höhle 2016) option by option:
 *
 * - Farrington, Andrews, Beale & Catchpole (1996), "A statistical algorithm for the early detection
 *   of outbreaks of infectious disease", JRSS A 159: 547–563.
 * - Noufaily, Enki, Farrington, Garthwaite, Andrews & Charlett (2013), "An improved algorithm for
 *   outbreak detection in multiple surveillance systems", Statistics in Medicine 32: 1206–1222.
 *
 * For each period k the baseline is the counts in windows of ±w periods around k − frequency·i,
 * i = 1…b (and, with noPeriods > 1, every period in between, split into noPeriods − 1 seasonal
 * blocks). A quasi-Poisson log-linear model is fitted to it, past outbreaks are down-weighted by
 * their Anscombe residuals, and the upper bound for the count at k is taken from the fitted value
 * and its variance. Time is counted in periods (the sts `epochAsDate = FALSE` convention): the
 * reference periods are exactly `frequency` periods apart.
 */
import { invalid } from '../../../errors.ts'
import {
  negativeBinomialQuantile,
  negativeBinomialUpperTailFrom,
  poissonQuantile,
  poissonUpperTailFrom,
  studentTwoSidedPValue,
} from './distributions.ts'
import { normalQuantile, normalUpperTail } from '../statistics/normal.ts'
import { fitQuasiPoisson, type QuasiPoissonFit } from './quasi-poisson.ts'

export type ThresholdMethod = 'delta' | 'nbPlugin' | 'muan'
export type PowerTransformation = '2/3' | '1/2' | 'none'

export interface FarringtonOptions {
  /** Periods per year: 52 for weeks, 12 for months. */
  readonly frequency: number
  /** Number of past years in the baseline. Default 5. */
  readonly b?: number
  /** Half-width of the window around each reference period. Default 3. */
  readonly w?: number
  /** Down-weight past outbreaks by their Anscombe residuals. Default true. */
  readonly reweight?: boolean
  /** Anscombe residuals above this get weight ∝ s⁻². Default 2.58 (Noufaily; the 1996 paper used 1). */
  readonly weightsThreshold?: number
  /** One-sided level of the upper bound. Default 0.05. */
  readonly alpha?: number
  /** Try a linear time trend (kept only if significant, b ≥ 3 and not over-extrapolating). Default true. */
  readonly trend?: boolean
  /** Significance level for keeping the trend. Default 0.05. */
  readonly pThresholdTrend?: number
  /** [cases, periods]: no alarm unless the last `periods` periods hold at least `cases`. Default [5, 4]. */
  readonly limit54?: readonly [number, number]
  /** Power transformation for the 'delta' threshold. Default '2/3'. */
  readonly powertrans?: PowerTransformation
  /** Seasonal factor levels (1 = original Farrington windows only; Noufaily used 10). Default 1. */
  readonly noPeriods?: number
  /** Most recent periods left out of the baseline. Default w. */
  readonly pastWeeksNotIncluded?: number
  /** 'delta' (Farrington 2/3-power), 'nbPlugin' or 'muan' (Noufaily's negative-binomial quantiles). Default 'delta'. */
  readonly thresholdMethod?: ThresholdMethod
}

/** Every period of `range`, in columns. NaN where the reference gives NA (no fit, or too few cases). */
export interface FarringtonResult {
  /** 0-based index into the counts of each evaluated period. */
  readonly index: Int32Array
  readonly observed: Float64Array
  /** Baseline expected count μ₀ (NaN when fewer than limit54 cases or no upper bound). */
  readonly expected: Float64Array
  /** The threshold: an alarm is raised when the observed count exceeds it. */
  readonly upperBound: Float64Array
  /** 1 when the observed count exceeds the upper bound (and enough cases, and observed > 0). */
  readonly alarm: Uint8Array
  /** (observed − fit) / (upper bound − fit): above 1 means an alarm. For nbPlugin/muan the fit is on the log scale, as in the reference. */
  readonly score: Float64Array
  /** P(count ≥ observed) under the baseline model. */
  readonly pValue: Float64Array
  /** Dispersion φ = max(1, Pearson estimate) of the final model. */
  readonly dispersion: Float64Array
  /** 1 when the time trend was kept. */
  readonly trendUsed: Uint8Array
  /** Coefficient of the time trend per period, NaN when not kept. */
  readonly trendCoefficient: Float64Array
  /** 0 when the model converged neither with nor without trend (all outputs NaN then). */
  readonly fitted: Uint8Array
}

export interface ResolvedFarringtonOptions {
  readonly frequency: number
  readonly b: number
  readonly w: number
  readonly reweight: boolean
  readonly weightsThreshold: number
  readonly alpha: number
  readonly trend: boolean
  readonly pThresholdTrend: number
  readonly limit54: readonly [number, number]
  readonly powertrans: PowerTransformation
  readonly noPeriods: number
  readonly pastWeeksNotIncluded: number
  readonly thresholdMethod: ThresholdMethod
}

/** The defaults of `farringtonFlexible`, with its checks and a few more (each naming the option). */
export function resolveFarringtonOptions(options: FarringtonOptions): ResolvedFarringtonOptions {
  const b = options.b ?? 5
  const w = options.w ?? 3
  const resolved: ResolvedFarringtonOptions = {
    frequency: options.frequency,
    b,
    w,
    reweight: options.reweight ?? true,
    weightsThreshold: options.weightsThreshold ?? 2.58,
    alpha: options.alpha ?? 0.05,
    trend: options.trend ?? true,
    pThresholdTrend: options.pThresholdTrend ?? 0.05,
    limit54: options.limit54 ?? [5, 4],
    powertrans: options.powertrans ?? '2/3',
    noPeriods: options.noPeriods ?? 1,
    pastWeeksNotIncluded: options.pastWeeksNotIncluded ?? w,
    thresholdMethod: options.thresholdMethod ?? 'delta',
  }
  const problems: Record<string, string> = {}
  const { frequency } = resolved
  if (!Number.isInteger(frequency) || frequency < 2) {
    problems.frequency = `frequency must be a whole number of periods per year (52 or 12), not ${frequency}`
  }
  if (!Number.isInteger(b) || b < 1) problems.b = `b (years of baseline) must be a whole number ≥ 1, not ${b}`
  if (!Number.isInteger(w) || w < 0) problems.w = `w (window half-width) must be a whole number ≥ 0, not ${w}`
  else if (2 * w + 1 > frequency) {
    problems.w = `w (window half-width) is ${w}: windows of 2w + 1 = ${2 * w + 1} periods do not fit in a year of ${frequency}`
  }
  if (!(resolved.alpha > 0 && resolved.alpha < 0.5)) {
    problems.alpha = `alpha must be between 0 and 0.5 (a one-sided level such as 0.05), not ${resolved.alpha}`
  }
  if (!(resolved.pThresholdTrend > 0 && resolved.pThresholdTrend < 1)) {
    problems.pThresholdTrend = `pThresholdTrend must be between 0 and 1, not ${resolved.pThresholdTrend}`
  }
  if (!(resolved.weightsThreshold > 0)) {
    problems.weightsThreshold = `weightsThreshold must be a positive number, not ${resolved.weightsThreshold}`
  }
  const [cases, periods] = resolved.limit54
  if (!(cases >= 0) || !Number.isInteger(periods) || periods < 1) {
    problems.limit54 = `limit54 must be [cases ≥ 0, periods ≥ 1] (as in farringtonFlexible: cases >= 0 and period > 0)`
  }
  if (!['2/3', '1/2', 'none'].includes(resolved.powertrans)) {
    problems.powertrans = `powertrans must be '2/3', '1/2' or 'none', not '${resolved.powertrans}'`
  }
  if (!['delta', 'nbPlugin', 'muan'].includes(resolved.thresholdMethod)) {
    problems.thresholdMethod = `thresholdMethod must be 'delta', 'nbPlugin' or 'muan', not '${resolved.thresholdMethod}'`
  }
  const { noPeriods, pastWeeksNotIncluded } = resolved
  if (!Number.isInteger(noPeriods) || noPeriods < 1) {
    problems.noPeriods = `noPeriods must be a whole number ≥ 1, not ${noPeriods}`
  } else if (noPeriods > 1 && Number.isInteger(w) && frequency - 2 * w - 1 < noPeriods - 1) {
    // Each of the noPeriods − 1 blocks between two windows needs at least one period.
    problems.noPeriods = `noPeriods is ${noPeriods}: the ${frequency - 2 * w - 1} periods between windows cannot hold ${noPeriods - 1} seasonal blocks`
  }
  if (!Number.isInteger(pastWeeksNotIncluded) || pastWeeksNotIncluded < 0) {
    problems.pastWeeksNotIncluded = `pastWeeksNotIncluded must be a whole number ≥ 0, not ${pastWeeksNotIncluded}`
  }
  if (Object.keys(problems).length > 0) throw invalid(problems)
  return resolved
}

/** How many periods of history precede the first period that can be evaluated: frequency·b + w. */
export const periodsOfHistoryNeeded = (options: ResolvedFarringtonOptions): number =>
  options.frequency * options.b + options.w

/**
 * Runs the algorithm for each period index in [from, to] (0-based, inclusive) of `counts`.
 * The default range is as farringtonFlexible's: from frequency·b + w to the last period.
 */
export function farringtonFlexible(
  counts: Float64Array,
  options: FarringtonOptions,
  range?: { readonly from: number; readonly to: number },
): FarringtonResult {
  const resolved = resolveFarringtonOptions(options)
  const first = periodsOfHistoryNeeded(resolved)
  const from = range?.from ?? first
  const to = range?.to ?? counts.length - 1
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from || to >= counts.length) {
    throw invalid({ range: `range must be whole period indices with from ≤ to < ${counts.length}` })
  }
  if (from < first) {
    throw invalid({
      range: `range starts at period ${from}, but ${first} periods of history (frequency·b + w) are needed before it`,
    })
  }
  for (let i = 0; i < counts.length; i++) {
    if (!(counts[i]! >= 0) || !Number.isFinite(counts[i]!)) {
      throw invalid({ counts: `counts must be non-negative numbers; period ${i} is ${counts[i]}` })
    }
  }
  const size = to - from + 1
  const result: FarringtonResult = {
    index: new Int32Array(size),
    observed: new Float64Array(size),
    expected: new Float64Array(size).fill(Number.NaN),
    upperBound: new Float64Array(size).fill(Number.NaN),
    alarm: new Uint8Array(size),
    score: new Float64Array(size).fill(Number.NaN),
    pValue: new Float64Array(size).fill(Number.NaN),
    dispersion: new Float64Array(size).fill(Number.NaN),
    trendUsed: new Uint8Array(size),
    trendCoefficient: new Float64Array(size).fill(Number.NaN),
    fitted: new Uint8Array(size),
  }
  for (let k = from; k <= to; k++) evaluatePeriod(counts, k, resolved, result, k - from)
  return result
}

/** The baseline of one period: response, time and seasonal level of each period used. */
interface Baseline {
  readonly response: Float64Array
  /** Periods since the first baseline period. */
  readonly time: Float64Array
  /** Seasonal level (1…noPeriods) per baseline period. */
  readonly level: Int32Array
  /** Distinct levels present, ascending; the first is the reference level of the factor. */
  readonly levels: readonly number[]
  /** Time of the current period on the same scale. */
  readonly timeNow: number
}

/**
 * Labels every period with its seasonal level as surveillance's internal `blocks()` does: windows of
 * ±w around each reference period (and w back from now) get level noPeriods, the stretches between
 * windows are cut into noPeriods − 1 nearly equal blocks (the first `rest` one period longer).
 */
function buildBaseline(counts: Float64Array, k: number, options: ResolvedFarringtonOptions): Baseline {
  const { frequency, b, w, noPeriods } = options
  const start = k - frequency * b - w
  const level = new Int32Array(k - start + 1) // offset by `start`; 0 = not in the baseline
  for (let t = k - w; t <= k; t++) level[t - start] = noPeriods
  for (let i = 1; i <= b; i++) {
    const reference = k - i * frequency
    for (let t = reference - w; t <= reference + w; t++) level[t - start] = noPeriods
    if (noPeriods !== 1) {
      const between = frequency - 2 * w - 1
      const blockLength = Math.floor(between / (noPeriods - 1))
      const rest = between % (noPeriods - 1)
      let t = reference + w + 1
      for (let block = 1; block < noPeriods; block++) {
        const length = blockLength + (block <= rest ? 1 : 0)
        for (let j = 0; j < length; j++) level[t + j - start] = block
        t += length
      }
    }
  }
  for (let t = Math.max(start, k - options.pastWeeksNotIncluded); t <= k; t++) level[t - start] = 0
  let n = 0
  for (let t = 0; t < level.length; t++) if (level[t]! > 0) n++
  const response = new Float64Array(n)
  const time = new Float64Array(n)
  const levels = new Int32Array(n)
  const present = new Set<number>()
  let firstTime = -1
  for (let t = 0, row = 0; t < level.length; t++) {
    if (level[t]! === 0) continue
    if (firstTime < 0) firstTime = t
    response[row] = counts[start + t]!
    time[row] = t - firstTime
    levels[row] = level[t]!
    present.add(level[t]!)
    row++
  }
  return {
    response,
    time,
    level: levels,
    levels: [...present].sort((x, y) => x - y),
    timeNow: k - start - firstTime,
  }
}

/** A fitted baseline model with what the prediction needs. */
interface BaselineModel {
  readonly fit: QuasiPoissonFit
  readonly withTrend: boolean
  readonly columns: number
  /** max(1, dispersion). */
  readonly phi: number
  /** The dispersion the reference uses for the trend test and the standard error of the prediction. */
  readonly summaryDispersion: number
  /** Design row of the current period. */
  readonly now: Float64Array
}

function designFor(baseline: Baseline, withTrend: boolean, noPeriods: number) {
  const n = baseline.response.length
  const seasonal = noPeriods !== 1 ? baseline.levels.slice(1) : []
  const columns = 1 + (withTrend ? 1 : 0) + seasonal.length
  const design = new Float64Array(n * columns)
  const now = new Float64Array(columns)
  design.fill(1, 0, n)
  now[0] = 1
  let column = 1
  if (withTrend) {
    design.set(baseline.time, n)
    now[1] = baseline.timeNow
    column = 2
  }
  for (const value of seasonal) {
    for (let i = 0; i < n; i++) design[column * n + i] = baseline.level[i] === value ? 1 : 0
    now[column] = value === noPeriods ? 1 : 0
    column++
  }
  return { design, columns, now }
}

/** As surveillance's `algo.farrington.fitGLM.flexible`: fit, fall back to no trend, reweight. */
function fitBaselineModel(
  baseline: Baseline,
  withTrend: boolean,
  options: ResolvedFarringtonOptions,
): BaselineModel | undefined {
  let trend = withTrend
  let shape = designFor(baseline, trend, options.noPeriods)
  let fit = fitQuasiPoisson(shape.design, shape.columns, baseline.response)
  if (!fit?.converged) {
    if (!trend) return undefined
    trend = false
    shape = designFor(baseline, trend, options.noPeriods)
    fit = fitQuasiPoisson(shape.design, shape.columns, baseline.response)
    if (!fit?.converged) return undefined
  }
  let phi = Math.max(fit.dispersion, 1)
  if (options.reweight) {
    const weights = anscombeWeights(baseline.response, fit, phi, options.weightsThreshold)
    // As the reference, the reweighted fit is used whether or not it converged.
    fit = fitQuasiPoisson(shape.design, shape.columns, baseline.response, weights)
    if (!fit) return undefined
    phi = Math.max(fit.dispersion, 1)
    return {
      fit,
      withTrend: trend,
      columns: shape.columns,
      phi,
      now: shape.now,
      summaryDispersion: referenceSummaryDispersion(baseline.response, fit, weights),
    }
  }
  return {
    fit,
    withTrend: trend,
    columns: shape.columns,
    phi,
    now: shape.now,
    summaryDispersion: fit.dispersion,
  }
}

/**
 * surveillance 1.20.3 stores the Anscombe weights in the fitted model's `weights` slot, where
 * summary.glm expects the IRLS working weights; its trend test and predict.glm's standard error
 * then use Σ ω_i ((y_i − μ_i)/μ_i)² / (n − p) as the dispersion. We do the same so that trends,
 * thresholds and alarms agree with the reference (φ itself is the proper Pearson estimate).
 */
function referenceSummaryDispersion(response: Float64Array, fit: QuasiPoissonFit, weights: Float64Array) {
  let sum = 0
  for (let i = 0; i < response.length; i++) {
    const residual = (response[i]! - fit.fitted[i]!) / fit.fitted[i]!
    sum += weights[i]! * residual * residual
  }
  return sum / fit.residualDegreesOfFreedom
}

/**
 * Anscombe residuals s_i = 3/2 (y^⅔ μ^−⅙ − μ^½) / √(φ (1 − h_i)); weights γ s⁻² above the threshold
 * and γ otherwise, with γ making them sum to n (Farrington et al. 1996 §3.3).
 */
function anscombeWeights(response: Float64Array, fit: QuasiPoissonFit, phi: number, threshold: number) {
  const n = response.length
  const residual = new Float64Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const mu = fit.fitted[i]!
    const s =
      (1.5 * (response[i]! ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu))) / Math.sqrt(phi * (1 - fit.hat[i]!))
    residual[i] = s
    sum += s > threshold ? s ** -2 : 1
  }
  const gamma = n / sum
  const weights = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = residual[i]!
    weights[i] = s > threshold ? gamma * s ** -2 : gamma
  }
  return weights
}

/** Linear predictor at the current period and its standard error (scaled as predict.glm does). */
function predictNow(model: BaselineModel): { eta: number; standardError: number } {
  const { fit, now, columns } = model
  let eta = 0
  let quadratic = 0
  for (let a = 0; a < columns; a++) {
    eta += now[a]! * fit.coefficients[a]!
    let row = 0
    for (let b = 0; b < columns; b++) row += fit.covarianceUnscaled[a * columns + b]! * now[b]!
    quadratic += now[a]! * row
  }
  return { eta, standardError: Math.sqrt(quadratic * model.summaryDispersion) }
}

function trendPValue(model: BaselineModel): number {
  const { fit, columns } = model
  const standardError = Math.sqrt(model.summaryDispersion * fit.covarianceUnscaled[1 * columns + 1]!)
  return studentTwoSidedPValue(fit.coefficients[1]! / standardError, fit.residualDegreesOfFreedom)
}

function evaluatePeriod(
  counts: Float64Array,
  k: number,
  options: ResolvedFarringtonOptions,
  result: FarringtonResult,
  row: number,
): void {
  const observed = counts[k]!
  result.index[row] = k
  result.observed[row] = observed
  const baseline = buildBaseline(counts, k, options)
  let model = fitBaselineModel(baseline, options.trend, options)
  if (!model) return
  let trendUsed = false
  if (model.withTrend) {
    let largest = 0
    for (const y of baseline.response) if (y > largest) largest = y
    const predicted = Math.exp(predictNow(model).eta)
    trendUsed = options.b >= 3 && trendPValue(model) < options.pThresholdTrend && predicted <= largest
    if (!trendUsed) {
      model = fitBaselineModel(baseline, false, options)
      if (!model) return
    }
  }
  const { eta, standardError } = predictNow(model)
  const threshold =
    options.thresholdMethod === 'delta'
      ? deltaThreshold(eta, standardError, model.phi, options, observed)
      : negativeBinomialThreshold(eta, standardError, model.phi, options, observed)
  const [cases, periods] = options.limit54
  let recent = 0
  for (let t = k - periods + 1; t <= k; t++) recent += counts[t]!
  const enoughCases = recent >= cases
  result.fitted[row] = 1
  result.dispersion[row] = model.phi
  result.score[row] = threshold.score
  result.pValue[row] = threshold.pValue
  if (trendUsed) {
    result.trendUsed[row] = 1
    result.trendCoefficient[row] = model.fit.coefficients[1]!
  }
  if (!enoughCases) return
  result.upperBound[row] = threshold.upper
  if (!Number.isNaN(threshold.upper)) result.expected[row] = Math.exp(eta)
  result.alarm[row] = threshold.score > 1 && observed !== 0 ? 1 : 0
}

interface Threshold {
  readonly upper: number
  readonly score: number
  readonly pValue: number
}

/**
 * Farrington et al. (1996): with τ = φ + Var(μ̂₀)/μ₀ and a power transformation y^e that makes the
 * counts nearly normal, U = (μ₀^e + z₁₋α · sd)^{1/e}, e.g. sd = √(4/9 μ₀^{1/3} τ) for e = 2/3.
 */
function deltaThreshold(
  eta: number,
  standardErrorOfEta: number,
  phi: number,
  options: ResolvedFarringtonOptions,
  observed: number,
): Threshold {
  const mu = Math.exp(eta)
  // predict.glm's response-scale standard error: dμ/dη · se(η).
  const standardError = standardErrorOfEta * mu
  const tau = phi + (standardError * standardError) / mu
  let exponent: number
  let sd: number
  if (options.powertrans === 'none') {
    exponent = 1
    sd = Math.sqrt(mu * tau)
  } else if (options.powertrans === '1/2') {
    exponent = 1 / 2
    sd = Math.sqrt(tau / 4)
  } else {
    exponent = 2 / 3
    sd = Math.sqrt((4 / 9) * mu ** (1 / 3) * tau)
  }
  const upper = (mu ** exponent + normalQuantile(1 - options.alpha) * sd) ** (1 / exponent)
  return {
    upper,
    score: (observed - mu) / (upper - mu),
    pValue: normalUpperTail(observed ** exponent, mu ** exponent, sd),
  }
}

/**
 * Noufaily et al. (2013): the (1 − α) quantile of a negative binomial with mean μ and variance φμ,
 * with μ the fitted mean ('nbPlugin') or the upper (1 − α) confidence limit of the mean ('muan').
 */
function negativeBinomialThreshold(
  eta: number,
  standardErrorOfEta: number,
  phi: number,
  options: ResolvedFarringtonOptions,
  observed: number,
): Threshold {
  const mean =
    options.thresholdMethod === 'nbPlugin'
      ? Math.exp(eta)
      : Math.exp(eta + normalQuantile(1 - options.alpha) * standardErrorOfEta)
  if (!Number.isFinite(mean)) return { upper: Number.NaN, score: Number.NaN, pValue: Number.NaN }
  const upper =
    phi > 1
      ? negativeBinomialQuantile(1 - options.alpha, mean / (phi - 1), 1 / phi)
      : poissonQuantile(1 - options.alpha, mean)
  const pValue =
    phi !== 1
      ? negativeBinomialUpperTailFrom(observed, mean / (phi - 1), 1 / phi)
      : poissonUpperTailFrom(observed, mean)
  // The reference divides by (upper − η) with η on the log scale; kept so that scores compare.
  return { upper, score: (observed - eta) / (upper - eta), pValue }
}
