import { DomainError, invalid } from '../../../errors.ts'
import { defineMethod, type PointSet } from '../method.ts'
import { concentration, type Concentration } from './concentration.ts'
import { countsByArea, countsByCell, withSurroundingCells, type AreaTotal } from './counts.ts'
import {
  HARM_WEIGHT_TABLE,
  harmWeights,
  parseHarmWeights,
  pointHarm,
  unweightedCategories,
} from './harm-weights.ts'

export const COUNT_UNITS = ['h3', 'lsoa'] as const
export type CountUnit = (typeof COUNT_UNITS)[number]

export interface CountsOptions {
  readonly unit?: CountUnit
  readonly h3Resolution?: number
  readonly weighted?: boolean
  readonly top?: readonly number[]
  readonly studyRings?: number
  readonly harmWeights?: string
}

export interface CellTotal {
  readonly cell: string
  readonly count: number
  readonly harm: number
}

export interface ConcentrationPair {
  /** Over every cell of the study area, empty ones included. */
  readonly allPlaces: Concentration
  /** Over the cells with at least one incident. */
  readonly placesWithCrime: Concentration
}

export interface CountsResult {
  /** The places counted: H3 cells or LSOAs. */
  readonly unit: CountUnit
  /** H3 only (null for LSOAs). */
  readonly h3Resolution: number | null
  readonly studyRings: number | null
  /** 'harm' when weighted, else 'count': the measure cells are ordered by and the summary leads with. */
  readonly measure: 'harm' | 'count'
  readonly points: number
  /** Points in no place: without usable coordinates (H3), or without an LSOA code (LSOA). */
  readonly unplaced: number
  readonly total: { readonly count: number; readonly harm: number }
  /** Every cell of the study area, by the chosen measure (largest first), then by cell id. */
  readonly cells: readonly CellTotal[]
  /**
   * LSOA only (empty for H3): every LSOA named by a point, and every LSOA with a population and no
   * point, with rates per 1,000 residents where the population is loaded; ordered as cells.
   */
  readonly areas: readonly AreaTotal[]
  readonly concentration: { readonly count: ConcentrationPair; readonly harm: ConcentrationPair }
  /** The harm weight used per category, and where the defaults come from. */
  readonly weights: Readonly<Record<string, number>>
  readonly weightsSource: string
  /** Categories among the points with no weight in the table: they kept the points' own weight (1 by default). */
  readonly unweightedCategories: readonly string[]
}

interface Settings {
  unit: CountUnit
  h3Resolution: number
  weighted: boolean
  top: readonly number[]
  studyRings: number
  weights: Record<string, number>
}

const DEFAULTS = { unit: 'h3', h3Resolution: 9, weighted: true, top: [1, 5, 10], studyRings: 1 } as const

function problemsOf(options: CountsOptions): Record<string, string> {
  const problems: Record<string, string> = {}
  const unit = options.unit ?? DEFAULTS.unit
  if (!(COUNT_UNITS as readonly string[]).includes(unit)) {
    problems.unit = `The unit must be h3 (map cells) or lsoa (LSOAs), not '${String(unit)}'`
  }
  const resolution = options.h3Resolution ?? DEFAULTS.h3Resolution
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    problems.h3Resolution = `The H3 resolution must be a whole number from 0 to 15, not ${resolution}`
  }
  const rings = options.studyRings ?? DEFAULTS.studyRings
  if (!Number.isInteger(rings) || rings < 0 || rings > 5) {
    problems.studyRings = `The study area rings must be a whole number from 0 to 5, not ${rings}`
  }
  const top = options.top ?? DEFAULTS.top
  if (top.length === 0) problems.top = 'Give at least one top percentage, e.g. 1,5,10'
  const badPercent = top.find((percent) => !Number.isFinite(percent) || percent <= 0 || percent > 100)
  if (badPercent !== undefined) {
    problems.top = `Each top percentage must be more than 0 and at most 100, not ${badPercent}`
  }
  try {
    parseHarmWeights(options.harmWeights ?? '')
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(problems, error.fields)
  }
  return problems
}

function settingsOf(options: CountsOptions): Settings {
  const problems = problemsOf(options)
  if (Object.keys(problems).length > 0) {
    throw new DomainError('invalid', Object.values(problems)[0]!, problems)
  }
  return {
    unit: options.unit ?? DEFAULTS.unit,
    h3Resolution: options.h3Resolution ?? DEFAULTS.h3Resolution,
    weighted: options.weighted ?? DEFAULTS.weighted,
    top: options.top ?? DEFAULTS.top,
    studyRings: options.studyRings ?? DEFAULTS.studyRings,
    weights: options.harmWeights ? parseHarmWeights(options.harmWeights) : harmWeights(),
  }
}

