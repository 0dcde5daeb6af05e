/**
 * Hotspot analysis on H3 cells: points → counts (or summed weights) per cell → study area (cells
 * with points plus K rings around them) → Gi* z and analytical p → conditional-permutation pseudo
 * p → Benjamini-Hochberg adjustment → hot/cold classes. The output is issue 4's fixed contract.
 */
import { latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import { defineMethod, type MethodContext, type PointSet } from '../method.ts'
import { benjaminiHochberg } from './false-discovery-rate.ts'
import { giStar, hotspotClass, type HotspotClass } from './gi-star.ts'
import { giStarPermutationInChunks } from './gi-star-parallel.ts'
import { h3RingNeighbours, h3StudyArea } from './neighbours.ts'

export interface GiStarOptions {
  readonly h3Resolution: number
  readonly rings: number
  readonly permutations: number
  readonly seed: number
  readonly weighted: boolean
}

export const GI_STAR_DEFAULTS: GiStarOptions = {
  h3Resolution: 9,
  rings: 1,
  permutations: 999,
  seed: 1,
  weighted: false,
}

export interface GiStarCell {
  readonly cell: string
  /** Points in the cell, or the sum of their weights when `weighted`. */
  readonly count: number
  readonly z: number
  readonly p: number
  /** null when permutations is 0. */
  readonly pPermutation: number | null
  /** Benjamini-Hochberg adjustment of `p` over all cells of the study area. */
  readonly pFdr: number
  readonly class: HotspotClass
}

export interface GiStarResult {
  readonly cells: GiStarCell[]
  readonly parameters: GiStarOptions
  readonly summary: {
    readonly points: number
    /** Points without a finite longitude and latitude, left out. */
    readonly pointsWithoutLocation: number
    readonly cells: number
    readonly cellsWithPoints: number
    readonly classes: Record<HotspotClass, number>
  }
}

const LIMITS = {
  h3Resolution: [5, 12],
  rings: [1, 10],
  permutations: [0, 99_999],
  seed: [0, Number.MAX_SAFE_INTEGER],
} as const

export function giStarOptionProblems(options: Partial<GiStarOptions>): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const [key, [minimum, maximum]] of Object.entries(LIMITS) as [
    keyof typeof LIMITS,
    readonly [number, number],
  ][]) {
    const value = options[key]
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < minimum || value > maximum) {
      problems[key] = `${key} must be a whole number from ${minimum} to ${maximum}, not ${String(value)}`
    }
  }
  if (options.weighted !== undefined && typeof options.weighted !== 'boolean') {
    problems.weighted = `weighted must be true or false, not ${String(options.weighted)}`
  }
  return problems
}

export async function giStarHotspots(
  points: PointSet,
  given: Partial<GiStarOptions>,
  context: MethodContext = {},
): Promise<GiStarResult> {
  const problems = giStarOptionProblems(given)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const options: GiStarOptions = { ...GI_STAR_DEFAULTS, ...given }
  const { progress, signal } = context
  signal?.throwIfAborted()

  const pointCells: string[] = []
  const pointWeights: number[] = []
  let pointsWithoutLocation = 0
  for (let i = 0; i < points.size; i++) {
    const latitude = points.latitude[i]!
    const longitude = points.longitude[i]!
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
      pointsWithoutLocation++
      continue
    }
    pointCells.push(latLngToCell(latitude, longitude, options.h3Resolution))
    pointWeights.push(options.weighted ? points.weight[i]! : 1)
  }
  const area = h3StudyArea(pointCells, options.rings)
  const counts = new Float64Array(area.cells.length)
  pointCells.forEach((cell, i) => (counts[area.index.get(cell)!]! += pointWeights[i]!))
  const neighbours = h3RingNeighbours(area.cells, options.rings)
  const { z, p } = giStar(counts, neighbours)
  const pFdr = benjaminiHochberg(p)
  progress?.(0.05, 'gi-star')

  let pPermutation: Float64Array | null = null
  if (options.permutations > 0 && counts.length > 0) {
    // On both cores for long runs (gi-star-parallel.ts); the same p-values as in one thread.
    pPermutation = await giStarPermutationInChunks(counts, neighbours, options, {
      progress: (fraction) => progress?.(0.05 + 0.95 * fraction, 'permutations'),
      signal,
    })
  }

  const classes: Record<HotspotClass, number> = {
    'hot-99': 0,
    'hot-95': 0,
    'hot-90': 0,
    'not-significant': 0,
    'cold-90': 0,
    'cold-95': 0,
    'cold-99': 0,
  }
  const cells = area.cells.map((cell, i): GiStarCell => {
    const hotspot = hotspotClass(z[i]!, pFdr[i]!)
    classes[hotspot]++
    return {
      cell,
      count: counts[i]!,
      z: z[i]!,
      p: p[i]!,
      pPermutation: pPermutation ? pPermutation[i]! : null,
      pFdr: pFdr[i]!,
      class: hotspot,
    }
  })
  progress?.(1, 'done')
  return {
    cells,
    parameters: options,
    summary: {
      points: points.size,
      pointsWithoutLocation,
      cells: cells.length,
      cellsWithPoints: new Set(pointCells).size,
      classes,
    },
  }
}

