/**
 * What the spatial point pattern tests share: the counts they accept, the shares they compare and
 * the S index they report (definitions of the R package sppt).
 */
import { invalid } from '../../../errors.ts'

/**
 * The 0-based ranks of an interval's bounds among `samples` sorted values: sppt keeps sorted value
 * number floor(α/2 · N) + 1 and ceiling((1 − α/2) · N), 1-based, with α = 1 − confidence / 100. The
 * expressions are written as sppt writes them, so that they round the same way.
 */
export function intervalRanks(samples: number, confidence: number): { lowerRank: number; upperRank: number } {
  return {
    lowerRank: Math.floor(((100 - confidence) / 100 / 2) * samples),
    upperRank: Math.ceil((1 - (100 - confidence) / 100 / 2) * samples) - 1,
  }
}

/** What every test reports for every area, in the order of the counts. */
export interface AreaComparison {
  readonly basePercent: Float64Array
  readonly testPercent: Float64Array
  /** +1 base share above the test's, −1 below, 0 similar. */
  readonly sIndex: Int8Array
  /** The share of all areas that are similar. */
  readonly globalS: number
  /** The same, leaving out areas without a point in either pattern. */
  readonly robustGlobalS: number
}

export function checkCounts(
  baseCounts: Float64Array,
  testCounts: Float64Array,
): { baseTotal: number; testTotal: number } {
  const problems: Record<string, string> = {}
  if (baseCounts.length !== testCounts.length) {
    problems.testCounts = `There are ${baseCounts.length} base counts but ${testCounts.length} test counts: give one of each per area`
  }
  const total = (counts: Float64Array, field: string): number => {
    let sum = 0
    for (let i = 0; i < counts.length; i += 1) {
      const count = counts[i]!
      if (!Number.isInteger(count) || count < 0) {
        problems[field] ??= `${field} must be whole numbers of 0 or more; area ${i + 1} has ${count}`
      }
      sum += count
    }
    if (sum === 0)
      problems[field] ??= `${field} has no points in any area: the test needs points in both patterns`
    return sum
  }
  const baseTotal = total(baseCounts, 'baseCounts')
  const testTotal = total(testCounts, 'testCounts')
  if (Object.keys(problems).length > 0) throw invalid(problems)
  return { baseTotal, testTotal }
}

export function checkConfidence(confidence: number, problems: Record<string, string>): void {
  if (!(confidence > 0 && confidence < 100)) {
    problems.confidence = `confidence is a percentage above 0 and below 100 (such as 95), not ${confidence}`
  }
}

/** sppt's percentages: count / total × 100, in that order, so that comparisons round as in R. */
export function percentages(counts: Float64Array, total: number): Float64Array {
  const percent = new Float64Array(counts.length)
  for (let i = 0; i < counts.length; i += 1) percent[i] = (counts[i]! / total) * 100
  return percent
}

export function globalS(
  sIndex: Int8Array,
  baseCounts: Float64Array,
  testCounts: Float64Array,
): { globalS: number; robustGlobalS: number } {
  let similar = 0
  let robustSimilar = 0
  let robustAreas = 0
  for (let area = 0; area < sIndex.length; area += 1) {
    const isSimilar = sIndex[area] === 0 ? 1 : 0
    similar += isSimilar
    if (baseCounts[area]! + testCounts[area]! > 0) {
      robustAreas += 1
      robustSimilar += isSimilar
    }
  }
  return { globalS: similar / sIndex.length, robustGlobalS: robustSimilar / robustAreas }
}