/** Counts and harm per H3 cell or per LSOA, as the unit option says. */
export function countHarm(points: PointSet, options: CountsOptions = {}): CountsResult {
  return (options.unit ?? DEFAULTS.unit) === 'lsoa'
    ? countHarmByLsoa(points, options)
    : countHarmByCell(points, options)
}

/** Counts and harm per H3 cell, with how concentrated they are. Pure: points in, result out. */
export function countHarmByCell(points: PointSet, options: CountsOptions = {}): CountsResult {
  const settings = settingsOf({ ...options, unit: 'h3' })
  const harm = pointHarm(points, settings.weights)
  const occupied = countsByCell(points, harm, settings.h3Resolution)
  const studyArea = withSurroundingCells(occupied, settings.studyRings)
  const measure = settings.weighted ? 'harm' : 'count'

  const order = studyArea.places.map((_, i) => i)
  const key = settings.weighted ? studyArea.harm : studyArea.count
  order.sort((a, b) => key[b]! - key[a]! || (studyArea.places[a]! < studyArea.places[b]! ? -1 : 1))
  const cells = order.map((i) => ({
    cell: studyArea.places[i]!,
    count: studyArea.count[i]!,
    harm: studyArea.harm[i]!,
  }))

  const incidents = points.size - occupied.unplaced
  const pair = (all: Float64Array, withCrime: Float64Array): ConcentrationPair => ({
    allPlaces: concentration(all, settings.top, incidents),
    placesWithCrime: concentration(withCrime, settings.top, incidents),
  })
  return {
    unit: 'h3',
    h3Resolution: settings.h3Resolution,
    studyRings: settings.studyRings,
    measure,
    points: points.size,
    unplaced: occupied.unplaced,
    total: { count: incidents, harm: sumOf(occupied.harm) },
    cells,
    areas: [],
    concentration: {
      count: pair(studyArea.count, occupied.count),
      harm: pair(studyArea.harm, occupied.harm),
    },
    weights: settings.weights,
    weightsSource: `${HARM_WEIGHT_TABLE.basis}; ${HARM_WEIGHT_TABLE.edition}`,
    unweightedCategories: unweightedCategories(points, settings.weights),
  }
}

/**
 * Counts and harm per LSOA (the points' `area`), rates per 1,000 residents from `areaPopulation`,
 * and concentration over the LSOAs: "all places" are the LSOAs named by the points plus those with a
 * population and no point (the study area a population file describes), "places with crime" the first.
 */
export function countHarmByLsoa(points: PointSet, options: CountsOptions = {}): CountsResult {
  const settings = settingsOf({ ...options, unit: 'lsoa' })
  if (!points.area) {
    throw invalid({
      unit:
        'Counting by LSOA needs the LSOA code of each point, and these points have none: give a police.uk ' +
        "street file, an 'area' column (CSV) or property (GeoJSON), or count by h3",
    })
  }
  const harm = pointHarm(points, settings.weights)
  const population = points.areaPopulation
  const named = countsByArea(points.area, harm, population)
  const withCrime = named.areas
  const seen = new Set(withCrime.map((area) => area.area))
  const empty = Object.keys(population ?? {})
    .filter((code) => !seen.has(code))
    .map((code): AreaTotal => {
      const residents = population![code]!
      const rate = residents > 0 ? 0 : null
      return { area: code, count: 0, harm: 0, population: residents, countPer1000: rate, harmPer1000: rate }
    })
  const all = [...withCrime, ...empty]
  const key = settings.weighted ? 'harm' : 'count'
  all.sort((a, b) => b[key] - a[key] || (a.area < b.area ? -1 : 1))

  const incidents = points.size - named.unplaced
  const values = (areas: readonly AreaTotal[], measure: 'count' | 'harm') =>
    Float64Array.from(areas, (area) => area[measure])
  const pair = (measure: 'count' | 'harm'): ConcentrationPair => ({
    allPlaces: concentration(values(all, measure), settings.top, incidents),
    placesWithCrime: concentration(values(withCrime, measure), settings.top, incidents),
  })
  return {
    unit: 'lsoa',
    h3Resolution: null,
    studyRings: null,
    measure: settings.weighted ? 'harm' : 'count',
    points: points.size,
    unplaced: named.unplaced,
    total: { count: incidents, harm: sumOf(values(withCrime, 'harm')) },
    cells: [],
    areas: all,
    concentration: { count: pair('count'), harm: pair('harm') },
    weights: settings.weights,
    weightsSource: `${HARM_WEIGHT_TABLE.basis}; ${HARM_WEIGHT_TABLE.edition}`,
    unweightedCategories: unweightedCategories(points, settings.weights),
  }
}

