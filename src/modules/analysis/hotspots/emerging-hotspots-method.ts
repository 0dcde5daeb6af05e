/**
 * Emerging hot spots on H3 cells: points → H3 cells × time slices (calendar months or ISO weeks) →
 * Gi* per slice → Mann-Kendall trend of each cell's z-scores → ArcGIS's emerging hot spot
 * categories. The study area is gi-star's: every cell holding a point in any slice plus every cell
 * within K rings of one. Definitions and decisions: docs/analysis/emerging-hotspots.md.
 */
import { latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import {
  h3ResolutionOption,
  ringsOption,
  weightedOption,
  wholeNumberAndWeightedProblems,
} from '../common-options.ts'
import { defineMethod, type MethodContext, type PointSet } from '../method.ts'
import {
  EMERGING_CATEGORIES,
  emergingHotspots,
  spaceTimeCube,
  timeSlicing,
  type EmergingCategory,
  type GlobalWindow,
  type SliceUnit,
  type TimeSlice,
} from './emerging-hotspots.ts'
import { h3RingNeighbours, h3StudyArea } from './neighbours.ts'

export interface EmergingHotspotsOptions {
  readonly h3Resolution: number
  readonly rings: number
  readonly slice: SliceUnit
  readonly timeWindow: number
  readonly globalWindow: GlobalWindow
  readonly confidence: number
  /** Benjamini-Hochberg adjustment of the bins' p-values within each slice before they are called significant. */
  readonly fdr: boolean
  readonly weighted: boolean
}

export const EMERGING_HOTSPOTS_DEFAULTS: EmergingHotspotsOptions = {
  h3Resolution: 8,
  rings: 1,
  slice: 'month',
  timeWindow: 1,
  globalWindow: 'cube',
  confidence: 90,
  fdr: false,
  weighted: false,
}

export interface EmergingHotspotCell {
  readonly cell: string
  /** Points in the cell per slice (the sum of their weights when `weighted`), oldest slice first. */
  readonly counts: number[]
  /** Gi* z-score per slice. */
  readonly z: number[]
  /** With `fdr` only: each slice's p-value adjusted over the cells of that slice (Benjamini-Hochberg). */
  readonly pFdr?: number[]
  /** Mann-Kendall trend of `z`: Kendall's tau-b, continuity-corrected Z and its two-sided p. */
  readonly trend: { readonly tau: number; readonly z: number; readonly p: number }
  readonly category: EmergingCategory
}

export interface EmergingHotspotsResult {
  readonly slices: TimeSlice[]
  readonly cells: EmergingHotspotCell[]
  readonly parameters: EmergingHotspotsOptions
  readonly summary: {
    readonly points: number
    /** Points without a finite longitude and latitude, left out. */
    readonly pointsWithoutLocation: number
    readonly cells: number
    readonly cellsWithPoints: number
    readonly categories: Record<EmergingCategory, number>
  }
  /** Things a reader should know before trusting the categories (few slices, no points). */
  readonly warnings: string[]
}

const LIMITS = {
  h3Resolution: [5, 12],
  rings: [1, 10],
  timeWindow: [1, 24],
} as const

const CONFIDENCE_LEVELS = [90, 95, 99]

/** Bins (cells × slices) above which a run would take too much memory for a shared machine. */
export const MAXIMUM_BINS = 20_000_000

/** ArcGIS's categories need this many slices before "90% of slices" is not simply "every slice". */
const FEW_SLICES = 10

export function emergingHotspotsOptionProblems(
  options: Partial<EmergingHotspotsOptions>,
): Record<string, string> {
  const problems = wholeNumberAndWeightedProblems(options, LIMITS)
  if (options.slice !== undefined && options.slice !== 'week' && options.slice !== 'month') {
    problems.slice = `slice must be week or month, not ${String(options.slice)}`
  }
  if (
    options.globalWindow !== undefined &&
    options.globalWindow !== 'cube' &&
    options.globalWindow !== 'window'
  ) {
    problems.globalWindow = `globalWindow must be cube or window, not ${String(options.globalWindow)}`
  }
  if (options.confidence !== undefined && !CONFIDENCE_LEVELS.includes(options.confidence)) {
    problems.confidence = `confidence must be 90, 95 or 99 (percent), not ${String(options.confidence)}`
  }
  if (options.fdr !== undefined && typeof options.fdr !== 'boolean') {
    problems.fdr = `fdr must be true or false, not ${String(options.fdr)}`
  }
  return problems
}

export async function emergingHotspotsOnCells(
  points: PointSet,
  given: Partial<EmergingHotspotsOptions>,
  context: MethodContext = {},
): Promise<EmergingHotspotsResult> {
  const problems = emergingHotspotsOptionProblems(given)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const options: EmergingHotspotsOptions = { ...EMERGING_HOTSPOTS_DEFAULTS, ...given }
  const { progress, signal } = context
  signal?.throwIfAborted()

  const located: number[] = []
  const pointCells: string[] = []
  for (let i = 0; i < points.size; i++) {
    const latitude = points.latitude[i]!
    const longitude = points.longitude[i]!
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) continue
    located.push(i)
    pointCells.push(latLngToCell(latitude, longitude, options.h3Resolution))
  }
  const pointsWithoutLocation = points.size - located.length
  const area = h3StudyArea(pointCells, options.rings)
  const days = Int32Array.from(located, (i) => points.day[i]!)
  const { slices, sliceOfPoint } = timeSlicing(days, options.slice)
  const cellCount = area.cells.length
  if (cellCount * slices.length > MAXIMUM_BINS) {
    throw invalid({
      slice:
        `${cellCount} cells × ${slices.length} ${options.slice}s is ${cellCount * slices.length} space-time bins, ` +
        `more than ${MAXIMUM_BINS}: use months rather than weeks, a coarser h3Resolution or a shorter period`,
    })
  }
  const cellOfPoint = Int32Array.from(pointCells, (cell) => area.index.get(cell)!)
  const weights = options.weighted ? Float64Array.from(located, (i) => points.weight[i]!) : undefined
  const cube = spaceTimeCube(cellOfPoint, sliceOfPoint, weights, cellCount, slices.length)
  const neighbours = h3RingNeighbours(area.cells, options.rings)
  progress?.(0.05, 'space-time cube')

  const result = await emergingHotspots(cube, neighbours, {
    timeWindow: options.timeWindow,
    globalWindow: options.globalWindow,
    confidence: options.confidence,
    fdr: options.fdr,
    signal,
    progress: (slice) =>
      progress?.(0.05 + (0.9 * (slice + 1)) / slices.length, `gi-star ${slices[slice]!.label}`),
  })

  const categories = Object.fromEntries(EMERGING_CATEGORIES.map((category) => [category, 0])) as Record<
    EmergingCategory,
    number
  >
  const cells = area.cells.map((cell, i): EmergingHotspotCell => {
    const counts = new Array<number>(slices.length)
    const z = new Array<number>(slices.length)
    for (let slice = 0; slice < slices.length; slice++) {
      counts[slice] = cube.values[slice * cellCount + i]!
      z[slice] = result.z[slice * cellCount + i]!
    }
    const pFdr = result.pFdr
    const category = result.category[i]!
    categories[category]++
    return {
      cell,
      counts,
      z,
      ...(pFdr
        ? { pFdr: Array.from({ length: slices.length }, (_, slice) => pFdr[slice * cellCount + i]!) }
        : {}),
      trend: { tau: result.trendTau[i]!, z: result.trendZ[i]!, p: result.trendP[i]! },
      category,
    }
  })
  progress?.(1, 'done')
  return {
    slices,
    cells,
    parameters: options,
    summary: {
      points: points.size,
      pointsWithoutLocation,
      cells: cellCount,
      cellsWithPoints: new Set(pointCells).size,
      categories,
    },
    warnings: warningsFor(slices.length, located.length),
  }
}

