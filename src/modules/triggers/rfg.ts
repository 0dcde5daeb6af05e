import { dayNumber } from './timeline.ts'

/**
 * Recency-Frequency-Gravity (RFG): the way Integrated Offender Management (IOM) schemes in
 * England and Wales rank offenders for a cohort. Local schemes differ in their numbers, so the
 * scheme is part of each rule (a force sets its own), and a score always carries its three parts.
 *
 *   recency   points of the first band the most recent offence falls in (fewer than withinDays
 *             days before the date of the score)
 *   frequency points per distinct offence (incident) in the look-back window, up to a cap
 *   gravity   each offence's gravity on the 1 (low) to 4 (high) scale of the ACPO gravity factor
 *             matrices (2013), from its category; summed, or the highest taken
 *   total     recency + frequency + gravity
 */
export interface RecencyBand {
  withinDays: number
  points: number
}

export interface RfgScheme {
  recencyBands: readonly RecencyBand[]
  frequencyPointsPerOffence: number
  /** The most frequency can add, or null for no cap. */
  frequencyCap: number | null
  gravityByCategory: Readonly<Record<string, number>>
  defaultGravity: number
  gravityCombination: 'sum' | 'highest'
}

export interface RfgOffence {
  incidentId: number
  date: string
  categoryCode: string
}

export interface RfgScore {
  recency: number
  frequency: number
  gravity: number
  total: number
  offences: number
}

/**
 * The scheme shipped with Upstream. The recency bands (about 1, 3, 6, 9 and 12 months, in days) and the 1-4
 * gravity scale follow the shape IOM schemes publish; the points and the grading of the police.uk
 * categories are ours, to be replaced by a partnership's own matrix. Documented with a worked
 * example in docs/triggers/README.md and test/fixtures/triggers/rfg-worked-example.json.
 */
export const DEFAULT_RFG_SCHEME: RfgScheme = {
  recencyBands: [
    { withinDays: 30, points: 5 },
    { withinDays: 91, points: 4 },
    { withinDays: 182, points: 3 },
    { withinDays: 273, points: 2 },
    { withinDays: 365, points: 1 },
  ],
  frequencyPointsPerOffence: 2,
  frequencyCap: 20,
  gravityByCategory: {
    robbery: 4,
    'violent-crime': 3,
    burglary: 3,
    'possession-of-weapons': 3,
    'criminal-damage-arson': 2,
    drugs: 2,
    'theft-from-the-person': 2,
    'vehicle-crime': 2,
    'public-order': 2,
    'other-crime': 2,
    shoplifting: 1,
    'bicycle-theft': 1,
    'other-theft': 1,
  },
  defaultGravity: 1,
  gravityCombination: 'sum',
}

/**
 * The RFG score on a date of offences already chosen by the rule (inside its window, on or
 * before the date). Offences that share an incident count once, at their highest gravity.
 */
export function rfgScore(offences: readonly RfgOffence[], scoredOn: string, scheme: RfgScheme): RfgScore {
  const scoredDay = dayNumber(scoredOn)
  if (scoredDay === null) throw new Error(`rfgScore: '${scoredOn}' is not a date`)
  const byIncident = new Map<number, { day: number; gravity: number }>()
  for (const offence of offences) {
    const day = dayNumber(offence.date)
    if (day === null)
      throw new Error(`rfgScore: incident ${offence.incidentId} has no valid date ('${offence.date}')`)
    const gravity = Object.hasOwn(scheme.gravityByCategory, offence.categoryCode)
      ? scheme.gravityByCategory[offence.categoryCode]!
      : scheme.defaultGravity
    const seen = byIncident.get(offence.incidentId)
    byIncident.set(offence.incidentId, {
      day: Math.max(seen?.day ?? -Infinity, day),
      gravity: Math.max(seen?.gravity ?? 0, gravity),
    })
  }
  if (byIncident.size === 0) return { recency: 0, frequency: 0, gravity: 0, total: 0, offences: 0 }
  const incidents = [...byIncident.values()]
  const daysSinceLatest = scoredDay - Math.max(...incidents.map((incident) => incident.day))
  const band = scheme.recencyBands.find((candidate) => daysSinceLatest < candidate.withinDays)
  const recency = daysSinceLatest >= 0 && band ? band.points : 0
  const uncapped = incidents.length * scheme.frequencyPointsPerOffence
  const frequency = scheme.frequencyCap === null ? uncapped : Math.min(uncapped, scheme.frequencyCap)
  const gravities = incidents.map((incident) => incident.gravity)
  const gravity =
    scheme.gravityCombination === 'sum'
      ? gravities.reduce((sum, value) => sum + value, 0)
      : Math.max(...gravities)
  return { recency, frequency, gravity, total: recency + frequency + gravity, offences: incidents.length }
}

