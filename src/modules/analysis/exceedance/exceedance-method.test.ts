import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { isValidCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { dayNumber, pointSet, type PointSet } from '../method.ts'
import { exceedanceAlerts, exceedanceMethod } from './exceedance-method.ts'
import { farringtonFlexible } from './farrington.ts'
import { methodByName } from '../methods.ts'

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
const referenceCase = (name: string) => fixture.cases.find((c) => c.name === name)!

/** One point per incident: `count` points dated `dayOf(period)`, at `place`, of `category`. */
function pointsFromSeries(
  series: readonly { counts: readonly number[]; category: string; place?: readonly [number, number] }[],
  dayOf: (period: number, incident: number) => number,
): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  const day: number[] = []
  const category: string[] = []
  for (const { counts, category: name, place = [-1.55, 53.8] as const } of series) {
    counts.forEach((count, period) => {
      for (let incident = 0; incident < count; incident++) {
        longitude.push(place[0])
        latitude.push(place[1])
        day.push(dayOf(period, incident))
        category.push(name)
      }
    })
  }
  return pointSet({ longitude, latitude, day, category })
}

const firstOfMonth = (period: number) => dayNumber(2015 + Math.floor(period / 12), (period % 12) + 1, 1)
// Monday 2000-01-03 starts ISO week 2000-W01; incidents spread over the days of their week.
const dayInWeek = (period: number, incident: number) => dayNumber(2000, 1, 3) + 7 * period + (incident % 7)

const lastFour = <T>(values: readonly T[]) => values.slice(-4)

test('monthly alerts over all incidents equal farringtonFlexible on the same monthly counts', () => {
  const reference = referenceCase('simulated-monthly-defaults') // b = 5, w = 3, other defaults
  const points = pointsFromSeries([{ counts: reference.observed, category: 'burglary' }], firstOfMonth)
  const result = exceedanceAlerts(points, { period: 'month', years: 5, window: 3, groupBy: 'all' })
  assert.deepEqual(result.evaluatedPeriods, ['2023-09', '2023-10', '2023-11', '2023-12'])
  const byPeriod = [...result.rows].sort((a, b) => (a.period < b.period ? -1 : 1))
  assert.deepEqual(
    byPeriod.map((row) => row.observed),
    lastFour(reference.observed),
  )
  assert.deepEqual(
    byPeriod.map((row) => row.alarm),
    lastFour(reference.alarm),
  )
  byPeriod.forEach((row, i) => {
    assert.ok(Math.abs(row.threshold! - lastFour(reference.upperbound)[i]!) < 1e-9 * row.threshold!)
    assert.ok(Math.abs(row.expected! - lastFour(reference.expected)[i]!) < 1e-9 * row.expected!)
  })
})

test('weekly alerts count ISO weeks and equal farringtonFlexible on the same weekly counts', () => {
  const reference = referenceCase('agona-defaults') // weekly Salmonella Agona, b = 5, w = 3
  const points = pointsFromSeries([{ counts: reference.observed, category: 'agona' }], dayInWeek)
  const result = exceedanceAlerts(points, { period: 'week', years: 5, window: 3, groupBy: 'all' })
  assert.equal(result.timeline.first, '2000-W01')
  assert.equal(result.timeline.periods, reference.observed.length)
  const byPeriod = [...result.rows].sort((a, b) => (a.period < b.period ? -1 : 1))
  assert.deepEqual(
    byPeriod.map((row) => row.alarm),
    lastFour(reference.alarm),
  )
  byPeriod.forEach((row, i) => {
    const bound = lastFour(reference.upperbound)[i]
    if (bound === null) assert.equal(row.threshold, null)
    else assert.ok(Math.abs(row.threshold! - bound!) < 1e-9 * bound!)
  })
})

test('each category is its own series, and the rows list alarms first', () => {
  const burglary = referenceCase('simulated-monthly-defaults').observed
  const robbery = burglary.map((count, i) => Math.round(count / 3) + (i % 2))
  const points = pointsFromSeries(
    [
      { counts: burglary, category: 'burglary' },
      { counts: robbery, category: 'robbery' },
    ],
    firstOfMonth,
  )
  const result = exceedanceAlerts(points, { years: 5, window: 3, periods: 12 })
  assert.equal(result.groups, 2)
  assert.equal(result.rows.length, 24)
  const firstQuiet = result.rows.findIndex((row) => !row.alarm)
  assert.ok(result.alarms > 0 && result.rows.slice(firstQuiet).every((row) => !row.alarm))
  const alone = farringtonFlexible(
    Float64Array.from(robbery),
    { frequency: 12, b: 5, w: 3 },
    { from: 96, to: 107 },
  )
  const robberyRows = result.rows
    .filter((row) => row.group === 'robbery')
    .sort((a, b) => (a.period < b.period ? -1 : 1))
  assert.deepEqual(
    robberyRows.map((row) => row.observed),
    Array.from(alone.observed),
  )
  assert.deepEqual(
    robberyRows.map((row) => row.threshold),
    Array.from(alone.upperBound, (value) => (Number.isNaN(value) ? null : value)),
  )
})