export const giStarMethod = defineMethod<GiStarOptions, GiStarResult>({
  name: 'gi-star',
  title: 'Hotspots (Getis-Ord Gi*)',
  description:
    'Finds H3 cells where incidents cluster more (hot) or less (cold) than chance would give, comparing each ' +
    'cell and its neighbours within a number of rings with the whole study area, with false-discovery-rate control.',
  options: [
    {
      key: 'h3Resolution',
      flag: 'h3-resolution',
      description:
        'H3 cell size: at 9 hexagons have edges of about 174 m (0.1 km²); each step up makes them about 2.6 times narrower.',
      type: 'integer',
      minimum: LIMITS.h3Resolution[0],
      maximum: LIMITS.h3Resolution[1],
      default: GI_STAR_DEFAULTS.h3Resolution,
    },
    {
      key: 'rings',
      flag: 'rings',
      description: 'Neighbours of a cell: every cell within this many rings around it, the cell included.',
      type: 'integer',
      minimum: LIMITS.rings[0],
      maximum: LIMITS.rings[1],
      default: GI_STAR_DEFAULTS.rings,
    },
    {
      key: 'permutations',
      flag: 'permutations',
      description: 'Random permutations for the pseudo p-value (0: analytical p-values only).',
      type: 'integer',
      minimum: LIMITS.permutations[0],
      maximum: LIMITS.permutations[1],
      default: GI_STAR_DEFAULTS.permutations,
    },
    {
      key: 'seed',
      flag: 'seed',
      description: 'Seed of the random permutations: the same seed gives the same result.',
      type: 'integer',
      minimum: LIMITS.seed[0],
      maximum: LIMITS.seed[1],
      default: GI_STAR_DEFAULTS.seed,
    },
    {
      key: 'weighted',
      flag: 'weighted',
      description: 'Sum the points’ harm weights per cell instead of counting them.',
      type: 'boolean',
      default: GI_STAR_DEFAULTS.weighted,
    },
  ],
  check: giStarOptionProblems,
  run: giStarHotspots,
  summarise: (result) => {
    const { summary, parameters } = result
    const { classes } = summary
    return [
      `${summary.cells} H3 cells at resolution ${parameters.h3Resolution} (${summary.cellsWithPoints} with points), ${parameters.rings} ring(s) of neighbours`,
      `hot: ${classes['hot-99']} at 99%, ${classes['hot-95']} at 95%, ${classes['hot-90']} at 90% (FDR-adjusted)`,
      `cold: ${classes['cold-99']} at 99%, ${classes['cold-95']} at 95%, ${classes['cold-90']} at 90% (FDR-adjusted)`,
      parameters.permutations > 0
        ? `pseudo p-values from ${parameters.permutations} conditional permutations, seed ${parameters.seed}`
        : 'analytical p-values only',
    ].join('\n')
  },
})