function warningsFor(sliceCount: number, locatedPoints: number): string[] {
  if (locatedPoints === 0) return ['There are no points with a location, so there is nothing to analyse.']
  if (sliceCount >= FEW_SLICES) return []
  return [
    `Only ${sliceCount} time slice(s): with fewer than ${FEW_SLICES}, "90% of slices" means every slice and ` +
      'the trend test can rarely reach significance. Use a longer period (or weeks, if the dates are exact days).',
  ]
}

export const emergingHotspotsMethod = defineMethod<EmergingHotspotsOptions, EmergingHotspotsResult>({
  name: 'emerging-hotspots',
  title: 'Emerging hotspots',
  description:
    'Finds how hotspots change over time: Gi* hotspots on H3 cells in every month or week, a trend test per ' +
    'cell, and each cell named as a new, consecutive, intensifying, persistent, diminishing, sporadic, ' +
    'oscillating or historical hot (or cold) spot, as in ArcGIS’s Emerging Hot Spot Analysis.',
  options: [
    h3ResolutionOption(
      LIMITS.h3Resolution,
      EMERGING_HOTSPOTS_DEFAULTS.h3Resolution,
      'H3 cell size: at 8 a cell is about 0.7 km² (edges about 460 m); each step up is 7 times smaller in area.',
    ),
    ringsOption(LIMITS.rings, EMERGING_HOTSPOTS_DEFAULTS.rings),
    {
      key: 'slice',
      flag: 'slice',
      description:
        'Time slices: calendar months, or ISO weeks from Monday to Sunday (police.uk data has months only).',
      type: 'enum',
      choices: ['month', 'week'],
      default: EMERGING_HOTSPOTS_DEFAULTS.slice,
    },
    {
      key: 'timeWindow',
      flag: 'time-window',
      description:
        'Slices each hotspot test looks at: the slice itself and the ones before it (1: the slice alone).',
      type: 'integer',
      minimum: LIMITS.timeWindow[0],
      maximum: LIMITS.timeWindow[1],
      default: EMERGING_HOTSPOTS_DEFAULTS.timeWindow,
    },
    {
      key: 'globalWindow',
      flag: 'global-window',
      description:
        'What each cell and slice is compared with: cube = every cell in every slice (as ArcGIS does by default, ' +
        'so a place where crime keeps rising intensifies); window = the cells of the same slices only (how ' +
        'concentrated crime is at the time, whatever the overall level).',
      type: 'enum',
      choices: ['cube', 'window'],
      default: EMERGING_HOTSPOTS_DEFAULTS.globalWindow,
    },
    {
      key: 'confidence',
      flag: 'confidence',
      description: 'Confidence level in percent for hot and cold spots and for trends: 90, 95 or 99.',
      type: 'integer',
      minimum: 90,
      maximum: 99,
      default: EMERGING_HOTSPOTS_DEFAULTS.confidence,
    },
    {
      key: 'fdr',
      flag: 'fdr',
      description:
        'Correct for testing every cell: a cell and month (or week) is a hot or cold spot only if it stays ' +
        'significant after the false discovery rate correction (Benjamini-Hochberg) over the cells of that ' +
        'slice, as ArcGIS’s “Apply False Discovery Rate correction”. Fewer, surer hot and cold spots.',
      type: 'boolean',
      default: EMERGING_HOTSPOTS_DEFAULTS.fdr,
    },
    weightedOption(
      EMERGING_HOTSPOTS_DEFAULTS.weighted,
      'Sum the points’ harm weights per cell and slice instead of counting them.',
    ),
  ],
  check: emergingHotspotsOptionProblems,
  run: emergingHotspotsOnCells,
  summarise: (result) => {
    const { summary, parameters, slices } = result
    const found = EMERGING_CATEGORIES.filter(
      (category) => category !== 'no-pattern' && summary.categories[category] > 0,
    )
    const period =
      slices.length > 0 ? `${slices[0]!.label} to ${slices[slices.length - 1]!.label}` : 'no period'
    return [
      `${summary.cells} H3 cells at resolution ${parameters.h3Resolution} (${summary.cellsWithPoints} with points), ` +
        `${parameters.rings} ring(s), ${slices.length} ${parameters.slice}s (${period}), time window ${parameters.timeWindow}, ` +
        `compared with the ${parameters.globalWindow === 'cube' ? 'whole cube' : 'time window'}, ${parameters.confidence}% confidence` +
        (parameters.fdr ? ' (FDR-adjusted per slice)' : ''),
      found.length > 0
        ? found.map((category) => `${category}: ${summary.categories[category]}`).join(', ')
        : 'no emerging hot or cold spots',
      `no pattern: ${summary.categories['no-pattern']}`,
      ...result.warnings,
    ].join('\n')
  },
})
