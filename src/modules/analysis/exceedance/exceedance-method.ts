/**
 * Exceedance alerts: weekly or monthly counts per crime category, map cell, LSOA, LSOA and category,
 * or overall, each checked against its own seasonal baseline with the Farrington flexible algorithm
 * (farrington.ts), flagging the latest periods whose count is above what past years make plausible.
 */
import { invalid, DomainError } from '../../../errors.ts'
import { defineMethod, type PointSet } from '../method.ts'
import {
  farringtonFlexible,
  periodsOfHistoryNeeded,
  resolveFarringtonOptions,
  type ResolvedFarringtonOptions,
  type ThresholdMethod,
} from './farrington.ts'
import {
  countByPeriod,
  datesAreMonthsOnly,
  PERIODS_PER_YEAR,
  periodLabel,
  GROUP_BYS,
  type GroupBy,
  type PeriodKind,
} from './period-counts.ts'

export interface ExceedanceOptions {
  readonly period?: PeriodKind
  readonly years?: number
  readonly window?: number
  readonly alpha?: number
  readonly groupBy?: GroupBy
  readonly h3Resolution?: number
  readonly periods?: number
  readonly thresholdMethod?: ThresholdMethod
  readonly seasonalPeriods?: number
  readonly reweight?: boolean
  readonly trend?: boolean
}

export type ExceedanceStatus = 'alarm' | 'no-alarm' | 'too-few-cases' | 'no-fit'

export interface ExceedanceRow {
  /** The category, the H3 cell, the LSOA code, '<LSOA code>/<category>', or 'all'. */
  readonly group: string
  /** Grouping by area or area-category: the LSOA code. */
  readonly area?: string
  /** Grouping by area-category: the category. */
  readonly category?: string
  /** 'YYYY-MM' or ISO 'YYYY-Www'. */
  readonly period: string
  readonly observed: number
  /** Baseline expected count; null when too few cases or no fit. */
  readonly expected: number | null
  /** Upper bound: a count above it raises an alarm; null when too few cases or no fit. */
  readonly threshold: number | null
  readonly alarm: boolean
  readonly status: ExceedanceStatus
  /** (observed − expected) / (threshold − expected); above 1 is an alarm (delta method). */
  readonly score: number | null
  /** Chance of a count at least this high under the baseline model. */
  readonly pValue: number | null
  /** Whether a time trend was kept in the baseline model. */
  readonly trend: boolean
  readonly trendCoefficient: number | null
  /** Over-dispersion φ of the baseline model (1 = Poisson). */
  readonly dispersion: number | null
}

export interface ExceedanceResult {
  readonly period: PeriodKind
  readonly groupBy: GroupBy
  readonly h3Resolution: number | null
  /** The Farrington settings used, with farringtonFlexible's names, so the run can be repeated in R. */
  readonly farrington: ResolvedFarringtonOptions
  readonly timeline: { readonly first: string; readonly last: string; readonly periods: number }
  readonly evaluatedPeriods: readonly string[]
  readonly groups: number
  readonly alarms: number
  /** Points in no group (no usable coordinates when grouping by H3 cell, no LSOA code by area). */
  readonly unplaced: number
  /** Alarms first (highest score first), then the rest by score, group and period. */
  readonly rows: readonly ExceedanceRow[]
}

export const EXCEEDANCE_DEFAULTS = {
  period: 'month',
  years: 3,
  window: { week: 3, month: 1 },
  alpha: 0.05,
  groupBy: 'category',
  h3Resolution: 7,
  periods: 4,
  thresholdMethod: 'delta',
  seasonalPeriods: 1,
  reweight: true,
  trend: true,
} as const

function farringtonSettings(options: ExceedanceOptions): ResolvedFarringtonOptions {
  const period = options.period ?? EXCEEDANCE_DEFAULTS.period
  return resolveFarringtonOptions({
    frequency: PERIODS_PER_YEAR[period] ?? 12,
    b: options.years ?? EXCEEDANCE_DEFAULTS.years,
    w: options.window ?? EXCEEDANCE_DEFAULTS.window[period] ?? 1,
    alpha: options.alpha ?? EXCEEDANCE_DEFAULTS.alpha,
    thresholdMethod: options.thresholdMethod ?? EXCEEDANCE_DEFAULTS.thresholdMethod,
    noPeriods: options.seasonalPeriods ?? EXCEEDANCE_DEFAULTS.seasonalPeriods,
    reweight: options.reweight ?? EXCEEDANCE_DEFAULTS.reweight,
    trend: options.trend ?? EXCEEDANCE_DEFAULTS.trend,
  })
}

// The Farrington option names mapped back to this method's option names, for error messages.
const FIELD_OF: Record<string, string> = { b: 'years', w: 'window', noPeriods: 'seasonalPeriods' }

