/**
 * Near-repeat risk for a neighbourhood team: from a Knox test over the history, the distance and
 * the number of days over which incidents are followed by more than chance would give, applied to
 * each of the latest incidents as "around here, until then".
 *
 * A band pair signals heightened risk when its Knox p-value is below `significance` and its
 * Knox ratio is at least `minimumRatio` (1.2 by default: 20% more pairs than chance, so that a tiny
 * but significant excess in a large data set is not briefed as risk; Ratcliffe's Near Repeat
 * Calculator likewise reports only a "significant and meaningful" pattern).
 * The radius is the upper end of the furthest such space band, the risk period ends at the upper end
 * of the longest such time band: each taken separately over all signalling band pairs, a
 * deliberately generous reading for a patrol briefing.
 */
import { invalid } from '../../../errors.ts'
import type { PointSet } from '../method.ts'
import type { KnoxBand } from './knox.ts'

export interface NearRepeatRiskOptions {
  /** The latest incidents are those in this many days up to the latest date in the data. */
  readonly days: number
  readonly significance: number
  readonly minimumRatio: number
}

export const NEAR_REPEAT_RISK_DEFAULTS: NearRepeatRiskOptions = {
  days: 14,
  significance: 0.05,
  minimumRatio: 1.2,
}

export interface RiskIncident {
  readonly reference: string
  readonly category: string
  readonly longitude: number
  readonly latitude: number
  /** YYYY-MM-DD. */
  readonly date: string
  readonly radiusMetres: number
  /** The last day of heightened risk, YYYY-MM-DD. */
  readonly until: string
  /** Whether the risk period still runs on the latest date in the data. */
  readonly activeOnLatestDate: boolean
}

export interface NearRepeatRiskResult {
  /** The latest date in the data and the first date counted as latest (YYYY-MM-DD), null without data. */
  readonly latestDate: string | null
  readonly fromDate: string | null
  readonly significance: number
  readonly minimumRatio: number
  /** The band pairs that signal heightened risk. */
  readonly riskBands: KnoxBand[]
  /** Radius of heightened risk around each incident, null when no band pair signals risk. */
  readonly radiusMetres: number | null
  /** Days after an incident (0: the same day only) that are still at heightened risk. */
  readonly riskDays: number | null
  /** The latest incidents, newest first, each with its area and period; empty when no risk. */
  readonly incidents: RiskIncident[]
  /** The whole Knox table behind the risk. */
  readonly bands: KnoxBand[]
}

export function nearRepeatRiskProblems(
  options: Partial<Record<keyof NearRepeatRiskOptions, unknown>>,
): Record<string, string> {
  const problems: Record<string, string> = {}
  const { days, significance, minimumRatio } = { ...NEAR_REPEAT_RISK_DEFAULTS, ...options }
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 36_600) {
    problems.days = `Days must be a whole number from 1 to 36600 (${String(days)} given)`
  }
  if (typeof significance !== 'number' || !(significance > 0 && significance < 1)) {
    problems.significance = `Significance must be a number between 0 and 1, such as 0.05 (${String(significance)} given)`
  }
  if (typeof minimumRatio !== 'number' || !Number.isFinite(minimumRatio) || minimumRatio < 1) {
    problems.minimumRatio = `The minimum Knox ratio must be a number of at least 1, such as 1.2 (${String(minimumRatio)} given)`
  }
  return problems
}

const isoDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10)

export function nearRepeatRisk(
  points: PointSet,
  bands: KnoxBand[],
  options: Partial<NearRepeatRiskOptions> = {},
): NearRepeatRiskResult {
  const problems = nearRepeatRiskProblems(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const { days, significance, minimumRatio } = { ...NEAR_REPEAT_RISK_DEFAULTS, ...options }
  const riskBands = bands.filter(
    (band) => band.p < significance && band.ratio !== null && band.ratio >= minimumRatio,
  )
  let latestDay = -Infinity
  for (const day of points.day) latestDay = Math.max(latestDay, day)
  if (points.size === 0) {
    return {
      latestDate: null,
      fromDate: null,
      significance,
      minimumRatio,
      riskBands,
      radiusMetres: null,
      riskDays: null,
      incidents: [],
      bands,
    }
  }
  const fromDay = latestDay - days + 1
  const common = {
    latestDate: isoDate(latestDay),
    fromDate: isoDate(fromDay),
    significance,
    minimumRatio,
    riskBands,
    bands,
  }
  if (riskBands.length === 0) return { ...common, radiusMetres: null, riskDays: null, incidents: [] }

  const radiusMetres = Math.max(...riskBands.map((band) => band.space[1]))
  // Time bands are [lo, hi) in whole days, so the last day inside one is ceil(hi) - 1 days on.
  const riskDays = Math.max(...riskBands.map((band) => Math.ceil(band.time[1]) - 1))
  const latest: number[] = []
  for (let i = 0; i < points.size; i++) if (points.day[i]! >= fromDay) latest.push(i)
  latest.sort((a, b) => points.day[b]! - points.day[a]! || a - b)
  const incidents = latest.map((i) => ({
    reference: points.reference[i]!,
    category: points.category[i]!,
    longitude: points.longitude[i]!,
    latitude: points.latitude[i]!,
    date: isoDate(points.day[i]!),
    radiusMetres,
    until: isoDate(points.day[i]! + riskDays),
    activeOnLatestDate: points.day[i]! + riskDays >= latestDay,
  }))
  return { ...common, radiusMetres, riskDays, incidents }
}
