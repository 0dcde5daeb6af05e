import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { cellToParent, gridDisk, latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { pointSet } from '../method.ts'
import { concentration } from './concentration.ts'
import { cellsOfPoints, countsByArea, countsByCell, totalsByPlace, withSurroundingCells } from './counts.ts'
import { DEFAULT_HARM_WEIGHTS } from './harm-weights.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')

// Points around the City of London: longitude, latitude and a harm each.
const cityPoints = fc.array(
  fc.record({
    longitude: fc.double({ min: -0.12, max: -0.07, noNaN: true }),
    latitude: fc.double({ min: 51.5, max: 51.53, noNaN: true }),
    harm: fc.double({ min: 0, max: 1000, noNaN: true }),
  }),
  { maxLength: 80 },
)

function asPoints(rows: { longitude: number; latitude: number; harm: number }[]) {
  const points = pointSet({
    longitude: rows.map((row) => row.longitude),
    latitude: rows.map((row) => row.latitude),
    day: rows.map(() => 0),
  })
  return { points, harm: Float64Array.from(rows.map((row) => row.harm)) }
}

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0)

describe('counts and harm per H3 cell', () => {
  test('every point is counted once: counts sum to the points, harm to their harm', () => {
    fc.assert(
      fc.property(cityPoints, (rows) => {
        const { points, harm } = asPoints(rows)
        const totals = countsByCell(points, harm, 9)
        assert.equal(sum(totals.count), rows.length)
        assert.ok(Math.abs(sum(totals.harm) - sum(harm)) <= 1e-9 * Math.max(1, sum(harm)))
      }),
    )
  })

  test('do not depend on the order of the points', () => {
    fc.assert(
      fc.property(cityPoints, (rows) => {
        const forward = asPoints(rows)
        const backward = asPoints([...rows].reverse())
        const a = countsByCell(forward.points, forward.harm, 9)
        const b = countsByCell(backward.points, backward.harm, 9)
        assert.deepEqual(a.places, b.places)
        assert.deepEqual([...a.count], [...b.count])
        a.harm.forEach((value, i) => assert.ok(Math.abs(value - b.harm[i]!) <= 1e-9 * Math.max(1, value)))
      }),
    )
  })

  test('summing cells into their parents keeps every count (counts preserved under aggregation)', () => {
    fc.assert(
      fc.property(cityPoints, (rows) => {
        const { points, harm } = asPoints(rows)
        const fine = countsByCell(points, harm, 9)
        const parents = totalsByPlace(
          fine.places.flatMap((cell, i) => new Array<string>(fine.count[i]!).fill(cellToParent(cell, 7))),
          new Float64Array(rows.length),
        )
        const direct = totalsByPlace(
          cellsOfPoints(points, 9).map((cell) => cellToParent(cell!, 7)),
          harm,
        )
        assert.deepEqual(parents.places, direct.places)
        assert.deepEqual([...parents.count], [...direct.count])
        assert.equal(sum(parents.count), rows.length)
      }),
    )
  })

  test("a point's cell at a resolution is the H3 cell containing it at that resolution", () => {
    const points = pointSet({ longitude: [-0.07], latitude: [51.52159878705243], day: [0] })
    for (const resolution of [7, 8, 9, 10]) {
      assert.deepEqual(countsByCell(points, Float64Array.of(1), resolution).places, [
        latLngToCell(51.52159878705243, -0.07, resolution),
      ])
    }
  })

  test('points without coordinates are counted as unplaced, not in a cell', () => {
    const points = pointSet({ longitude: [-0.1, Number.NaN], latitude: [51.51, Number.NaN], day: [0, 0] })
    const totals = countsByCell(points, Float64Array.of(2, 3), 9)
    assert.equal(totals.unplaced, 1)
    assert.deepEqual(totals.places, [latLngToCell(51.51, -0.1, 9)])
    assert.deepEqual([...totals.harm], [2])
  })

  test('the study area adds the empty cells within the rings, keeping every count', () => {
    const cell = latLngToCell(51.51, -0.1, 9)
    const totals = totalsByPlace([cell, cell], Float64Array.of(1, 2))
    const study = withSurroundingCells(totals, 1)
    assert.deepEqual(study.places, [...gridDisk(cell, 1)].sort())
    assert.equal(sum(study.count), 2)
    assert.equal(study.count[study.places.indexOf(cell)], 2)
    assert.equal(study.harm[study.places.indexOf(cell)], 3)
  })
})

