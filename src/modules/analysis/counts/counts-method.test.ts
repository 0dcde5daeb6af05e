import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { gridDisk, latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { dayNumber, pointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { countHarmByCell, countsMethod } from './counts-method.ts'
import { DEFAULT_HARM_WEIGHTS } from './harm-weights.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')

function cityOfLondonPoints() {
  const rows = ['2023-04', '2023-05'].flatMap(
    (month) =>
      parse(readFileSync(path.join(ROOT, `samples/police-uk/${month}-city-of-london-street.csv`)), {
        columns: true,
      }) as Record<string, string>[],
  )
  const located = rows.filter((row) => row.Longitude !== '')
  return {
    rows,
    points: pointSet({
      longitude: located.map((row) => Number(row.Longitude)),
      latitude: located.map((row) => Number(row.Latitude)),
      day: located.map((row) => dayNumber(Number(row.Month!.slice(0, 4)), Number(row.Month!.slice(5)), 1)),
      category: located.map((row) => CRIME_TYPE_CODES[row['Crime type']!]!),
    }),
  }
}

describe('the counts method', () => {
  test('is registered under its name', () => {
    assert.equal(methodByName('counts'), countsMethod)
  })

  test('counts a robbery and two shoplifting points: cells, harm, study area and concentration', () => {
    const points = pointSet({
      longitude: [-0.1, -0.1, -0.09],
      latitude: [51.51, 51.51, 51.515],
      day: [0, 0, 0],
      category: ['shoplifting', 'shoplifting', 'robbery'],
    })
    const result = countHarmByCell(points, { studyRings: 1 })
    const shop = latLngToCell(51.51, -0.1, 9)
    const robbery = latLngToCell(51.515, -0.09, 9)
    assert.deepEqual(result.cells[0], { cell: robbery, count: 1, harm: DEFAULT_HARM_WEIGHTS.robbery })
    assert.deepEqual(result.cells[1], { cell: shop, count: 2, harm: 2 * DEFAULT_HARM_WEIGHTS.shoplifting! })
    assert.equal(result.cells.length, new Set([...gridDisk(shop, 1), ...gridDisk(robbery, 1)]).size)
    assert.ok(result.cells.slice(2).every((cell) => cell.count === 0 && cell.harm === 0))
    assert.deepEqual(result.total, { count: 3, harm: DEFAULT_HARM_WEIGHTS.robbery! + 26 })
    assert.equal(result.concentration.count.placesWithCrime.places, 2)
    assert.equal(result.concentration.count.allPlaces.places, result.cells.length)
    // Two places with crime holding 2 and 1: Gini = 2(1·1 + 2·2)/(2·3) − 1 − 1/2.
    assert.ok(Math.abs(result.concentration.count.placesWithCrime.gini! - (10 / 6 - 1.5)) < 1e-15)
    assert.equal(result.measure, 'harm')
    assert.deepEqual(result.unweightedCategories, [])
  })

  test('ranks by count when not weighted, and still gives the harm', () => {
    const points = pointSet({
      longitude: [-0.1, -0.1, -0.09],
      latitude: [51.51, 51.51, 51.515],
      day: [0, 0, 0],
      category: ['shoplifting', 'shoplifting', 'robbery'],
    })
    const result = countHarmByCell(points, { weighted: false, studyRings: 0 })
    assert.equal(result.measure, 'count')
    assert.deepEqual(
      result.cells.map((cell) => [cell.count, cell.harm]),
      [
        [2, 26],
        [1, DEFAULT_HARM_WEIGHTS.robbery],
      ],
    )
  })

  test('applies harm weight overrides and lists them in the result', () => {
    const points = pointSet({ longitude: [-0.1], latitude: [51.51], day: [0], category: ['burglary'] })
    const result = countHarmByCell(points, { harmWeights: 'burglary=117' })
    assert.equal(result.total.harm, 117)
    assert.equal(result.weights.burglary, 117)
  })

  test('on the City of London police.uk files: every located row counted once, whatever the order', () => {
    const { rows, points } = cityOfLondonPoints()
    const result = countHarmByCell(points)
    const located = rows.filter((row) => row.Longitude !== '')
    assert.equal(result.total.count, located.length)
    assert.equal(
      result.cells.reduce((total, cell) => total + cell.count, 0),
      located.length,
    )
    const expectedHarm = located.reduce(
      (total, row) => total + DEFAULT_HARM_WEIGHTS[CRIME_TYPE_CODES[row['Crime type']!]!]!,
      0,
    )
    assert.ok(Math.abs(result.total.harm - expectedHarm) < 1e-6)
    // Crime is concentrated: far more than 10% of it in the top 10% of cells.
    assert.ok(result.concentration.count.allPlaces.top[2]!.share! > 0.3)
    assert.ok(result.concentration.count.allPlaces.gini! > result.concentration.count.placesWithCrime.gini!)

    const reversed = pointSet({
      longitude: [...points.longitude].reverse(),
      latitude: [...points.latitude].reverse(),
      day: [...points.day].reverse(),
      category: [...points.category].reverse(),
    })
    const again = countHarmByCell(reversed)
    assert.deepEqual(
      again.cells.map((cell) => [cell.cell, cell.count]),
      result.cells.map((cell) => [cell.cell, cell.count]),
    )
    assert.equal(again.concentration.harm.allPlaces.gini, result.concentration.harm.allPlaces.gini)
  })

  test('bad options get a clear error naming each one', () => {
    const problems = countsMethod.check!({
      h3Resolution: 16,
      top: [0],
      studyRings: -1,
      harmWeights: 'arson=5',
    })
    assert.deepEqual(Object.keys(problems).sort(), ['h3Resolution', 'harmWeights.arson', 'studyRings', 'top'])
    assert.deepEqual(countsMethod.check!({}), {})
    const points = pointSet({ longitude: [], latitude: [], day: [] })
    assert.throws(
      () => countHarmByCell(points, { h3Resolution: 2.5 }),
      (error: DomainError) => 'h3Resolution' in error.fields,
    )
  })

  test('no points give empty cells and null concentration figures, not a crash', () => {
    const result = countHarmByCell(pointSet({ longitude: [], latitude: [], day: [] }))
    assert.deepEqual(result.cells, [])
    assert.equal(result.concentration.count.allPlaces.gini, null)
    assert.match(countsMethod.summarise(result), /0 incidents/)
  })
})