export function exceedanceProblems(options: ExceedanceOptions): Record<string, string> {
  const problems: Record<string, string> = {}
  const period = options.period ?? EXCEEDANCE_DEFAULTS.period
  if (period !== 'week' && period !== 'month')
    problems.period = `period must be week or month, not '${period}'`
  const groupBy = options.groupBy ?? EXCEEDANCE_DEFAULTS.groupBy
  if (!(GROUP_BYS as readonly string[]).includes(groupBy)) {
    problems.groupBy = `groupBy must be one of ${GROUP_BYS.join(', ')}, not '${groupBy}'`
  }
  const resolution = options.h3Resolution ?? EXCEEDANCE_DEFAULTS.h3Resolution
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    problems.h3Resolution = `The H3 resolution must be a whole number from 0 to 15, not ${resolution}`
  }
  const periods = options.periods ?? EXCEEDANCE_DEFAULTS.periods
  if (!Number.isInteger(periods) || periods < 1) {
    problems.periods = `periods (how many of the latest periods to check) must be a whole number ≥ 1, not ${periods}`
  }
  try {
    farringtonSettings(options)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    for (const [field, message] of Object.entries(error.fields)) problems[FIELD_OF[field] ?? field] = message
  }
  return problems
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null)

/** Runs the alerts over points: pure, points in, rows out. */
export function exceedanceAlerts(points: PointSet, options: ExceedanceOptions = {}): ExceedanceResult {
  const problems = exceedanceProblems(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const period = options.period ?? EXCEEDANCE_DEFAULTS.period
  const groupBy = options.groupBy ?? EXCEEDANCE_DEFAULTS.groupBy
  const h3Resolution = options.h3Resolution ?? EXCEEDANCE_DEFAULTS.h3Resolution
  const evaluated = options.periods ?? EXCEEDANCE_DEFAULTS.periods
  const settings = farringtonSettings(options)
  if (period === 'week' && datesAreMonthsOnly(points)) {
    throw invalid({
      period:
        'Every incident is dated to the first of a month (police.uk dates are months only), so weekly counts ' +
        'would be meaningless: use period month',
    })
  }
  if ((groupBy === 'area' || groupBy === 'area-category') && !points.area) {
    throw invalid({
      groupBy:
        `Grouping by ${groupBy} needs the LSOA code of each point, and these points have none: give a police.uk ` +
        "street file, an 'area' column (CSV) or property (GeoJSON), or group by category, h3 or all",
    })
  }
  const counted = countByPeriod(points, period, groupBy, h3Resolution)
  const history = periodsOfHistoryNeeded(settings)
  const needed = history + evaluated
  if (counted.periods < needed) {
    const unit = period === 'week' ? 'weeks' : 'months'
    const span =
      counted.periods === 0
        ? 'there are no dated incidents'
        : `the data span ${counted.periods} ${unit} (${periodLabel(period, counted.firstPeriod)} to ` +
          `${periodLabel(period, counted.firstPeriod + counted.periods - 1)})`
    throw invalid({
      years:
        `Not enough history: checking the latest ${evaluated} ${unit} against ${settings.b} past years needs ` +
        `${needed} ${unit} (${settings.frequency} × ${settings.b} years + window ${settings.w} + ${evaluated}), but ${span}. ` +
        'Load more history, or lower years or periods.',
    })
  }
  const range = { from: counted.periods - evaluated, to: counted.periods - 1 }
  const labels = Array.from({ length: evaluated }, (_, i) =>
    periodLabel(period, counted.firstPeriod + range.from + i),
  )
  const rows: ExceedanceRow[] = []
  counted.counts.forEach((series, groupIndex) => {
    const fit = farringtonFlexible(series, settings, range)
    for (let i = 0; i < evaluated; i++) {
      const threshold = fit.upperBound[i]!
      const alarm = fit.alarm[i] === 1
      const status: ExceedanceStatus = !fit.fitted[i]
        ? 'no-fit'
        : Number.isNaN(threshold)
          ? 'too-few-cases'
          : alarm
            ? 'alarm'
            : 'no-alarm'
      const group = counted.groups[groupIndex]!
      rows.push({
        group,
        ...groupParts(groupBy, group),
        period: labels[i]!,
        observed: fit.observed[i]!,
        expected: orNull(fit.expected[i]!),
        threshold: orNull(threshold),
        alarm,
        status,
        score: orNull(fit.score[i]!),
        pValue: orNull(fit.pValue[i]!),
        trend: fit.trendUsed[i] === 1,
        trendCoefficient: orNull(fit.trendCoefficient[i]!),
        dispersion: orNull(fit.dispersion[i]!),
      })
    }
  })
  rows.sort(
    (a, b) =>
      Number(b.alarm) - Number(a.alarm) ||
      (b.score ?? -Infinity) - (a.score ?? -Infinity) ||
      (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
      (a.period < b.period ? -1 : a.period > b.period ? 1 : 0),
  )
  return {
    period,
    groupBy,
    h3Resolution: groupBy === 'h3' ? h3Resolution : null,
    farrington: settings,
    timeline: {
      first: periodLabel(period, counted.firstPeriod),
      last: periodLabel(period, counted.firstPeriod + counted.periods - 1),
      periods: counted.periods,
    },
    evaluatedPeriods: labels,
    groups: counted.groups.length,
    alarms: rows.filter((row) => row.alarm).length,
    unplaced: counted.unplaced,
    rows,
  }
}

/** The LSOA code and category a group stands for, as fields of its rows. */
function groupParts(groupBy: GroupBy, group: string): { area?: string; category?: string } {
  if (groupBy === 'area') return { area: group }
  if (groupBy === 'area-category') {
    const cut = group.indexOf('/')
    return { area: group.slice(0, cut), category: group.slice(cut + 1) }
  }
  return {}
}

const round = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1))

