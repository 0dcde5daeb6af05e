import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { countHarm, countHarmByCell, countHarmByLsoa } from '../counts/counts-method.ts'
import { pointSet } from '../method.ts'
import { countsPublication, type CountsPublication } from './counts-publication.ts'
import { publicationCsv } from './publication-csv.ts'
import { solvedByIntervals, type ShownCell } from './table-attacker.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')

function cityOfLondonPoints() {
  const rows = ['2023-04', '2023-05'].flatMap(
    (month) =>
      parse(readFileSync(path.join(ROOT, `samples/police-uk/${month}-city-of-london-street.csv`)), {
        columns: true,
      }) as Record<string, string>[],
  )
  const located = rows.filter((row) => row.Longitude !== '')
  return pointSet({
    longitude: located.map((row) => Number(row.Longitude)),
    latitude: located.map((row) => Number(row.Latitude)),
    day: located.map(() => 0),
    category: located.map((row) => CRIME_TYPE_CODES[row['Crime type']!]!),
    area: located.map((row) => row['LSOA code']!),
  })
}

/** The count column and its total as a reader sees them: a one-way table of one column. */
function countColumn(publication: CountsPublication): { cells: ShownCell[]; total: ShownCell } {
  const read = (value: unknown): ShownCell =>
    typeof value === 'number'
      ? value
      : String(value).startsWith('fewer than')
        ? 'fewer-than'
        : (String(value) as ShownCell)
  const rows = publication.rows.map((row) => read(row[1]))
  return { cells: rows.slice(0, -1), total: rows[rows.length - 1]! }
}

function attack(publication: CountsPublication) {
  const { cells, total } = countColumn(publication)
  return solvedByIntervals({
    threshold: publication.threshold,
    cells: cells.map((cell) => [cell]),
    rowTotals: cells,
    columnTotals: [total],
    grandTotal: total,
  })
}

