import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { pointSet, type PointSet } from '../method.ts'
import { parseMethodOptions } from '../options.ts'
import { readPointsFile } from '../points/read-points-file.ts'
import { countHarm, countsMethod, type CountsOptions, type CountsResult } from './counts-method.ts'
import { DEFAULT_HARM_WEIGHTS } from './harm-weights.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const APRIL = path.join(ROOT, 'samples/police-uk/2023-04-city-of-london-street.csv')
const MAY = path.join(ROOT, 'samples/police-uk/2023-05-city-of-london-street.csv')

/** The rows of a street file with coordinates, read with csv-parse, not with Upstream's reader. */
function locatedRows(file: string): Record<string, string>[] {
  const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[]
  return rows.filter((row) => row.Longitude !== '')
}

/** Incidents per LSOA code, counted straight from the rows. */
function directCount(rows: Record<string, string>[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const row of rows) counts.set(row['LSOA code']!, (counts.get(row['LSOA code']!) ?? 0) + 1)
  return counts
}

const withPopulation = (points: PointSet, areaPopulation: Record<string, number>): PointSet =>
  pointSet({ ...points, category: points.category, area: points.area, areaPopulation })

const run = (points: PointSet, raw: Record<string, unknown>) =>
  countsMethod.run(
    points,
    parseMethodOptions(countsMethod, raw, 'key') as unknown as CountsOptions,
    {},
  ) as CountsResult

let april: PointSet
before(async () => {
  const read = await readPointsFile(APRIL)
  assert.ok(read.ok)
  april = read.points
})