export const exceedanceMethod = defineMethod<ExceedanceOptions, ExceedanceResult>({
  name: 'exceedance',
  title: 'Exceedance alerts',
  description:
    'Checks the latest weeks or months of each crime type (or map cell, or LSOA) against the same time of year in ' +
    'past years, and flags counts higher than that seasonal baseline makes plausible (the Farrington method ' +
    'public-health teams use to spot outbreaks).',
  options: [
    {
      key: 'period',
      flag: 'period',
      description: 'Count per month (police.uk data are monthly) or per ISO week (needs day-precise dates).',
      type: 'enum',
      choices: ['month', 'week'],
      default: EXCEEDANCE_DEFAULTS.period,
    },
    {
      key: 'years',
      flag: 'years',
      description:
        'Past years the baseline is taken from (farringtonFlexible b); a trend is only fitted with 3 or more.',
      type: 'integer',
      minimum: 1,
      maximum: 20,
      default: EXCEEDANCE_DEFAULTS.years,
    },
    {
      key: 'window',
      flag: 'window',
      description:
        'Periods either side of the same time of year taken into the baseline (farringtonFlexible w); ' +
        'default 1 for months, 3 for weeks.',
      type: 'integer',
      minimum: 0,
      maximum: 25,
    },
    {
      key: 'alpha',
      flag: 'alpha',
      description:
        'Chance of a false alarm per group and period when nothing has changed (one-sided), e.g. 0.05.',
      type: 'number',
      minimum: 0.0001,
      maximum: 0.4999,
      default: EXCEEDANCE_DEFAULTS.alpha,
    },
    {
      key: 'groupBy',
      flag: 'group-by',
      description:
        'One series per crime category, per H3 map cell, per LSOA (area), per LSOA and category (area-category), ' +
        'or one for all incidents.',
      type: 'enum',
      choices: GROUP_BYS,
      default: EXCEEDANCE_DEFAULTS.groupBy,
    },
    {
      key: 'h3Resolution',
      flag: 'h3-resolution',
      description: 'H3 cell size when grouping by cell (7: about 5 km², 8: about 0.7 km²).',
      type: 'integer',
      minimum: 0,
      maximum: 15,
      default: EXCEEDANCE_DEFAULTS.h3Resolution,
    },
    {
      key: 'periods',
      flag: 'periods',
      description: 'How many of the latest periods to check.',
      type: 'integer',
      minimum: 1,
      maximum: 520,
      default: EXCEEDANCE_DEFAULTS.periods,
    },
    {
      key: 'thresholdMethod',
      flag: 'threshold-method',
      description:
        'delta: Farrington 2/3-power bound; nbPlugin or muan: negative-binomial quantile (Noufaily et al. 2013).',
      type: 'enum',
      choices: ['delta', 'nbPlugin', 'muan'],
      default: EXCEEDANCE_DEFAULTS.thresholdMethod,
    },
    {
      key: 'seasonalPeriods',
      flag: 'seasonal-periods',
      description:
        'Seasonal factor levels (farringtonFlexible noPeriods): 1 uses only the windows around the same time of ' +
        'year; more (Noufaily used 10 for weeks) also uses the periods between them.',
      type: 'integer',
      minimum: 1,
      maximum: 52,
      default: EXCEEDANCE_DEFAULTS.seasonalPeriods,
    },
    {
      key: 'reweight',
      flag: 'reweight',
      description: 'Give past unusual periods (earlier outbreaks) less weight in the baseline.',
      type: 'boolean',
      default: EXCEEDANCE_DEFAULTS.reweight,
    },
    {
      key: 'trend',
      flag: 'trend',
      description: 'Allow a steady rise or fall over the years in the baseline (kept only when significant).',
      type: 'boolean',
      default: EXCEEDANCE_DEFAULTS.trend,
    },
  ],
  check: exceedanceProblems,
  run: (points, options) => exceedanceAlerts(points, options),
  summarise: (result) => {
    const lines = [
      `${result.alarms} alarm(s) in ${result.groups} group(s) × ${result.evaluatedPeriods.length} ${result.period}(s) ` +
        `(${result.evaluatedPeriods.join(', ')}), baseline ${result.farrington.b} year(s) ± ${result.farrington.w}`,
    ]
    for (const row of result.rows.filter((r) => r.alarm).slice(0, 20)) {
      lines.push(
        `ALARM ${row.group || '(no category)'} ${row.period}: observed ${row.observed}, expected ${round(row.expected)}, threshold ${round(row.threshold)}`,
      )
    }
    return lines.join('\n')
  },
})
