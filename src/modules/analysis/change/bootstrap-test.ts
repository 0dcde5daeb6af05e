/**
 * The bootstrap spatial point pattern test of the R package sppt (`sppt_boot`, default
 * `bootstrap = TRUE`; Wheeler, Steenbeek & Andresen 2018): both patterns are resampled, so the result
 * no longer depends on which one is called the base. Each sample draws as many points as the pattern
 * has, with replacement, from the base and from the test pattern; each area's difference of
 * percentages (test − base) over the samples gives an interval, and the area differs when the
 * interval leaves out 0.
 */
import { invalid } from '../../../errors.ts'
import type { MethodContext } from '../method.ts'
import {
  checkConfidence,
  checkCounts,
  globalS,
  intervalRanks,
  percentages,
  type AreaComparison,
} from './area-comparison.ts'
import type { Xoshiro128StarStar } from '../statistics/random.ts'

/** Every sample's difference is kept for every area (8 bytes each): this bounds that memory (160 MB). */
export const BOOTSTRAP_MAXIMUM_VALUES = 20_000_000

export interface BootstrapTestOptions {
  readonly samples: number
  /** In percent: the interval keeps the middle `confidence` % of the differences. */
  readonly confidence: number
  readonly random: Xoshiro128StarStar
}

export interface BootstrapTestResult extends AreaComparison {
  /** Each area's interval of test percentage − base percentage over the samples. */
  readonly lowerDifference: Float64Array
  readonly upperDifference: Float64Array
}

export function bootstrapPointPatternTest(
  baseCounts: Float64Array,
  testCounts: Float64Array,
  options: BootstrapTestOptions,
  context: MethodContext = {},
): BootstrapTestResult {
  const { baseTotal, testTotal } = checkCounts(baseCounts, testCounts)
  const { samples, confidence, random } = options
  const areaCount = baseCounts.length
  const problems: Record<string, string> = {}
  if (!Number.isInteger(samples) || samples < 1)
    problems.samples = `samples must be a whole number of at least 1, not ${samples}`
  else if (samples * areaCount > BOOTSTRAP_MAXIMUM_VALUES) {
    problems.samples =
      `The bootstrap keeps every sample's difference for each area: ${areaCount} areas × ${samples} samples ` +
      `is more than ${BOOTSTRAP_MAXIMUM_VALUES.toLocaleString('en-GB')}; draw fewer samples or use larger areas`
  }
  checkConfidence(confidence, problems)
  if (Object.keys(problems).length > 0) throw invalid(problems)

  // difference[area * samples + sample], so that each area's differences sort in place.
  const difference = new Float64Array(areaCount * samples)
  const baseSample = new Int32Array(areaCount)
  const testSample = new Int32Array(areaCount)
  const baseAreaOfPoint = areaOfEachPoint(baseCounts, baseTotal)
  const testAreaOfPoint = areaOfEachPoint(testCounts, testTotal)
  for (let sample = 0; sample < samples; sample += 1) {
    if (sample % 64 === 0) {
      context.signal?.throwIfAborted()
      context.progress?.(sample / samples, 'drawing bootstrap samples of both patterns')
    }
    drawWithReplacement(baseAreaOfPoint, baseSample, random)
    drawWithReplacement(testAreaOfPoint, testSample, random)
    for (let area = 0; area < areaCount; area += 1) {
      // As sppt_boot: each sample's percentages as count / total × 100, then test − base.
      difference[area * samples + sample] =
        (testSample[area]! / testTotal) * 100 - (baseSample[area]! / baseTotal) * 100
    }
  }

  const { lowerRank, upperRank } = intervalRanks(samples, confidence)
  const lowerDifference = new Float64Array(areaCount)
  const upperDifference = new Float64Array(areaCount)
  const sIndex = new Int8Array(areaCount)
  for (let area = 0; area < areaCount; area += 1) {
    const sorted = difference.subarray(area * samples, (area + 1) * samples).sort()
    lowerDifference[area] = sorted[lowerRank]!
    upperDifference[area] = sorted[upperRank]!
    // An interval above 0: the test share is higher (sppt's localS +1, SIndex −1).
    if (lowerDifference[area]! > 0) sIndex[area] = -1
    else if (upperDifference[area]! < 0) sIndex[area] = 1
  }
  context.progress?.(1, 'drawing bootstrap samples of both patterns')
  return {
    basePercent: percentages(baseCounts, baseTotal),
    testPercent: percentages(testCounts, testTotal),
    lowerDifference,
    upperDifference,
    sIndex,
    ...globalS(sIndex, baseCounts, testCounts),
  }
}

function areaOfEachPoint(counts: Float64Array, total: number): Int32Array {
  const areaOfPoint = new Int32Array(total)
  for (let area = 0, point = 0; area < counts.length; area += 1) {
    areaOfPoint.fill(area, point, point + counts[area]!)
    point += counts[area]!
  }
  return areaOfPoint
}

function drawWithReplacement(
  areaOfPoint: Int32Array,
  sampleCount: Int32Array,
  random: Xoshiro128StarStar,
): void {
  sampleCount.fill(0)
  for (let draw = 0; draw < areaOfPoint.length; draw += 1) {
    sampleCount[areaOfPoint[random.belowByRemainder(areaOfPoint.length)]!]! += 1
  }
}
