/**
 * Counts per group and per calendar period (ISO week or month) on one shared, gap-free timeline, so
 * that every group's series starts and ends at the same period and empty periods count as 0.
 */
import { latLngToCell } from 'h3-js'
import type { PointSet } from '../method.ts'

export type PeriodKind = 'week' | 'month'
export const GROUP_BYS = ['category', 'h3', 'area', 'area-category', 'all'] as const
/** area: the LSOA code of each point; area-category: each LSOA and category pair. */
export type GroupBy = (typeof GROUP_BYS)[number]

/** The group of an LSOA and category pair: '<LSOA code>/<category>' (neither holds a '/'). */
export const areaCategoryGroup = (area: string, category: string): string => `${area}/${category}`

/** Periods per year, the `frequency` of the Farrington baseline. */
export const PERIODS_PER_YEAR: Readonly<Record<PeriodKind, 52 | 12>> = { week: 52, month: 12 }

// 1970-01-01 was a Thursday, so day −3 (1969-12-29) is the Monday that starts ISO week 0 here.
const weekOf = (day: number): number => Math.floor((day + 3) / 7)

function monthOf(day: number): number {
  const date = new Date(day * 86_400_000)
  return date.getUTCFullYear() * 12 + date.getUTCMonth()
}

/** The period number of a day (weeks since 1969-12-29, or months since year 0). */
export const periodOf = (kind: PeriodKind, day: number): number =>
  kind === 'week' ? weekOf(day) : monthOf(day)

/** 'YYYY-MM' for a month, 'YYYY-Www' (ISO 8601 week) for a week. */
export function periodLabel(kind: PeriodKind, period: number): string {
  if (kind === 'month') {
    const year = Math.floor(period / 12)
    return `${year}-${String(period - year * 12 + 1).padStart(2, '0')}`
  }
  // The ISO year of a week is the year of its Thursday.
  const thursday = new Date(period * 7 * 86_400_000)
  const year = thursday.getUTCFullYear()
  const dayOfYear = (thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`
}

/** True when every point falls on the first day of a month: the source has months, not days. */
export function datesAreMonthsOnly(points: PointSet): boolean {
  for (let i = 0; i < points.size; i++) {
    if (new Date(points.day[i]! * 86_400_000).getUTCDate() !== 1) return false
  }
  return points.size > 0
}

export interface PeriodCounts {
  /** Group keys in ascending order (a category, an H3 cell, an LSOA code, area/category, or 'all'). */
  readonly groups: readonly string[]
  /** Period number of the first period of the timeline. */
  readonly firstPeriod: number
  readonly periods: number
  /** counts[g] is the series of group g, one entry per period of the timeline. */
  readonly counts: readonly Float64Array[]
  /** Points left out: no usable coordinates when grouping by H3 cell, no LSOA code by area. */
  readonly unplaced: number
}

/** Counts points per group and period; the timeline runs from the earliest to the latest point. */
export function countByPeriod(
  points: PointSet,
  kind: PeriodKind,
  groupBy: GroupBy,
  h3Resolution: number,
): PeriodCounts {
  const groupOf = new Array<string | null>(points.size)
  let unplaced = 0
  for (let i = 0; i < points.size; i++) {
    if (groupBy === 'all') groupOf[i] = 'all'
    else if (groupBy === 'category') groupOf[i] = points.category[i] ?? ''
    else if (groupBy === 'area' || groupBy === 'area-category') {
      const area = points.area?.[i] ?? ''
      if (area === '') unplaced++
      groupOf[i] =
        area === '' ? null : groupBy === 'area' ? area : areaCategoryGroup(area, points.category[i] ?? '')
    } else {
      const latitude = points.latitude[i]!
      const longitude = points.longitude[i]!
      const usable =
        Number.isFinite(latitude) &&
        Number.isFinite(longitude) &&
        Math.abs(latitude) <= 90 &&
        Math.abs(longitude) <= 180
      groupOf[i] = usable ? latLngToCell(latitude, longitude, h3Resolution) : null
      if (!usable) unplaced++
    }
  }
  const periodOfPoint = new Int32Array(points.size)
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < points.size; i++) {
    if (groupOf[i] === null) continue
    const period = periodOf(kind, points.day[i]!)
    periodOfPoint[i] = period
    if (period < first) first = period
    if (period > last) last = period
  }
  if (first === Infinity) return { groups: [], firstPeriod: 0, periods: 0, counts: [], unplaced }
  const periods = last - first + 1
  const groups = [...new Set(groupOf.filter((group): group is string => group !== null))].sort()
  const slot = new Map(groups.map((group, index) => [group, index]))
  const counts = groups.map(() => new Float64Array(periods))
  for (let i = 0; i < points.size; i++) {
    const group = groupOf[i]
    if (group === null || group === undefined) continue
    const series = counts[slot.get(group)!]!
    const at = periodOfPoint[i]! - first
    series[at] = series[at]! + 1
  }
  return { groups, firstPeriod: first, periods, counts, unplaced }
}
