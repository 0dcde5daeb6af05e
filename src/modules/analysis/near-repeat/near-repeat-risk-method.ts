import { invalid } from '../../../errors.ts'
import { defineMethod } from '../method.ts'
import { knoxOptionProblems, knoxTest } from './knox.ts'
import { KNOX_METHOD_OPTIONS, type NearRepeatOptions } from './near-repeat-method.ts'
import {
  NEAR_REPEAT_RISK_DEFAULTS,
  nearRepeatRisk,
  nearRepeatRiskProblems,
  type NearRepeatRiskOptions,
  type NearRepeatRiskResult,
} from './near-repeat-risk.ts'

export type NearRepeatRiskMethodOptions = NearRepeatOptions & NearRepeatRiskOptions

const problemsOf = (options: NearRepeatRiskMethodOptions) => ({
  ...knoxOptionProblems(options),
  ...nearRepeatRiskProblems(options),
})

export const nearRepeatRiskMethod = defineMethod<NearRepeatRiskMethodOptions, NearRepeatRiskResult>({
  name: 'near-repeat-risk',
  title: 'Near-repeat risk',
  description:
    'For the latest incidents, the area and the days of heightened risk of a follow-up incident nearby, ' +
    'from the distance and time bands where the Knox test finds clearly more pairs than chance.',
  options: [
    ...KNOX_METHOD_OPTIONS,
    {
      key: 'days',
      flag: 'days',
      description: 'The latest incidents are those of this many days up to the latest date in the data.',
      type: 'integer',
      minimum: 1,
      maximum: 36_600,
      default: NEAR_REPEAT_RISK_DEFAULTS.days,
    },
    {
      key: 'significance',
      flag: 'significance',
      description: 'A band pair signals risk when its p-value is below this (0.05: 5%).',
      type: 'number',
      minimum: 0.0001,
      maximum: 0.5,
      default: NEAR_REPEAT_RISK_DEFAULTS.significance,
    },
    {
      key: 'minimumRatio',
      flag: 'minimum-ratio',
      description: 'and its Knox ratio is at least this (1.2: 20% more pairs than chance).',
      type: 'number',
      minimum: 1,
      maximum: 100,
      default: NEAR_REPEAT_RISK_DEFAULTS.minimumRatio,
    },
  ],
  check: problemsOf,
  run: async (points, options, context) => {
    const { days, significance, minimumRatio, ...knoxOptions } = options
    // Checked before the Knox test, which may take a while.
    const riskProblems = nearRepeatRiskProblems({ days, significance, minimumRatio })
    if (Object.keys(riskProblems).length > 0) throw invalid(riskProblems)
    const knox = await knoxTest(points.longitude, points.latitude, points.day, {
      ...knoxOptions,
      progress: context.progress,
      signal: context.signal,
    })
    return nearRepeatRisk(points, knox.bands, { days, significance, minimumRatio })
  },
  summarise: (result) => {
    if (result.latestDate === null) return 'No incidents.'
    if (result.radiusMetres === null || result.riskDays === null) {
      return (
        `No distance and time band has clearly more pairs of incidents than chance ` +
        `(p < ${result.significance} and Knox ratio ≥ ${result.minimumRatio}): no near-repeat risk to report.`
      )
    }
    const lines = [
      `Heightened risk within ${result.radiusMetres} m ${riskPeriod(result.riskDays)} ` +
        `(${result.incidents.length} incidents from ${result.fromDate} to ${result.latestDate}):`,
    ]
    for (const incident of result.incidents.slice(0, 20)) {
      lines.push(
        `${incident.date}  ${incident.latitude.toFixed(6)}, ${incident.longitude.toFixed(6)}  ` +
          `${incident.category || '-'}  until ${incident.until}${incident.activeOnLatestDate ? ' (active)' : ''}`,
      )
    }
    if (result.incidents.length > 20) lines.push(`… and ${result.incidents.length - 20} more`)
    return lines.join('\n')
  },
})

const riskPeriod = (days: number) =>
  days === 0 ? 'on the day of each incident' : `for ${days} day${days === 1 ? '' : 's'} after each incident`
