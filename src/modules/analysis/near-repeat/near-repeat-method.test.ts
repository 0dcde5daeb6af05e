import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DomainError } from '../../../errors.ts'
import { dayNumber, pointSet } from '../method.ts'
import { parseMethodOptions } from '../options.ts'
import { nearRepeatMethod, type NearRepeatOptions } from './near-repeat-method.ts'
import { nearRepeatRiskMethod, type NearRepeatRiskMethodOptions } from './near-repeat-risk-method.ts'

// Burglaries spread over a 4 km square and 200 days, with a planted near-repeat pattern: each of
// the first 40 is followed by another within about 50 m and 3 days.
function plantedNearRepeats() {
  let state = 99
  const uniform = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296
  const longitude: number[] = []
  const latitude: number[] = []
  const day: number[] = []
  const start = dayNumber(2024, 1, 1)
  for (let i = 0; i < 160; i++) {
    longitude.push(-2.27 + uniform() * 0.06)
    latitude.push(53.46 + uniform() * 0.036)
    day.push(start + Math.floor(uniform() * 200))
  }
  for (let i = 0; i < 40; i++) {
    longitude.push(longitude[i]! + (uniform() - 0.5) * 0.001)
    latitude.push(latitude[i]! + (uniform() - 0.5) * 0.0006)
    day.push(day[i]! + 1 + Math.floor(uniform() * 3))
  }
  return pointSet({ longitude, latitude, day, category: new Array<string>(200).fill('burglary') })
}

test('near-repeat gives exactly the contract: every band pair with space, time, observed, expected, ratio and p', async () => {
  const options = parseMethodOptions(nearRepeatMethod, {
    spaceBands: '0,1,100,200,400',
    timeBands: '0,1,8,15,29',
    permutations: '99',
    seed: '3',
  }) as unknown as NearRepeatOptions
  const result = await nearRepeatMethod.run(plantedNearRepeats(), options, {})
  assert.deepEqual(Object.keys(result), ['bands'])
  assert.equal(result.bands.length, 16)
  for (const band of result.bands) {
    assert.deepEqual(Object.keys(band), ['space', 'time', 'observed', 'expected', 'ratio', 'p'])
  }
  assert.deepEqual(result.bands[5]!.space, [1, 100])
  assert.deepEqual(result.bands[5]!.time, [1, 8])
  // The planted pattern: far more pairs within 100 m and a week than chance, as few as p can be.
  assert.ok(result.bands[5]!.observed >= 40)
  assert.ok(result.bands[5]!.ratio! > 5)
  assert.equal(result.bands[5]!.p, 1 / 100)
  assert.match(nearRepeatMethod.summarise(result), /\[1, 100\)\s+\[1, 8\).*\*/)
})

test('the defaults are the bands of the contract, 999 permutations, seed 1 and haversine distance', () => {
  assert.deepEqual(parseMethodOptions(nearRepeatMethod, {}), {
    spaceBands: [0, 1, 100, 200, 400],
    timeBands: [0, 1, 8, 15, 29],
    permutations: 999,
    seed: 1,
    distance: 'haversine',
  })
})

test('bands that are not increasing are refused naming the flag', () => {
  assert.throws(
    () => parseMethodOptions(nearRepeatMethod, { spaceBands: '0,200,100' }),
    (error: unknown) =>
      error instanceof DomainError && /strictly increasing/.test(error.fields['--space-bands'] ?? ''),
  )
  assert.throws(
    () => parseMethodOptions(nearRepeatMethod, { timeBands: '7' }),
    (error: unknown) =>
      error instanceof DomainError && /at least two/.test(error.fields['--time-bands'] ?? ''),
  )
})

test('near-repeat-risk finds the planted pattern and lists the latest incidents with area and end date', async () => {
  const options = parseMethodOptions(nearRepeatRiskMethod, {
    permutations: '99',
    days: '30',
  }) as unknown as NearRepeatRiskMethodOptions
  const points = plantedNearRepeats()
  const result = await nearRepeatRiskMethod.run(points, options, {})
  assert.ok(result.radiusMetres !== null && result.radiusMetres >= 100)
  assert.ok(result.riskDays !== null && result.riskDays >= 7)
  const latestDay = Math.max(...points.day)
  const inWindow = [...points.day].filter((day) => day > latestDay - 30).length
  assert.equal(result.incidents.length, inWindow)
  assert.match(
    nearRepeatRiskMethod.summarise(result),
    /Heightened risk within \d+ m for \d+ days after each incident/,
  )
})

test('near-repeat-risk refuses a bad days option before running the test', async () => {
  await assert.rejects(
    async () =>
      nearRepeatRiskMethod.run(
        plantedNearRepeats(),
        {
          ...(parseMethodOptions(nearRepeatRiskMethod, {}) as unknown as NearRepeatRiskMethodOptions),
          days: 0,
        },
        {},
      ),
    (error: unknown) => error instanceof DomainError && 'days' in error.fields,
  )
})