describe('counts and harm per area', () => {
  test('give rates per 1,000 residents where the population is known, and null otherwise', () => {
    const { areas, unplaced } = countsByArea(
      ['E01000001', 'E01000001', 'E01000002', null, 'E01000003'],
      Float64Array.of(10, 20, 5, 7, 1),
      { E01000001: 1500, E01000002: 0 },
    )
    assert.equal(unplaced, 1)
    assert.deepEqual(areas[0], {
      area: 'E01000001',
      count: 2,
      harm: 30,
      population: 1500,
      countPer1000: (2 / 1500) * 1000,
      harmPer1000: (30 / 1500) * 1000,
    })
    assert.equal(areas[1]!.countPer1000, null, 'a population of 0 gives no rate')
    assert.equal(areas[2]!.population, null)
    assert.equal(areas[2]!.harmPer1000, null)
  })

  test('a bad population or a key list of the wrong length is refused, naming it', () => {
    assert.throws(
      () => countsByArea(['a'], Float64Array.of(1), { a: -5 }),
      (error: DomainError) => /population of a/.test(error.fields['population.a']!),
    )
    assert.throws(() => countsByArea(['a'], Float64Array.of(1, 2)), /2 points/)
  })

  test('on the City of London police.uk files, match R: counts, harm, Gini and top shares per LSOA', () => {
    const reference = JSON.parse(
      readFileSync(path.join(ROOT, 'test/fixtures/analysis/concentration-police-uk.json'), 'utf8'),
    ) as {
      files: string[]
      rows: number
      unplaced: number
      weights: Record<string, number>
      percents: number[]
      areas: string[]
      count: number[]
      harm: number[]
      countConcentration: { gini: number; topShares: number[] }
      harmConcentration: { gini: number; topShares: number[] }
    }
    assert.deepEqual(
      reference.weights,
      DEFAULT_HARM_WEIGHTS,
      'the fixture was made with the current default weights',
    )
    const rows = reference.files.flatMap(
      (file) => parse(readFileSync(path.join(ROOT, file)), { columns: true }) as Record<string, string>[],
    )
    assert.equal(rows.length, reference.rows)
    const harm = Float64Array.from(
      rows.map((row) => DEFAULT_HARM_WEIGHTS[CRIME_TYPE_CODES[row['Crime type']!]!]!),
    )
    const { areas, unplaced } = countsByArea(
      rows.map((row) => row['LSOA code']!),
      harm,
    )
    assert.equal(unplaced, reference.unplaced)
    assert.deepEqual(
      areas.map((area) => area.area),
      reference.areas,
    )
    assert.deepEqual(
      areas.map((area) => area.count),
      reference.count,
    )
    areas.forEach((area, i) => assert.ok(Math.abs(area.harm - reference.harm[i]!) <= 1e-9))
    for (const [measure, expected] of [
      ['count', reference.countConcentration],
      ['harm', reference.harmConcentration],
    ] as const) {
      const figures = concentration(
        areas.map((area) => area[measure]),
        reference.percents,
      )
      assert.ok(Math.abs(figures.gini! - expected.gini) <= 1e-12, `${measure} Gini`)
      figures.top.forEach((top, k) => assert.ok(Math.abs(top.share! - expected.topShares[k]!) <= 1e-12))
    }
  })
})