test('grouping by H3 cell gives one series per cell', () => {
  const counts = referenceCase('simulated-monthly-defaults').observed
  const points = pointsFromSeries(
    [
      { counts, category: 'burglary', place: [-0.1276, 51.5072] },
      { counts, category: 'burglary', place: [-1.5491, 53.8008] },
    ],
    firstOfMonth,
  )
  const result = exceedanceAlerts(points, { groupBy: 'h3', h3Resolution: 7 })
  assert.equal(result.groups, 2)
  assert.ok(result.rows.every((row) => isValidCell(row.group)))
})

test('counts are preserved: per period, the categories add up to all incidents', () => {
  const burglary = referenceCase('simulated-monthly-defaults').observed
  const points = pointsFromSeries(
    [
      { counts: burglary, category: 'burglary' },
      { counts: burglary.map((c) => c % 7), category: 'theft' },
    ],
    firstOfMonth,
  )
  const byCategory = exceedanceAlerts(points, { periods: 6 })
  const overall = exceedanceAlerts(points, { periods: 6, groupBy: 'all' })
  for (const row of overall.rows) {
    const parts = byCategory.rows.filter((part) => part.period === row.period)
    assert.equal(
      parts.reduce((sum, part) => sum + part.observed, 0),
      row.observed,
    )
  }
})

test('the result does not depend on the order of the points', () => {
  const counts = referenceCase('simulated-monthly-defaults').observed.map((c) => Math.round(c / 8))
  const points = pointsFromSeries(
    [
      { counts, category: 'a' },
      { counts: counts.map((c, i) => c + (i % 3)), category: 'b' },
    ],
    firstOfMonth,
  )
  const expected = exceedanceAlerts(points, { periods: 3 })
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      const order = Array.from({ length: points.size }, (_, i) => i)
      let state = seed
      for (let i = order.length - 1; i > 0; i--) {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31
        const j = state % (i + 1)
        ;[order[i], order[j]] = [order[j]!, order[i]!]
      }
      const shuffled = pointSet({
        longitude: order.map((i) => points.longitude[i]!),
        latitude: order.map((i) => points.latitude[i]!),
        day: order.map((i) => points.day[i]!),
        category: order.map((i) => points.category[i]!),
      })
      assert.deepEqual(exceedanceAlerts(shuffled, { periods: 3 }), expected)
    }),
    { numRuns: 5 },
  )
})

test('too little history is refused, saying how many periods are needed and how many exist', () => {
  const points = pointsFromSeries([{ counts: new Array<number>(30).fill(5), category: 'a' }], firstOfMonth)
  assert.throws(
    () => exceedanceAlerts(points, { years: 3, window: 1 }),
    (error: unknown) =>
      error instanceof DomainError &&
      error.fields.years !== undefined &&
      /needs 41 months/.test(error.message) &&
      /span 30 months \(2015-01 to 2017-06\)/.test(error.message),
  )
})

test('weekly counts are refused when the dates are months only, as in police.uk files', () => {
  const points = pointsFromSeries([{ counts: new Array<number>(60).fill(5), category: 'a' }], firstOfMonth)
  assert.throws(
    () => exceedanceAlerts(points, { period: 'week' }),
    (error: unknown) => error instanceof DomainError && error.fields.period !== undefined,
  )
})

test('bad options are refused naming the option of this method', () => {
  const problems = exceedanceMethod.check!({
    groupBy: 'lsoa' as never,
    window: 9,
    periods: 0,
    alpha: 0.7,
    seasonalPeriods: 12,
  })
  assert.deepEqual(Object.keys(problems).sort(), ['alpha', 'groupBy', 'periods', 'seasonalPeriods', 'window'])
  assert.deepEqual(exceedanceMethod.check!({}), {})
})

test('the method is registered as exceedance', () => {
  assert.equal(methodByName('exceedance'), exceedanceMethod)
})
