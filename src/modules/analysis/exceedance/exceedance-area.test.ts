import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { DomainError } from '../../../errors.ts'
import { dayNumber, pointSet, type PointSet } from '../method.ts'
import { exceedanceAlerts, exceedanceMethod, type ExceedanceRow } from './exceedance-method.ts'

interface ReferenceCase {
  name: string
  observed: number[]
  upperbound: (number | null)[]
  expected: (number | null)[]
  alarm: boolean[]
}
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/analysis/farrington-reference.json', import.meta.url),
    'utf8',
  ),
) as { cases: ReferenceCase[] }
// R surveillance farringtonFlexible, b = 5, w = 3, other defaults, on 108 monthly counts from 2015-01.
const reference = fixture.cases.find((c) => c.name === 'simulated-monthly-defaults')!
const OPTIONS = { period: 'month', years: 5, window: 3, periods: 4 } as const

const firstOfMonth = (period: number) => dayNumber(2015 + Math.floor(period / 12), (period % 12) + 1, 1)

/**
 * Made-up monthly counts of the same length (a fixed pattern, so the test is repeatable), at least 1
 * each month so that the series alone spans the same timeline as all points together.
 */
const otherCounts = (shift: number) =>
  reference.observed.map((_, period) => 1 + ((period * 7 + shift) % 5) + (period % 12 === 6 ? 3 : 0))

/** One point per incident of each series, in the series' LSOA and category. */
function pointsOf(series: { area: string; category: string; counts: readonly number[] }[]): PointSet {
  const day: number[] = []
  const category: string[] = []
  const area: string[] = []
  for (const one of series) {
    one.counts.forEach((count, period) => {
      for (let incident = 0; incident < count; incident++) {
        day.push(firstOfMonth(period))
        category.push(one.category)
        area.push(one.area)
      }
    })
  }
  return pointSet({
    longitude: day.map(() => -0.09),
    latitude: day.map(() => 51.51),
    day,
    category,
    area,
  })
}

const SERIES = [
  { area: 'E01000001', category: 'burglary', counts: reference.observed },
  { area: 'E01000001', category: 'robbery', counts: otherCounts(1) },
  { area: 'E01000002', category: 'burglary', counts: otherCounts(3) },
  // Incidents without an LSOA: in no area group.
  { area: '', category: 'burglary', counts: otherCounts(2) },
]
const points = pointsOf(SERIES)

const byPeriod = (rows: readonly ExceedanceRow[]) => [...rows].sort((a, b) => (a.period < b.period ? -1 : 1))
const figures = (rows: readonly ExceedanceRow[]) =>
  byPeriod(rows).map(({ period, observed, expected, threshold, alarm, status, pValue }) => ({
    period,
    observed,
    expected,
    threshold,
    alarm,
    status,
    pValue,
  }))

describe('exceedance alerts per area and per area and category', () => {
  test('per LSOA and category: the series of one LSOA and crime type gives farringtonFlexible’s values', () => {
    const result = exceedanceAlerts(points, { ...OPTIONS, groupBy: 'area-category' })
    assert.equal(result.groups, 3)
    const rows = byPeriod(result.rows.filter((row) => row.group === 'E01000001/burglary'))
    assert.deepEqual(
      rows.map((row) => [row.area, row.category]),
      rows.map(() => ['E01000001', 'burglary']),
    )
    assert.deepEqual(
      rows.map((row) => row.observed),
      reference.observed.slice(-4),
    )
    assert.deepEqual(
      rows.map((row) => row.alarm),
      reference.alarm.slice(-4),
    )
    rows.forEach((row, i) => {
      const threshold = reference.upperbound.slice(-4)[i]!
      const expected = reference.expected.slice(-4)[i]!
      assert.ok(Math.abs(row.threshold! - threshold) < 1e-9 * threshold)
      assert.ok(Math.abs(row.expected! - expected) < 1e-9 * expected)
    })
    assert.equal(
      result.unplaced,
      SERIES[3]!.counts.reduce((a, b) => a + b, 0),
    )
  })

  test('per LSOA and category: each group equals the alerts over only its points', () => {
    const result = exceedanceAlerts(points, { ...OPTIONS, groupBy: 'area-category' })
    for (const one of SERIES.slice(0, 3)) {
      const alone = exceedanceAlerts(pointsOf([one]), { ...OPTIONS, groupBy: 'all' })
      const group = `${one.area}/${one.category}`
      assert.deepEqual(figures(result.rows.filter((row) => row.group === group)), figures(alone.rows), group)
    }
  })

  test('per LSOA: each group sums its categories, and equals the alerts over only its points', () => {
    const result = exceedanceAlerts(points, { ...OPTIONS, groupBy: 'area' })
    assert.deepEqual([...new Set(result.rows.map((row) => row.group))].sort(), ['E01000001', 'E01000002'])
    assert.ok(result.rows.every((row) => row.area === row.group && row.category === undefined))
    for (const code of ['E01000001', 'E01000002']) {
      const alone = exceedanceAlerts(pointsOf(SERIES.filter((one) => one.area === code)), {
        ...OPTIONS,
        groupBy: 'all',
      })
      assert.deepEqual(figures(result.rows.filter((row) => row.group === code)), figures(alone.rows), code)
    }
    const first = byPeriod(result.rows.filter((row) => row.group === 'E01000001'))
    assert.deepEqual(
      first.map((row) => row.observed),
      reference.observed.slice(-4).map((count, i) => count + otherCounts(1).slice(-4)[i]!),
    )
  })

  test('points that carry no LSOA at all get a clear error naming groupBy', () => {
    const noAreas = pointSet({ longitude: [-0.1], latitude: [51.5], day: [firstOfMonth(0)] })
    for (const groupBy of ['area', 'area-category'] as const) {
      assert.throws(
        () => exceedanceAlerts(noAreas, { ...OPTIONS, groupBy }),
        (error: DomainError) =>
          error instanceof DomainError && /LSOA code of each point/.test(error.fields.groupBy!),
      )
    }
  })

  test('the method offers area and area-category, and still refuses an unknown grouping', () => {
    const option = exceedanceMethod.options.find((one) => one.key === 'groupBy')!
    assert.deepEqual([...option.choices!].sort(), ['all', 'area', 'area-category', 'category', 'h3'])
    assert.deepEqual(exceedanceMethod.check!({ groupBy: 'area-category' }), {})
    assert.match(exceedanceMethod.check!({ groupBy: 'ward' as never }).groupBy!, /not 'ward'/)
  })
})