describe('the publishable counts table', () => {
  const points = cityOfLondonPoints()

  test('City of London by H3 cell at resolution 8: small counts suppressed, the rest and the total as counted', () => {
    const result = countHarmByCell(points, { h3Resolution: 8 })
    const publication = countsPublication(result)
    assert.equal(publication.threshold, 5)
    assert.deepEqual(publication.header, ['cell', 'count', 'harm'])
    const places = publication.rows.slice(0, -1)
    assert.equal(places.length, result.cells.length)
    assert.deepEqual(
      places.map((row) => row[0]),
      result.cells.map((cell) => cell.cell).sort(),
      'in order of the cell code, not by count',
    )
    assert.deepEqual(publication.rows[publication.rows.length - 1], [
      'total',
      result.total.count,
      result.total.harm,
    ])
    const truth = new Map(result.cells.map((cell) => [cell.cell, cell]))
    let small = 0
    for (const [cell, count, harm] of places) {
      const real = truth.get(cell as string)!
      if (real.count >= 1 && real.count < 5) {
        small++
        assert.equal(count, 'fewer than 5')
        assert.equal(harm, 'hidden')
      } else if (typeof count === 'number') {
        assert.equal(count, real.count)
        assert.equal(harm, real.harm)
      } else assert.deepEqual([count, harm], ['hidden', 'hidden'])
    }
    assert.ok(small > 0, 'the City has cells with a few incidents')
    assert.equal(publication.suppressed.fewerThan, small)
    assert.deepEqual(attack(publication), [])
    assert.match(
      publication.notes.join('\n'),
      new RegExp(`Suppressed: ${small} of ${places.length} places fewer than 5`),
    )
  })

  test('the file starts with its notes, each a comment line, then a blank line and the table', () => {
    const csv = publicationCsv(
      countsPublication(countHarmByCell(points, { h3Resolution: 7 }), { threshold: 10 }),
    )
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n')
    const blank = lines.indexOf('')
    assert.ok(blank > 2)
    assert.ok(lines.slice(0, blank).every((line) => line.startsWith('# ')))
    assert.match(lines[1]!, /threshold 10: a count from 1 to 9 is shown as 'fewer than 10'/)
    assert.equal(lines[blank + 1], 'cell,count,harm')
  })

  test('by LSOA the rates of a suppressed area are hidden and its population is shown', () => {
    const population = { E01000001: 1500, E01000003: 1200, E01032739: 1800, E01000099: 1000 }
    const result = countHarmByLsoa({ ...points, areaPopulation: population })
    const publication = countsPublication(result)
    assert.deepEqual(publication.header, [
      'area',
      'count',
      'harm',
      'population',
      'countPer1000',
      'harmPer1000',
    ])
    const byArea = new Map(publication.rows.map((row) => [row[0], row]))
    const real = new Map(result.areas.map((area) => [area.area, area]))
    for (const [area, residents] of Object.entries(population)) {
      const row = byArea.get(area)!
      assert.equal(row[3], residents)
      const truth = real.get(area)!
      if (typeof row[1] === 'number') assert.equal(row[4], truth.countPer1000)
      else assert.deepEqual(row.slice(4), ['hidden', 'hidden'])
    }
    assert.equal(byArea.get('E01000099')![1], 0, 'an area with a population and no incident is shown as 0')
    assert.deepEqual(attack(publication), [])
  })

  test('cells finer than resolution 8 are refused, naming the option and the fix', () => {
    assert.throws(
      () => countsPublication(countHarmByCell(points, { h3Resolution: 9 })),
      (error: DomainError) =>
        error.code === 'invalid' &&
        /resolution 9 are too fine to publish: .* 8 or less, or by LSOA/.test(error.fields.h3Resolution!),
    )
    assert.throws(
      () => countsPublication(countHarmByCell(points, { h3Resolution: 8 }), { threshold: 1.5 }),
      (error: DomainError) => /not 1.5/.test(error.fields.threshold!),
    )
  })

  test('the harm total is hidden when it would give back that the hidden places hold only harmless incidents', () => {
    // Two LSOAs of 1 and 2 anti-social behaviour incidents (weight 0), one of 20 burglaries.
    const areas = ['A', 'B', 'B', ...Array<string>(20).fill('C')]
    const result = countHarm(
      pointSet({
        longitude: areas.map(() => -0.1),
        latitude: areas.map(() => 51.5),
        day: areas.map(() => 0),
        category: areas.map((area) => (area === 'C' ? 'burglary' : 'anti-social-behaviour')),
        area: areas,
      }),
      { unit: 'lsoa', harmWeights: 'burglary=100,anti-social-behaviour=0' },
    )
    const publication = countsPublication(result)
    assert.deepEqual(
      publication.rows.map((row) => row.slice(0, 3)),
      [
        ['A', 'fewer than 5', 'hidden'],
        ['B', 'fewer than 5', 'hidden'],
        ['C', 20, 2000],
        ['total', 23, 'hidden'],
      ],
    )
    assert.match(publication.notes.join('\n'), /the harm total hidden/)
  })

  test('a table no hiding can protect is withheld whole: two single incidents with threshold 3 make a total of 2', () => {
    const result = countHarm(
      pointSet({ longitude: [-0.1, -0.1], latitude: [51.5, 51.5], day: [0, 0], area: ['A', 'B'] }),
      { unit: 'lsoa' },
    )
    const publication = countsPublication(result, { threshold: 3 })
    assert.deepEqual(
      publication.rows.map((row) => row.slice(0, 3)),
      [
        ['A', 'withheld', 'withheld'],
        ['B', 'withheld', 'withheld'],
        ['total', 'withheld', 'withheld'],
      ],
    )
    assert.match(publication.notes.join('\n'), /every figure is withheld/)
  })

  test('C7 over random incident sets: every shown count is 0 or at least k, suppressed places show no harm, and none is given back', () => {
    const incident = fc.record({
      longitude: fc.double({ min: -0.115, max: -0.07, noNaN: true }),
      latitude: fc.double({ min: 51.505, max: 51.525, noNaN: true }),
      category: fc.constantFrom(
        'burglary',
        'shoplifting',
        'anti-social-behaviour',
        'violent-crime',
        'bicycle-theft',
      ),
    })
    fc.assert(
      fc.property(
        fc.array(incident, { maxLength: 300 }),
        fc.integer({ min: 7, max: 8 }),
        fc.integer({ min: 3, max: 12 }),
        (incidents, resolution, k) => {
          const result = countHarmByCell(
            pointSet({
              longitude: incidents.map((i) => i.longitude),
              latitude: incidents.map((i) => i.latitude),
              day: incidents.map(() => 0),
              category: incidents.map((i) => i.category),
            }),
            { h3Resolution: resolution },
          )
          const publication = countsPublication(result, { threshold: k })
          for (const row of publication.rows) {
            const [, count, harm] = row
            if (typeof count === 'number')
              assert.ok(count === 0 || count >= k, `${count} shown with k = ${k}`)
            else if (row[0] !== 'total') assert.equal(harm, count === 'withheld' ? 'withheld' : 'hidden')
          }
          assert.deepEqual(attack(publication), [])
        },
      ),
      { numRuns: 150 },
    )
  })
})
