/**
 * Two-sided tests of a 2×2 table, as R's `chisq.test`, `prop.test` and `fisher.test` compute them, for
 * the proportion difference test of Wheeler, Steenbeek & Andresen (2018). The table is
 *
 *                 in the area   elsewhere
 *   base pattern       a            b
 *   test pattern       c            d
 *
 * Every function returns NaN when the test is undefined for the table (an empty row or column makes
 * the chi-square expected counts zero), as R does.
 */
import { chiSquareOneDegreeUpperTail } from '../statistics/normal.ts'

/**
 * Pearson's X² of the table, with Yates's continuity correction when asked (R `chisq.test`: the
 * correction is min(½, |observed − expected|), the same in every cell of a 2×2 table).
 */
export function pearsonChiSquare(
  a: number,
  b: number,
  c: number,
  d: number,
  continuityCorrection: boolean,
): number {
  const total = a + b + c + d
  const rowBase = a + b
  const rowTest = c + d
  const columnArea = a + c
  const columnElsewhere = b + d
  const expectedA = (rowBase * columnArea) / total
  const expectedB = (rowBase * columnElsewhere) / total
  const expectedC = (rowTest * columnArea) / total
  const expectedD = (rowTest * columnElsewhere) / total
  const correction = continuityCorrection ? Math.min(0.5, Math.abs(a - expectedA)) : 0
  const cell = (observed: number, expected: number): number =>
    (Math.abs(observed - expected) - correction) ** 2 / expected
  return cell(a, expectedA) + cell(b, expectedB) + cell(c, expectedC) + cell(d, expectedD)
}

/** The "N − 1" chi-square test (Campbell 2007), the default of sppt_diff: X² × (N − 1) / N. */
export function chiSquareNMinusOneTest(a: number, b: number, c: number, d: number): number {
  const total = a + b + c + d
  return chiSquareOneDegreeUpperTail((pearsonChiSquare(a, b, c, d, false) * (total - 1)) / total)
}

/** Pearson's chi-square test, with or without Yates's correction (R `prop.test`, two-sided). */
export function chiSquareTest(
  a: number,
  b: number,
  c: number,
  d: number,
  continuityCorrection: boolean,
): number {
  return chiSquareOneDegreeUpperTail(pearsonChiSquare(a, b, c, d, continuityCorrection))
}

// R fisher.test counts a table as at least as extreme when its probability is within this factor of
// the observed table's, so that tables tied in exact arithmetic are not lost to rounding.
const FISHER_RELATIVE_ERROR = 1 + 1e-7

/**
 * Fisher's exact test, two-sided, as R `fisher.test`: the sum of the hypergeometric probabilities of
 * the tables with the same margins that are no more probable than the observed one. Probabilities are
 * built from the mode outwards by the ratio of successive terms, so none of them overflows.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number, scratch?: Float64Array): number {
  const inArea = a + c
  const elsewhere = b + d
  const base = a + b
  const lowest = Math.max(0, base - elsewhere)
  const highest = Math.min(base, inArea)
  const size = highest - lowest + 1
  const probability = scratch && scratch.length >= size ? scratch : new Float64Array(size)
  const ratio = (x: number): number => ((inArea - x) * (base - x)) / ((x + 1) * (elsewhere - base + x + 1))
  const mode = Math.min(
    highest,
    Math.max(lowest, Math.floor(((base + 1) * (inArea + 1)) / (inArea + elsewhere + 2))),
  )
  probability[mode - lowest] = 1
  for (let x = mode; x < highest; x += 1) probability[x + 1 - lowest] = probability[x - lowest]! * ratio(x)
  for (let x = mode - 1; x >= lowest; x -= 1)
    probability[x - lowest] = probability[x + 1 - lowest]! / ratio(x)
  let total = 0
  for (let i = 0; i < size; i += 1) total += probability[i]!
  const threshold = probability[a - lowest]! * FISHER_RELATIVE_ERROR
  let extreme = 0
  for (let i = 0; i < size; i += 1) if (probability[i]! <= threshold) extreme += probability[i]!
  return Math.max(0, Math.min(1, extreme / total))
}
