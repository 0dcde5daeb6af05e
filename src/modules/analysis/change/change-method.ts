import { latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import { defineMethod, type MethodContext, type PointSet } from '../method.ts'
import type { PValueAdjustment } from '../statistics/p-value-adjustment.ts'
import { CHANGE_OPTIONS, checkChangeOptions, isoDateDay, type ChangeMethodOptions } from './change-options.ts'
import { bootstrapPointPatternTest } from './bootstrap-test.ts'
import { Xoshiro128StarStar } from '../statistics/random.ts'
import {
  proportionDifferenceTest,
  spatialPointPatternTest,
  type DifferenceTest,
} from './spatial-point-pattern-test.ts'

/**
 * Change between two point patterns (two periods, or two crime types) over the same areas: Andresen's
 * spatial point pattern test, its bootstrap or the proportion difference test of Wheeler et al. (2018). The points
 * are split into the base and the test pattern, counted per H3 cell or per LSOA, and compared area by area.
 */

export interface ChangeArea {
  /** The H3 cell, or the LSOA code. */
  readonly area: string
  readonly baseCount: number
  readonly testCount: number
  /** The area's share of the pattern's points, in percent. */
  readonly basePercent: number
  readonly testPercent: number
  /** Classic test: the interval of the area's test percentage over the samples. */
  readonly lower?: number
  readonly upper?: number
  /** Bootstrap test: the interval of test percentage − base percentage over the samples. */
  readonly lowerDifference?: number
  readonly upperDifference?: number
  /** Proportion difference test: basePercent − testPercent, the p-value (null where undefined) and adjusted p-value. */
  readonly differencePercent?: number
  readonly pValue?: number | null
  readonly pAdjusted?: number | null
  /** +1 base share above the test's (fell), −1 below (rose), 0 similar (sppt's SIndex). */
  readonly sIndex: number
  /** −sIndex: +1 the share rose from base to test. */
  readonly localS: number
}

export interface ChangeResult {
  readonly method: ChangeMethodOptions['method']
  readonly base: PatternDescription
  readonly test: PatternDescription
  readonly areaKind: ChangeMethodOptions['areas']
  /** For H3 cells; null for LSOAs. */
  readonly h3Resolution: number | null
  /** Points in neither pattern, or without a usable position (H3) or LSOA code (LSOA): not counted. */
  readonly pointsLeftOut: number
  /** The classic and bootstrap tests: how the samples were drawn (samplePercent and sampleSize: classic only). */
  readonly resampling: {
    readonly samples: number
    readonly seed: number
    readonly samplePercent: number | null
    readonly sampleSize: number | null
  } | null
  readonly proportionDifference: {
    readonly test: DifferenceTest
    readonly adjustment: PValueAdjustment
  } | null
  readonly confidence: number
  /** Share of areas that are similar. */
  readonly globalS: number
  /** Share of areas with at least one point that are similar (equal to globalS when every area has points). */
  readonly robustGlobalS: number
  readonly similarAreas: number
  /** Areas whose share rose from base to test (localS +1), and fell (−1). */
  readonly areasHigherInTest: number
  readonly areasLowerInTest: number
  /** Every H3 cell (or LSOA) holding a point of either pattern, by index (or code). */
  readonly areas: ChangeArea[]
}

export interface PatternDescription {
  readonly points: number
  /** Inclusive ISO dates, for a split by period. */
  readonly from?: string
  readonly to?: string
  /** For a split by category. */
  readonly category?: string
}

export const changeMethod = defineMethod<ChangeMethodOptions, ChangeResult>({
  name: 'spatial-point-pattern-test',
  title: 'Change between two periods or crime types (spatial point pattern test)',
  description:
    "Andresen's spatial point pattern test: whether each area's share of incidents is similar in two periods " +
    '(or two crime types), and the S index, the share of areas where it is.',
  options: CHANGE_OPTIONS,
  check: checkChangeOptions,
  run: runChange,
  summarise: (result) =>
    [
      `${TEST_TITLES[result.method]} over ` +
        `${result.areaKind === 'lsoa' ? `${result.areas.length} LSOAs` : `${result.areas.length} H3 cells (resolution ${result.h3Resolution})`}: ` +
        `base ${describe(result.base)}, ` +
        `test ${describe(result.test)}.`,
      `S index ${result.globalS.toFixed(3)} (robust ${result.robustGlobalS.toFixed(3)}): ${result.similarAreas} areas similar, ` +
        `${result.areasHigherInTest} with a higher share in the test pattern, ${result.areasLowerInTest} lower.`,
    ].join('\n'),
})

const TEST_TITLES: Record<ChangeResult['method'], string> = {
  classic: "Andresen's spatial point pattern test",
  bootstrap: 'Bootstrap spatial point pattern test',
  'proportion-difference': 'Proportion difference test',
}

const describe = (pattern: PatternDescription): string =>
  `${pattern.category ?? `${pattern.from} to ${pattern.to}`} (${pattern.points} points)`

function runChange(points: PointSet, options: ChangeMethodOptions, context: MethodContext): ChangeResult {
  const problems = checkChangeOptions(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const pattern = patternOfPoints(points, options)
  const areas = options.areas ?? 'h3'
  if (areas === 'lsoa' && !points.area) {
    throw invalid({
      areas:
        'Comparing LSOAs needs the LSOA code of each point, and these points have none: give a police.uk street ' +
        "file, an 'area' column (CSV) or property (GeoJSON), or compare h3 cells",
    })
  }
  const { cells, baseCounts, testCounts, pointsLeftOut } = countPerArea(
    pattern,
    areas === 'lsoa' ? lsoaOfPoints(points) : cellsOfPoints(points, options.h3Resolution),
  )
  const baseTotal = sum(baseCounts)
  const testTotal = sum(testCounts)
  if (baseTotal === 0 || testTotal === 0)
    throw emptyPattern(points, options, baseTotal === 0 ? 'base' : 'test')

  const base: PatternDescription = { points: baseTotal, ...patternSpecification(options, 'base') }
  const test: PatternDescription = { points: testTotal, ...patternSpecification(options, 'test') }
  const common = {
    base,
    test,
    areaKind: areas,
    h3Resolution: areas === 'h3' ? options.h3Resolution : null,
    pointsLeftOut,
  }
  const row = (area: number, basePercent: Float64Array, testPercent: Float64Array, sIndex: Int8Array) => ({
    area: cells[area]!,
    baseCount: baseCounts[area]!,
    testCount: testCounts[area]!,
    basePercent: basePercent[area]!,
    testPercent: testPercent[area]!,
    sIndex: sIndex[area]!,
    localS: -sIndex[area]! || 0,
  })

  if (options.method === 'classic') {
    const result = spatialPointPatternTest(
      baseCounts,
      testCounts,
      {
        samples: options.samples,
        samplePercent: options.samplePercent,
        confidence: options.confidence,
        random: new Xoshiro128StarStar(options.seed),
      },
      context,
    )
    return {
      method: 'classic',
      ...common,
      resampling: {
        samples: options.samples,
        seed: options.seed,
        samplePercent: options.samplePercent,
        sampleSize: result.sampleSize,
      },
      proportionDifference: null,
      confidence: options.confidence,
      ...tally(result.sIndex, result.globalS, result.robustGlobalS),
      areas: cells.map((_, area) => ({
        ...row(area, result.basePercent, result.testPercent, result.sIndex),
        lower: result.lower[area]!,
        upper: result.upper[area]!,
      })),
    }
  }
  if (options.method === 'bootstrap') {
    const random = new Xoshiro128StarStar(options.seed)
    const result = bootstrapPointPatternTest(
      baseCounts,
      testCounts,
      { samples: options.samples, confidence: options.confidence, random },
      context,
    )
    return {
      method: 'bootstrap',
      ...common,
      resampling: { samples: options.samples, seed: options.seed, samplePercent: null, sampleSize: null },
      proportionDifference: null,
      confidence: options.confidence,
      ...tally(result.sIndex, result.globalS, result.robustGlobalS),
      areas: cells.map((_, area) => ({
        ...row(area, result.basePercent, result.testPercent, result.sIndex),
        lowerDifference: result.lowerDifference[area]!,
        upperDifference: result.upperDifference[area]!,
      })),
    }
  }
  const result = proportionDifferenceTest(baseCounts, testCounts, {
    test: options.differenceTest,
    adjustment: options.adjustment,
    confidence: options.confidence,
  })
  const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value)
  return {
    method: 'proportion-difference',
    ...common,
    resampling: null,
    proportionDifference: { test: options.differenceTest, adjustment: options.adjustment },
    confidence: options.confidence,
    ...tally(result.sIndex, result.globalS, result.robustGlobalS),
    areas: cells.map((_, area) => ({
      ...row(area, result.basePercent, result.testPercent, result.sIndex),
      differencePercent: result.differencePercent[area]!,
      pValue: orNull(result.pValue[area]!),
      pAdjusted: orNull(result.pAdjusted[area]!),
    })),
  }
}

const BASE = 1
const TEST = 2

/** Per point: BASE, TEST, both (a period or category in both) or 0. */
function patternOfPoints(points: PointSet, options: ChangeMethodOptions): Uint8Array {
  const pattern = new Uint8Array(points.size)
  if (options.split === 'period') {
    const baseFrom = isoDateDay(options.baseFrom!)!
    const baseTo = isoDateDay(options.baseTo!)!
    const testFrom = isoDateDay(options.testFrom!)!
    const testTo = isoDateDay(options.testTo!)!
    for (let i = 0; i < points.size; i += 1) {
      const day = points.day[i]!
      pattern[i] =
        (day >= baseFrom && day <= baseTo ? BASE : 0) | (day >= testFrom && day <= testTo ? TEST : 0)
    }
  } else {
    for (let i = 0; i < points.size; i += 1) {
      const category = points.category[i]
      pattern[i] =
        (category === options.baseCategory ? BASE : 0) | (category === options.testCategory ? TEST : 0)
    }
  }
  return pattern
}

/** The H3 cell of each point, undefined without a usable position. */
function cellsOfPoints(points: PointSet, resolution: number): (string | undefined)[] {
  const cells = new Array<string | undefined>(points.size)
  for (let i = 0; i < points.size; i += 1) {
    const latitude = points.latitude[i]!
    const longitude = points.longitude[i]!
    if (Number.isFinite(latitude) && Number.isFinite(longitude))
      cells[i] = latLngToCell(latitude, longitude, resolution)
  }
  return cells
}

/** The LSOA code of each point, undefined when it has none. */
function lsoaOfPoints(points: PointSet): (string | undefined)[] {
  return points.area!.map((code) => (code === '' ? undefined : code))
}

/** Counts per area of the points of each pattern; the areas sorted by key, so input order does not matter. */
function countPerArea(pattern: Uint8Array, areaOfPoint: readonly (string | undefined)[]) {
  const cellOfPoint = new Array<string | undefined>(pattern.length)
  const distinct = new Set<string>()
  let pointsLeftOut = 0
  for (let i = 0; i < pattern.length; i += 1) {
    const cell = areaOfPoint[i]
    if (pattern[i] === 0 || cell === undefined) {
      pointsLeftOut += 1
      continue
    }
    cellOfPoint[i] = cell
    distinct.add(cell)
  }
  const cells = [...distinct].sort()
  const indexOfCell = new Map(cells.map((cell, index) => [cell, index]))
  const baseCounts = new Float64Array(cells.length)
  const testCounts = new Float64Array(cells.length)
  for (let i = 0; i < pattern.length; i += 1) {
    const cell = cellOfPoint[i]
    if (cell === undefined) continue
    const area = indexOfCell.get(cell)!
    if (pattern[i]! & BASE) baseCounts[area]! += 1
    if (pattern[i]! & TEST) testCounts[area]! += 1
  }
  return { cells, baseCounts, testCounts, pointsLeftOut }
}

function emptyPattern(points: PointSet, options: ChangeMethodOptions, which: 'base' | 'test') {
  if (options.split === 'category') {
    const present = [...new Set(points.category)].sort().slice(0, 20)
    const key = `${which}Category` as const
    return invalid({
      [key]: `No point with a position has the category '${options[key]}'; the categories present are ${present.join(', ') || 'none'}`,
    })
  }
  return invalid({
    [`${which}From`]: `No point with a position falls in the ${which} period, ${options[`${which}From`]} to ${options[`${which}To`]}`,
  })
}

function patternSpecification(
  options: ChangeMethodOptions,
  which: 'base' | 'test',
): Omit<PatternDescription, 'points'> {
  return options.split === 'period'
    ? { from: options[`${which}From`]!, to: options[`${which}To`]! }
    : { category: options[`${which}Category`]! }
}

function tally(sIndex: Int8Array, globalS: number, robustGlobalS: number) {
  let similarAreas = 0
  let areasHigherInTest = 0
  let areasLowerInTest = 0
  for (const value of sIndex) {
    if (value === 0) similarAreas += 1
    else if (value < 0) areasHigherInTest += 1
    else areasLowerInTest += 1
  }
  return { globalS, robustGlobalS, similarAreas, areasHigherInTest, areasLowerInTest }
}

function sum(counts: Float64Array): number {
  let total = 0
  for (const count of counts) total += count
  return total
}