export interface RuleProblem {
  path: string
  message: string
}

const SCHEME_FIELDS = [
  'recencyBands',
  'frequencyPointsPerOffence',
  'frequencyCap',
  'gravityByCategory',
  'defaultGravity',
  'gravityCombination',
]

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isPoints = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000

const isGravity = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 4

/** Checks an RFG scheme written in a rule; every problem names its path under `at`. */
export function rfgSchemeProblems(value: unknown, at: string, windowDays: number | null): RuleProblem[] {
  const problems: RuleProblem[] = []
  const add = (path: string, message: string) => problems.push({ path: `${at}.${path}`, message })
  if (!isRecord(value)) return [{ path: at, message: 'must be an object with the scheme’s bands and points' }]
  for (const field of Object.keys(value)) {
    if (!SCHEME_FIELDS.includes(field))
      add(field === '' ? "''" : field, `unknown field (known: ${SCHEME_FIELDS.join(', ')})`)
  }
  const bands = value.recencyBands
  if (!Array.isArray(bands) || bands.length === 0 || bands.length > 20) {
    add('recencyBands', 'must be a list of 1 to 20 bands { withinDays, points }')
  } else {
    let previous = 0
    bands.forEach((band: unknown, index) => {
      const path = `recencyBands[${index}]`
      if (!isRecord(band)) return add(path, 'must be an object { withinDays, points }')
      for (const field of Object.keys(band)) {
        if (field !== 'withinDays' && field !== 'points')
          add(`${path}.${field === '' ? "''" : field}`, 'unknown field (known: withinDays, points)')
      }
      const within = band.withinDays
      if (!Number.isInteger(within) || (within as number) < 1) {
        add(`${path}.withinDays`, 'must be a whole number of days, at least 1')
      } else {
        if ((within as number) <= previous)
          add(`${path}.withinDays`, `must be more than the band before (${previous})`)
        if (windowDays !== null && (within as number) > windowDays) {
          add(
            `${path}.withinDays`,
            `${String(within)} days reaches past the look-back window of ${windowDays} days`,
          )
        }
        previous = within as number
      }
      if (!isPoints(band.points)) add(`${path}.points`, 'must be a number of points from 0 to 1000')
    })
  }
  if (!isPoints(value.frequencyPointsPerOffence))
    add('frequencyPointsPerOffence', 'must be a number of points from 0 to 1000')
  if (value.frequencyCap !== null && !isPoints(value.frequencyCap)) {
    add('frequencyCap', 'must be a number of points from 0 to 1000, or null for no cap')
  }
  if (!isRecord(value.gravityByCategory)) {
    add('gravityByCategory', 'must be an object from category code to a gravity of 1 to 4')
  } else {
    for (const [code, gravity] of Object.entries(value.gravityByCategory)) {
      if (code.trim() === '') add("gravityByCategory.''", 'a category code must not be empty')
      else if (!isGravity(gravity)) add(`gravityByCategory.${code}`, 'must be a gravity of 1, 2, 3 or 4')
    }
  }
  if (!isGravity(value.defaultGravity)) add('defaultGravity', 'must be a gravity of 1, 2, 3 or 4')
  if (value.gravityCombination !== 'sum' && value.gravityCombination !== 'highest') {
    add('gravityCombination', "must be 'sum' or 'highest'")
  }
  return problems
}