describe('counts and harm per LSOA', () => {
  test('on the April police.uk file: counts and harm per LSOA equal a direct count of the file', () => {
    const rows = locatedRows(APRIL)
    const expected = directCount(rows)
    const result = run(april, { unit: 'lsoa' })
    assert.equal(result.unit, 'lsoa')
    assert.equal(result.h3Resolution, null)
    assert.deepEqual(result.cells, [])
    assert.equal(result.unplaced, 0, 'every located police.uk row has an LSOA')
    assert.equal(result.total.count, rows.length)
    assert.deepEqual(
      new Map(result.areas.map((area) => [area.area, area.count])),
      new Map([...expected].sort()),
    )
    for (const area of result.areas) {
      const harm = rows
        .filter((row) => row['LSOA code'] === area.area)
        .reduce((sum, row) => sum + DEFAULT_HARM_WEIGHTS[CRIME_TYPE_CODES[row['Crime type']!]!]!, 0)
      assert.ok(Math.abs(area.harm - harm) < 1e-9, area.area)
      assert.equal(area.population, null)
      assert.equal(area.countPer1000, null)
    }
    // Ranked by harm (the default), largest first.
    for (let i = 1; i < result.areas.length; i++) {
      assert.ok(result.areas[i - 1]!.harm >= result.areas[i]!.harm)
    }
    assert.match(countsMethod.summarise(result), /in \d+ LSOAs/)
  })

  test('on both months, the Gini and top shares over the LSOAs match R ineq (fixture concentration-police-uk)', async () => {
    const reference = JSON.parse(
      readFileSync(path.join(ROOT, 'test/fixtures/analysis/concentration-police-uk.json'), 'utf8'),
    ) as {
      percents: number[]
      areas: string[]
      count: number[]
      countConcentration: { gini: number; topShares: number[] }
      harmConcentration: { gini: number; topShares: number[] }
    }
    const may = await readPointsFile(MAY)
    assert.ok(may.ok)
    const both = pointSet({
      longitude: [...april.longitude, ...may.points.longitude],
      latitude: [...april.latitude, ...may.points.latitude],
      day: [...april.day, ...may.points.day],
      category: [...april.category, ...may.points.category],
      area: [...april.area!, ...may.points.area!],
    })
    const result = run(both, { unit: 'lsoa', top: reference.percents, weighted: false })
    assert.deepEqual(result.areas.map((area) => area.area).sort(), reference.areas)
    const byCode = new Map(result.areas.map((area) => [area.area, area.count]))
    assert.deepEqual(
      reference.areas.map((code) => byCode.get(code)),
      reference.count,
    )
    for (const [measure, expected] of [
      ['count', reference.countConcentration],
      ['harm', reference.harmConcentration],
    ] as const) {
      // Without a population the LSOAs of "all places" are those named by the points.
      for (const figures of [
        result.concentration[measure].allPlaces,
        result.concentration[measure].placesWithCrime,
      ]) {
        assert.ok(Math.abs(figures.gini! - expected.gini) <= 1e-12, `${measure} Gini`)
        figures.top.forEach((top, k) =>
          assert.ok(Math.abs(top.share! - expected.topShares[k]!) <= 1e-12, `${measure} top ${top.percent}%`),
        )
      }
    }
  })

  test('gives rates per 1,000 residents where the population is known, null elsewhere', () => {
    const counts = directCount(locatedRows(APRIL))
    const population = { E01000001: 1500, E01000005: 2000, E01000002: 0 }
    const result = run(withPopulation(april, population), { unit: 'lsoa' })
    const area = (code: string) => result.areas.find((row) => row.area === code)!
    assert.equal(area('E01000001').population, 1500)
    assert.equal(area('E01000001').countPer1000, (counts.get('E01000001')! / 1500) * 1000)
    assert.equal(area('E01000005').harmPer1000, (area('E01000005').harm / 2000) * 1000)
    assert.equal(area('E01000002').countPer1000, null, 'no rate for a population of 0')
    assert.equal(area('E01000003').population, null)
    assert.equal(area('E01000003').countPer1000, null)
  })

  test('LSOAs with a population and no incident are in "all places" with zero counts and a rate of 0', () => {
    const named = run(april, { unit: 'lsoa' }).areas.length
    const population = { E01000001: 1500, E09999991: 1000, E09999992: 1200 }
    const result = run(withPopulation(april, population), { unit: 'lsoa' })
    assert.equal(result.areas.length, named + 2)
    assert.deepEqual(result.areas.at(-1), {
      area: 'E09999992',
      count: 0,
      harm: 0,
      population: 1200,
      countPer1000: 0,
      harmPer1000: 0,
    })
    assert.equal(result.concentration.count.allPlaces.places, named + 2)
    assert.equal(result.concentration.count.placesWithCrime.places, named)
    assert.ok(result.concentration.count.allPlaces.gini! > result.concentration.count.placesWithCrime.gini!)
    assert.equal(result.total.count, april.size)
  })

  test('points without an LSOA code are counted as unplaced, and every other point once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('', 'E01000001', 'E01000002', 'E01000003'), { maxLength: 60 }),
        (area) => {
          const points = pointSet({
            longitude: area.map(() => -0.1),
            latitude: area.map(() => 51.5),
            day: area.map(() => 0),
            category: area.map(() => 'burglary'),
            area,
          })
          const result = countHarm(points, { unit: 'lsoa' })
          const unplaced = area.filter((code) => code === '').length
          assert.equal(result.unplaced, unplaced)
          assert.equal(
            result.areas.reduce((sum, row) => sum + row.count, 0),
            area.length - unplaced,
          )
          assert.equal(result.total.harm, (area.length - unplaced) * DEFAULT_HARM_WEIGHTS.burglary!)
        },
      ),
    )
  })

  test('points that carry no LSOA at all get a clear error naming the unit option', () => {
    const points = pointSet({ longitude: [-0.1], latitude: [51.5], day: [0] })
    assert.throws(
      () => countHarm(points, { unit: 'lsoa' }),
      (error: DomainError) =>
        error instanceof DomainError && /LSOA code of each point/.test(error.fields.unit!),
    )
  })

  test('a bad unit or a bad population is refused, naming it', () => {
    assert.match(countsMethod.check!({ unit: 'ward' as never }).unit!, /h3.*lsoa.*not 'ward'/)
    assert.throws(
      () => countHarm(withPopulation(april, { E01000001: -3 }), { unit: 'lsoa' }),
      (error: DomainError) => /population of E01000001/.test(error.fields['population.E01000001']!),
    )
  })
})