function sumOf(values: Float64Array): number {
  let total = 0
  for (const value of values) total += value
  return total
}

const percentText = (share: number | null) => (share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`)

export const countsMethod = defineMethod<CountsOptions, CountsResult>({
  name: 'counts',
  title: 'Counts and harm',
  description:
    'Counts incidents and their harm (weighted by how severe each crime type is) in each map cell or LSOA, ' +
    'with rates per 1,000 residents where the population is loaded, and shows how concentrated they are: ' +
    'the share in the busiest places and the Gini coefficient.',
  options: [
    {
      key: 'unit',
      flag: 'unit',
      description:
        'The places counted: h3 (hexagonal map cells) or lsoa (Lower layer Super Output Areas, with rates per 1,000 residents where the population is loaded).',
      type: 'enum',
      choices: COUNT_UNITS,
      default: DEFAULTS.unit,
    },
    {
      key: 'h3Resolution',
      flag: 'h3-resolution',
      description:
        'Size of the hexagonal H3 cells: 9 is about 0.1 km² (a few streets), 8 about 0.7 km², 7 about 5 km².',
      type: 'integer',
      minimum: 0,
      maximum: 15,
      default: DEFAULTS.h3Resolution,
    },
    {
      key: 'weighted',
      flag: 'weighted',
      description:
        'Rank cells and lead the summary by harm (true) or by the plain count (false); both are always given.',
      type: 'boolean',
      default: DEFAULTS.weighted,
    },
    {
      key: 'top',
      flag: 'top',
      description: 'Top percentages of places whose share of the total is reported, e.g. 1,5,10.',
      type: 'number-list',
      minimum: 0,
      maximum: 100,
      default: DEFAULTS.top,
    },
    {
      key: 'studyRings',
      flag: 'study-rings',
      description:
        'H3 only. The study area for "all places": cells with incidents plus this many rings of cells around them, empty ones included.',
      type: 'integer',
      minimum: 0,
      maximum: 5,
      default: DEFAULTS.studyRings,
    },
    {
      key: 'harmWeights',
      flag: 'harm-weights',
      description:
        'Harm weights replacing the defaults, as category=weight pairs, e.g. burglary=117,anti-social-behaviour=0.',
      type: 'string',
      default: '',
    },
  ],
  check: problemsOf,
  run: (points, options) => countHarm(points, options),
  summarise: (result) => {
    const lead = result.concentration[result.measure]
    const places =
      result.unit === 'lsoa'
        ? `LSOAs; ${lead.allPlaces.places} LSOAs in all (with incidents or a known population), ` +
          `${result.areas.filter((area) => area.population !== null).length} with a population` +
          (result.unplaced > 0 ? `; ${result.unplaced} without an LSOA` : '')
        : `H3 cells at resolution ${result.h3Resolution}; study area ${lead.allPlaces.places} cells` +
          (result.unplaced > 0 ? `; ${result.unplaced} without coordinates` : '')
    const lines = [
      `${result.total.count} incidents (harm ${result.total.harm.toFixed(0)}) in ${lead.placesWithCrime.places} ${places}`,
      `By ${result.measure}, all places: Gini ${lead.allPlaces.gini?.toFixed(3) ?? 'n/a'}` +
        ` (generalised ${lead.allPlaces.generalisedGini?.toFixed(3) ?? 'n/a'}); ` +
        lead.allPlaces.top.map((top) => `top ${top.percent}% hold ${percentText(top.share)}`).join(', '),
      `By ${result.measure}, places with crime: Gini ${lead.placesWithCrime.gini?.toFixed(3) ?? 'n/a'}; ` +
        lead.placesWithCrime.top
          .map((top) => `top ${top.percent}% hold ${percentText(top.share)}`)
          .join(', '),
    ]
    return lines.join('\n')
  },
})
