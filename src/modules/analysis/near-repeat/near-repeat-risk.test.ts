import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DomainError } from '../../../errors.ts'
import { dayNumber, pointSet } from '../method.ts'
import type { KnoxBand } from './knox.ts'
import { nearRepeatRisk } from './near-repeat-risk.ts'

const band = (
  space: [number, number],
  time: [number, number],
  ratio: number | null,
  p: number,
): KnoxBand => ({
  space,
  time,
  observed: 0,
  expected: 0,
  ratio,
  p,
})

// A Knox table as an analyst would read it: near repeats within 200 m for a week.
const bands = [
  band([0, 1], [0, 1], null, 1),
  band([0, 1], [1, 8], 3.1, 0.02),
  band([1, 100], [0, 1], 4.0, 0.001),
  band([1, 100], [1, 8], 1.15, 0.01), // significant but below the 1.2 ratio
  band([100, 200], [1, 8], 1.6, 0.03),
  band([100, 200], [8, 15], 1.9, 0.2), // large ratio but not significant
  band([200, 400], [15, 29], 1.3, 0.06),
]

const points = pointSet({
  longitude: [-2.24, -2.25, -2.26, -2.27],
  latitude: [53.48, 53.47, 53.46, 53.45],
  day: [dayNumber(2024, 3, 1), dayNumber(2024, 3, 20), dayNumber(2024, 3, 31), dayNumber(2024, 3, 18)],
  category: ['burglary', 'burglary', 'vehicle-crime', 'burglary'],
  reference: ['a', 'b', 'c', 'd'],
})

test('the risk area and period come from the band pairs significant at 5% with a Knox ratio of at least 1.2', () => {
  const risk = nearRepeatRisk(points, bands)
  assert.deepEqual(
    risk.riskBands.map((b) => [b.space, b.time]),
    [
      [
        [0, 1],
        [1, 8],
      ],
      [
        [1, 100],
        [0, 1],
      ],
      [
        [100, 200],
        [1, 8],
      ],
    ],
  )
  assert.equal(risk.radiusMetres, 200)
  assert.equal(risk.riskDays, 7)
})

test('the latest incidents are those of the last 14 days, newest first, each with its end of risk', () => {
  const risk = nearRepeatRisk(points, bands)
  assert.equal(risk.latestDate, '2024-03-31')
  assert.equal(risk.fromDate, '2024-03-18')
  assert.deepEqual(
    risk.incidents.map((incident) => [
      incident.reference,
      incident.date,
      incident.until,
      incident.activeOnLatestDate,
    ]),
    [
      ['c', '2024-03-31', '2024-04-07', true],
      ['b', '2024-03-20', '2024-03-27', false],
      ['d', '2024-03-18', '2024-03-25', false],
    ],
  )
  assert.deepEqual(risk.incidents[0], {
    reference: 'c',
    category: 'vehicle-crime',
    longitude: -2.26,
    latitude: 53.46,
    date: '2024-03-31',
    radiusMetres: 200,
    until: '2024-04-07',
    activeOnLatestDate: true,
  })
})

test('a stricter significance or ratio narrows the risk, and without a signal no incident is listed', () => {
  const strict = nearRepeatRisk(points, bands, { significance: 0.005 })
  assert.equal(strict.radiusMetres, 100)
  assert.equal(strict.riskDays, 0)
  const none = nearRepeatRisk(points, bands, { minimumRatio: 5 })
  assert.equal(none.radiusMetres, null)
  assert.equal(none.riskDays, null)
  assert.deepEqual(none.incidents, [])
  assert.equal(none.latestDate, '2024-03-31')
})

test('the window of latest incidents follows the days option', () => {
  const risk = nearRepeatRisk(points, bands, { days: 1 })
  assert.deepEqual(
    risk.incidents.map((incident) => incident.reference),
    ['c'],
  )
})

test('no incidents give no dates and no risk', () => {
  const risk = nearRepeatRisk(pointSet({ longitude: [], latitude: [], day: [] }), bands)
  assert.equal(risk.latestDate, null)
  assert.deepEqual(risk.incidents, [])
})

test('bad days, significance and ratio are refused with the option named', () => {
  for (const [options, field] of [
    [{ days: 0 }, 'days'],
    [{ days: 2.5 }, 'days'],
    [{ significance: 0 }, 'significance'],
    [{ significance: 1.5 }, 'significance'],
    [{ minimumRatio: 0.9 }, 'minimumRatio'],
  ] as const) {
    assert.throws(
      () => nearRepeatRisk(points, bands, options),
      (error: unknown) => error instanceof DomainError && Object.keys(error.fields).join() === field,
    )
  }
})
