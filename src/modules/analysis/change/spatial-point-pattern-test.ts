/**
 * Andresen's spatial point pattern test over counts per area (Andresen 2009; Andresen & Malleson 2011),
 * and the proportion difference test that Wheeler, Steenbeek & Andresen (2018) offer in its place.
 * Both compare each area's share of a base pattern with its share of a test pattern and give the
 * S index, the share of areas where the two are similar. Definitions follow the R package sppt
 * (Steenbeek, Andresen & Wheeler), functions `sppt` and `sppt_diff`, so that results can be compared.
 *
 * Sign convention (sppt's SIndex): +1 when the area's base share is above the test's (the share fell
 * from base to test), −1 when below (it rose), 0 when similar; `localS` is its opposite.
 */
import { invalid } from '../../../errors.ts'
import type { MethodContext } from '../method.ts'
import { chiSquareNMinusOneTest, chiSquareTest, fisherExactTest } from './contingency-tests.ts'
import {
  checkConfidence,
  checkCounts,
  globalS,
  intervalRanks,
  percentages,
  type AreaComparison,
} from './area-comparison.ts'
import { adjustPValues, type PValueAdjustment } from '../statistics/p-value-adjustment.ts'
import type { Xoshiro128StarStar } from '../statistics/random.ts'

export interface ClassicTestOptions {
  /** How many random samples of the test pattern to draw (sppt `nsamples`). */
  readonly samples: number
  /** The size of each sample as a percentage of the test points, drawn without replacement (`percpoints`). */
  readonly samplePercent: number
  /** The confidence level of each area's interval, in percent (`conf_level`). */
  readonly confidence: number
  readonly random: Xoshiro128StarStar
}

export interface ClassicTestResult extends AreaComparison {
  /** Test points in each sample: samplePercent % of them, rounded half to even as R's `round`. */
  readonly sampleSize: number
  /** Each area's interval of test percentages over the samples. */
  readonly lower: Float64Array
  readonly upper: Float64Array
}

/**
 * The classic test: draw `samples` samples of `samplePercent` % of the test points without
 * replacement, take each area's percentage of every sample, keep the middle `confidence` % of them
 * as the area's interval (dropping the same number of samples at each end, sppt's order statistics),
 * and call the area similar when its base percentage lies inside.
 */
export function spatialPointPatternTest(
  baseCounts: Float64Array,
  testCounts: Float64Array,
  options: ClassicTestOptions,
  context: MethodContext = {},
): ClassicTestResult {
  const { baseTotal, testTotal } = checkCounts(baseCounts, testCounts)
  const { samples, samplePercent, confidence, random } = options
  const problems: Record<string, string> = {}
  if (!Number.isInteger(samples) || samples < 1)
    problems.samples = `samples must be a whole number of at least 1, not ${samples}`
  if (!(samplePercent > 0 && samplePercent <= 100)) {
    problems.samplePercent = `samplePercent must be above 0 and at most 100, not ${samplePercent}`
  }
  checkConfidence(confidence, problems)
  const sampleSize = roundHalfToEven((samplePercent / 100) * testTotal)
  if (Object.keys(problems).length === 0 && sampleSize < 1) {
    problems.samplePercent = `${samplePercent}% of ${testTotal} test points is less than one point: raise samplePercent`
  }
  if (Object.keys(problems).length > 0) throw invalid(problems)

  const areaCount = testCounts.length
  const areaOfPoint = new Int32Array(testTotal)
  // Each area's histogram of sample counts 0..testCount lies at histogramStart[area] in one array.
  const histogramStart = new Int32Array(areaCount + 1)
  for (let area = 0, point = 0; area < areaCount; area += 1) {
    const count = testCounts[area]!
    areaOfPoint.fill(area, point, point + count)
    point += count
    histogramStart[area + 1] = histogramStart[area]! + count + 1
  }
  const histogram = new Int32Array(histogramStart[areaCount]!)
  const sampleCount = new Int32Array(areaCount)

  // A sample of more than half the points is drawn as the points it leaves out, so each sample costs
  // at most half the points (85 % samples draw 15 %). A partial Fisher–Yates shuffle of a standing
  // permutation gives a uniform subset whatever order the permutation was left in.
  const drawsLeftOut = 2 * sampleSize > testTotal
  const draws = drawsLeftOut ? testTotal - sampleSize : sampleSize
  const permutation = Int32Array.from(areaOfPoint)
  for (let sample = 0; sample < samples; sample += 1) {
    if (sample % 256 === 0) {
      context.signal?.throwIfAborted()
      context.progress?.(sample / samples, 'drawing samples of the test points')
    }
    sampleCount.fill(0)
    for (let i = 0; i < draws; i += 1) {
      const j = i + random.belowByRemainder(testTotal - i)
      const chosen = permutation[j]!
      permutation[j] = permutation[i]!
      permutation[i] = chosen
      sampleCount[chosen]! += 1
    }
    for (let area = 0; area < areaCount; area += 1) {
      const count = drawsLeftOut ? testCounts[area]! - sampleCount[area]! : sampleCount[area]!
      histogram[histogramStart[area]! + count]! += 1
    }
  }

  const { lowerRank, upperRank } = intervalRanks(samples, confidence)
  const lower = new Float64Array(areaCount)
  const upper = new Float64Array(areaCount)
  const basePercent = percentages(baseCounts, baseTotal)
  const sIndex = new Int8Array(areaCount)
  for (let area = 0; area < areaCount; area += 1) {
    const start = histogramStart[area]!
    const end = histogramStart[area + 1]!
    lower[area] = (countAtRank(histogram, start, end, lowerRank) / sampleSize) * 100
    upper[area] = (countAtRank(histogram, start, end, upperRank) / sampleSize) * 100
    if (basePercent[area]! < lower[area]!) sIndex[area] = -1
    else if (basePercent[area]! > upper[area]!) sIndex[area] = 1
  }
  context.progress?.(1, 'drawing samples of the test points')
  return {
    sampleSize,
    basePercent,
    testPercent: percentages(testCounts, testTotal),
    lower,
    upper,
    sIndex,
    ...globalS(sIndex, baseCounts, testCounts),
  }
}

