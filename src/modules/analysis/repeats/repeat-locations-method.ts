import { DomainError } from '../../../errors.ts'
import { parseHarmWeights, pointHarm } from '../counts/harm-weights.ts'
import { defineMethod } from '../method.ts'
import {
  REPEAT_DEFAULTS,
  repeatLocationProblems,
  repeatLocations,
  type RepeatLocationOptions,
  type RepeatLocationResult,
} from './repeat-locations.ts'

export interface RepeatLocationMethodOptions extends Partial<RepeatLocationOptions> {
  readonly harmWeights?: string
}

function problemsOf(options: RepeatLocationMethodOptions): Record<string, string> {
  const problems = repeatLocationProblems(options)
  try {
    parseHarmWeights(options.harmWeights ?? '')
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(problems, error.fields)
  }
  return problems
}

export const repeatLocationsMethod = defineMethod<RepeatLocationMethodOptions, RepeatLocationResult>({
  name: 'repeat-locations',
  title: 'Repeat locations',
  description:
    'Finds the places with repeat incidents: at least a minimum number at the same point (or within a radius) ' +
    'inside a window of days, ranked by how many, then by harm, then by the most recent.',
  options: [
    {
      key: 'radius',
      flag: 'radius',
      description:
        '0 groups incidents at exactly the same map point; a distance in metres groups nearby points.',
      type: 'number',
      minimum: 0,
      maximum: 10_000,
      default: REPEAT_DEFAULTS.radius,
    },
    {
      key: 'windowDays',
      flag: 'window-days',
      description: 'Incidents count together when they fall within this many days (365: within a year).',
      type: 'integer',
      minimum: 1,
      maximum: 36_600,
      default: REPEAT_DEFAULTS.windowDays,
    },
    {
      key: 'minimum',
      flag: 'minimum',
      description: 'The fewest incidents in the window for a place to count as a repeat location.',
      type: 'integer',
      minimum: 2,
      default: REPEAT_DEFAULTS.minimum,
    },
    {
      key: 'limit',
      flag: 'limit',
      description: 'How many places to list, the top-ranked first.',
      type: 'integer',
      minimum: 1,
      maximum: 100_000,
      default: REPEAT_DEFAULTS.limit,
    },
    {
      key: 'harmWeights',
      flag: 'harm-weights',
      description: 'Harm weights replacing the defaults, as category=weight pairs, e.g. burglary=117.',
      type: 'string',
      default: '',
    },
  ],
  check: problemsOf,
  run: (points, options) => {
    const problems = problemsOf(options)
    if (Object.keys(problems).length > 0)
      throw new DomainError('invalid', Object.values(problems)[0]!, problems)
    const { harmWeights, ...repeatOptions } = options
    return repeatLocations(points, pointHarm(points, parseHarmWeights(harmWeights ?? '')), repeatOptions)
  },
  summarise: (result) => {
    const within = result.radius > 0 ? `within ${result.radius} m` : 'at the same point'
    const lines = [
      `${result.placesFound} places with ${result.minimum} or more incidents ${within} within ${result.windowDays} days` +
        (result.placesFound > result.places.length ? ` (top ${result.places.length} listed)` : ''),
    ]
    for (const place of result.places.slice(0, 10)) {
      lines.push(
        `${place.rank}. ${place.latitude.toFixed(6)}, ${place.longitude.toFixed(6)}: ${place.count} incidents, ` +
          `harm ${place.harm.toFixed(0)}, ${place.firstDate} to ${place.lastDate}`,
      )
    }
    return lines.join('\n')
  },
})
