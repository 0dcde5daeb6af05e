import { DomainError } from '../../../errors.ts'
import { defineMethod, type PointSet } from '../method.ts'
import { concentration, type Concentration } from './concentration.ts'
import { countsByCell, withSurroundingCells } from './counts.ts'
import {
  HARM_WEIGHT_TABLE,
  harmWeights,
  parseHarmWeights,
  pointHarm,
  unweightedCategories,
} from './harm-weights.ts'

export interface CountsOptions {
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
  readonly h3Resolution: number
  readonly studyRings: number
  /** 'harm' when weighted, else 'count': the measure cells are ordered by and the summary leads with. */
  readonly measure: 'harm' | 'count'
  readonly points: number
  /** Points without usable coordinates, in no cell. */
  readonly unplaced: number
  readonly total: { readonly count: number; readonly harm: number }
  /** Every cell of the study area, by the chosen measure (largest first), then by cell id. */
  readonly cells: readonly CellTotal[]
  readonly concentration: { readonly count: ConcentrationPair; readonly harm: ConcentrationPair }
  /** The harm weight used per category, and where the defaults come from. */
  readonly weights: Readonly<Record<string, number>>
  readonly weightsSource: string
  /** Categories among the points with no weight in the table: they kept the points' own weight (1 by default). */
  readonly unweightedCategories: readonly string[]
}

interface Settings {
  h3Resolution: number
  weighted: boolean
  top: readonly number[]
  studyRings: number
  weights: Record<string, number>
}

const DEFAULTS = { h3Resolution: 9, weighted: true, top: [1, 5, 10], studyRings: 1 } as const

function problemsOf(options: CountsOptions): Record<string, string> {
  const problems: Record<string, string> = {}
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
    h3Resolution: options.h3Resolution ?? DEFAULTS.h3Resolution,
    weighted: options.weighted ?? DEFAULTS.weighted,
    top: options.top ?? DEFAULTS.top,
    studyRings: options.studyRings ?? DEFAULTS.studyRings,
    weights: options.harmWeights ? parseHarmWeights(options.harmWeights) : harmWeights(),
  }
}

/** Counts and harm per H3 cell, with how concentrated they are. Pure: points in, result out. */
export function countHarmByCell(points: PointSet, options: CountsOptions = {}): CountsResult {
  const settings = settingsOf(options)
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
    h3Resolution: settings.h3Resolution,
    studyRings: settings.studyRings,
    measure,
    points: points.size,
    unplaced: occupied.unplaced,
    total: { count: incidents, harm: sumOf(occupied.harm) },
    cells,
    concentration: {
      count: pair(studyArea.count, occupied.count),
      harm: pair(studyArea.harm, occupied.harm),
    },
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
    'Counts incidents and their harm (weighted by how severe each crime type is) in each map cell, ' +
    'and shows how concentrated they are: the share in the busiest places and the Gini coefficient.',
  options: [
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
        'The study area for "all places": cells with incidents plus this many rings of cells around them, empty ones included.',
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
  run: (points, options) => countHarmByCell(points, options),
  summarise: (result) => {
    const lead = result.concentration[result.measure]
    const lines = [
      `${result.total.count} incidents (harm ${result.total.harm.toFixed(0)}) in ${lead.placesWithCrime.places} ` +
        `H3 cells at resolution ${result.h3Resolution}; study area ${lead.allPlaces.places} cells` +
        (result.unplaced > 0 ? `; ${result.unplaced} without coordinates` : ''),
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