export const DIFFERENCE_TESTS = ['chi-square-n-minus-1', 'chi-square', 'yates', 'fisher'] as const
export type DifferenceTest = (typeof DIFFERENCE_TESTS)[number]

export interface ProportionDifferenceOptions {
  /** sppt_diff `test`: Chi2_Nmin1, Chi2, Yates or Fisher. */
  readonly test: DifferenceTest
  /** sppt_diff `adj`, the methods of R `p.adjust`. */
  readonly adjustment: PValueAdjustment
  /** In percent: an area differs when its adjusted p-value is below 1 − confidence / 100. */
  readonly confidence: number
}

export interface ProportionDifferenceResult extends AreaComparison {
  /** Base percentage minus test percentage. */
  readonly differencePercent: Float64Array
  /** Two-sided p-value of each area's 2×2 table; NaN where the test is undefined (no point in either pattern). */
  readonly pValue: Float64Array
  readonly pAdjusted: Float64Array
}

/**
 * Wheeler, Steenbeek & Andresen (2018): for each area, test the 2×2 table of base and test points in
 * the area and elsewhere, adjust the p-values for the number of areas, and call the area different
 * when the adjusted p-value is below 1 − confidence.
 */
export function proportionDifferenceTest(
  baseCounts: Float64Array,
  testCounts: Float64Array,
  options: ProportionDifferenceOptions,
): ProportionDifferenceResult {
  const { baseTotal, testTotal } = checkCounts(baseCounts, testCounts)
  const problems: Record<string, string> = {}
  checkConfidence(options.confidence, problems)
  if (Object.keys(problems).length > 0) throw invalid(problems)

  const areaCount = baseCounts.length
  const basePercent = percentages(baseCounts, baseTotal)
  const testPercent = percentages(testCounts, testTotal)
  const differencePercent = new Float64Array(areaCount)
  const pValue = new Float64Array(areaCount)
  const scratch = new Float64Array(Math.max(baseTotal, testTotal) + 1)
  for (let area = 0; area < areaCount; area += 1) {
    differencePercent[area] = basePercent[area]! - testPercent[area]!
    const a = baseCounts[area]!
    const c = testCounts[area]!
    const b = baseTotal - a
    const d = testTotal - c
    pValue[area] =
      options.test === 'chi-square-n-minus-1'
        ? chiSquareNMinusOneTest(a, b, c, d)
        : options.test === 'fisher'
          ? fisherExactTest(a, b, c, d, scratch)
          : chiSquareTest(a, b, c, d, options.test === 'yates')
  }
  const pAdjusted = adjustPValues(pValue, options.adjustment)
  const alpha = 1 - options.confidence / 100
  const sIndex = new Int8Array(areaCount)
  for (let area = 0; area < areaCount; area += 1) {
    // As sppt_diff: a sign where the raw p-value is below α, then cleared where the adjusted one is not.
    if (pValue[area]! < alpha) sIndex[area] = Math.sign(basePercent[area]! - testPercent[area]!)
    if (pAdjusted[area]! >= alpha) sIndex[area] = 0
  }
  return {
    basePercent,
    testPercent,
    differencePercent,
    pValue,
    pAdjusted,
    sIndex,
    ...globalS(sIndex, baseCounts, testCounts),
  }
}

/** The count at a 0-based rank among the sorted sample counts held as a histogram. */
function countAtRank(histogram: Int32Array, start: number, end: number, rank: number): number {
  let seen = 0
  for (let slot = start; slot < end; slot += 1) {
    seen += histogram[slot]!
    if (seen > rank) return slot - start
  }
  return end - start - 1
}

/** R's `round` to a whole number: halves go to the even neighbour (IEC 60559). */
export function roundHalfToEven(value: number): number {
  const nearest = Math.round(value)
  return nearest - value === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest
}
