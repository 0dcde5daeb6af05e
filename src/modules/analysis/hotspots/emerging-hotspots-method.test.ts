import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { dayNumber, pointSet, type PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { parseMethodOptions } from '../options.ts'
import { emergingHotspotsMethod, emergingHotspotsOnCells } from './emerging-hotspots-method.ts'

/** St Paul's Cathedral, London, at resolution 8. */
const CENTRE = latLngToCell(51.5138, -0.0984, 8)

/**
 * Twelve months of 2024 over the cells within three rings of CENTRE, one point per cell per month,
 * plus `extra(cell, month)` more points in a cell in a month.
 */
function cityPoints(extra: (cell: string, month: number) => number): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  const day: number[] = []
  for (let month = 1; month <= 12; month++) {
    for (const cell of gridDisk(CENTRE, 3)) {
      const [lat, lng] = cellToLatLng(cell)
      for (let k = 0; k < 1 + extra(cell, month); k++) {
        latitude.push(lat)
        longitude.push(lng)
        day.push(dayNumber(2024, month, 1 + (k % 28)))
      }
    }
  }
  return pointSet({ longitude, latitude, day })
}

const cellResult = (result: Awaited<ReturnType<typeof emergingHotspotsOnCells>>, cell: string) =>
  result.cells.find((row) => row.cell === cell)!

test('is registered under its name', () => {
  assert.equal(methodByName('emerging-hotspots'), emergingHotspotsMethod)
})

// Extra points in CENTRE per month (1 = January), on top of one point per cell per month. Each
// category follows from its rule: e.g. hot only in December is new; hot January to November but
// back to the background in December is historical.
const SCENARIOS: [string, (month: number) => number, string][] = [
  ['30 extra in December only', (month) => (month === 12 ? 30 : 0), 'new-hot-spot'],
  ['20 extra from October', (month) => (month >= 10 ? 20 : 0), 'consecutive-hot-spot'],
  ['20 extra every month', () => 20, 'persistent-hot-spot'],
  ['20 + 3 per month, rising all year', (month) => 20 + 3 * month, 'intensifying-hot-spot'],
  [
    '40 + 3 per month left in the year, falling all year',
    (month) => 40 + 3 * (13 - month),
    'diminishing-hot-spot',
  ],
  ['20 extra every third month', (month) => (month % 3 === 0 ? 20 : 0), 'sporadic-hot-spot'],
  ['20 extra until November, none in December', (month) => (month < 12 ? 20 : 0), 'historical-hot-spot'],
]

for (const [scenario, extra, category] of SCENARIOS) {
  test(`a cell with ${scenario} is a ${category}`, async () => {
    const result = await emergingHotspotsOnCells(
      cityPoints((cell, month) => (cell === CENTRE ? extra(month) : 0)),
      {},
    )
    assert.equal(cellResult(result, CENTRE).category, category)
  })
}

test('compared with its time window only, a cell rising out of a flat background can look diminishing', async () => {
  // Gi* within one slice is bounded (about √((n − k) / k) for a lone busy cell), so a rising count
  // brings it closer to the bound from above as the slice's variance grows with it.
  const points = cityPoints((cell, month) => (cell === CENTRE ? 3 * month : 0))
  const window = await emergingHotspotsOnCells(points, { globalWindow: 'window' })
  const cube = await emergingHotspotsOnCells(points, { globalWindow: 'cube' })
  assert.ok(cellResult(window, CENTRE).trend.z < 0)
  assert.ok(cellResult(cube, CENTRE).trend.z > 0)
})

test('a cell hot all year and one hot only at the end are told apart in one run', async () => {
  const busyAllYear = gridDisk(CENTRE, 3).find((cell) => !gridDisk(CENTRE, 2).includes(cell))!
  const result = await emergingHotspotsOnCells(
    cityPoints((cell, month) => (cell === CENTRE && month === 12 ? 30 : cell === busyAllYear ? 20 : 0)),
    {},
  )
  assert.equal(cellResult(result, CENTRE).category, 'new-hot-spot')
  assert.equal(cellResult(result, busyAllYear).category, 'persistent-hot-spot')
  assert.deepEqual(result.warnings, [])
})

test('every cell of the study area is listed with its counts and z per slice, and counts add up to the points', async () => {
  const points = cityPoints((cell, month) => (cell === CENTRE ? month : 0))
  const result = await emergingHotspotsOnCells(points, { rings: 2 })
  assert.deepEqual(
    result.slices.map((slice) => slice.label),
    Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`),
  )
  // Cells with points (3 rings) plus 2 rings around them: every cell within 5 rings.
  assert.deepEqual(result.cells.map((row) => row.cell).sort(), gridDisk(CENTRE, 5).sort())
  let total = 0
  for (const row of result.cells) {
    assert.equal(row.counts.length, 12)
    assert.equal(row.z.length, 12)
    total += row.counts.reduce((sum, count) => sum + count, 0)
  }
  assert.equal(total, points.size)
  assert.deepEqual(
    cellResult(result, CENTRE).counts,
    Array.from({ length: 12 }, (_, i) => 2 + i),
  )
  assert.equal(result.summary.cellsWithPoints, gridDisk(CENTRE, 3).length)
  const categorised = Object.values(result.summary.categories).reduce((sum, count) => sum + count, 0)
  assert.equal(categorised, result.cells.length)
})

test('weighted runs sum harm weights per cell and slice', async () => {
  const points = pointSet({
    longitude: [-0.0984, -0.0984, -0.0984],
    latitude: [51.5138, 51.5138, 51.5138],
    day: [dayNumber(2024, 1, 5), dayNumber(2024, 1, 20), dayNumber(2024, 2, 1)],
    weight: [2.5, 4, 10],
  })
  const weighted = await emergingHotspotsOnCells(points, { weighted: true })
  assert.deepEqual(cellResult(weighted, CENTRE).counts, [6.5, 10])
  const counted = await emergingHotspotsOnCells(points, {})
  assert.deepEqual(cellResult(counted, CENTRE).counts, [2, 1])
})

test('weekly slices follow ISO weeks', async () => {
  const points = pointSet({
    longitude: [-0.0984, -0.0984],
    latitude: [51.5138, 51.5138],
    // Sunday 7 January 2024 ends ISO week 1; Monday 15 January starts week 3.
    day: [dayNumber(2024, 1, 7), dayNumber(2024, 1, 15)],
  })
  const result = await emergingHotspotsOnCells(points, { slice: 'week' })
  assert.deepEqual(
    result.slices.map((slice) => slice.label),
    ['2024-W01', '2024-W02', '2024-W03'],
  )
  assert.deepEqual(cellResult(result, CENTRE).counts, [1, 0, 1])
  assert.match(result.warnings[0]!, /Only 3 time slice/)
})

test('the order of the points does not change the result', async () => {
  const points = cityPoints((cell, month) => (cell === CENTRE && month > 8 ? 5 : 0))
  const expected = await emergingHotspotsOnCells(points, { timeWindow: 2 })
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (seed) => {
      const order = Array.from({ length: points.size }, (_, i) => i)
      let state = seed + 1
      for (let i = order.length - 1; i > 0; i--) {
        state = (state * 16807) % 2147483647
        const j = state % (i + 1)
        ;[order[i], order[j]] = [order[j]!, order[i]!]
      }
      const shuffled = pointSet({
        longitude: order.map((i) => points.longitude[i]!),
        latitude: order.map((i) => points.latitude[i]!),
        day: order.map((i) => points.day[i]!),
      })
      assert.deepEqual(await emergingHotspotsOnCells(shuffled, { timeWindow: 2 }), expected)
    }),
    { numRuns: 5 },
  )
})

test('points without a location are left out and counted', async () => {
  const points = pointSet({
    longitude: [-0.0984, Number.NaN],
    latitude: [51.5138, 51.5],
    day: [dayNumber(2024, 1, 5), dayNumber(2024, 3, 1)],
  })
  const result = await emergingHotspotsOnCells(points, {})
  assert.equal(result.summary.pointsWithoutLocation, 1)
  assert.equal(result.slices.length, 1)
})

test('no points give an empty result that says so', async () => {
  const result = await emergingHotspotsOnCells(pointSet({ longitude: [], latitude: [], day: [] }), {})
  assert.deepEqual(result.cells, [])
  assert.deepEqual(result.slices, [])
  assert.match(result.warnings[0]!, /no points/)
  assert.match(emergingHotspotsMethod.summarise(result), /0 H3 cells/)
})

test('progress rises to 1 and names each slice', async () => {
  const reports: [number, string][] = []
  await emergingHotspotsOnCells(
    cityPoints(() => 0),
    {},
    { progress: (fraction, stage) => reports.push([fraction, stage]) },
  )
  assert.ok(reports.every(([fraction], i) => i === 0 || fraction >= reports[i - 1]![0]))
  assert.deepEqual(reports.at(-1), [1, 'done'])
  assert.ok(reports.some(([, stage]) => stage === 'gi-star 2024-12'))
})

test('bad options are refused with a message naming each option', async () => {
  const points = cityPoints(() => 0)
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ confidence: 80 }, 'confidence', /confidence must be 90, 95 or 99/],
    [{ slice: 'day' }, 'slice', /slice must be week or month/],
    [{ globalWindow: 'slice' }, 'globalWindow', /globalWindow must be cube or window/],
    [{ timeWindow: 0 }, 'timeWindow', /timeWindow must be a whole number from 1 to 24/],
    [{ rings: 1.5 }, 'rings', /rings must be a whole number from 1 to 10/],
    [{ h3Resolution: 20 }, 'h3Resolution', /h3Resolution must be a whole number from 5 to 12/],
    [{ fdr: 'yes' }, 'fdr', /fdr must be true or false, not yes/],
  ]
  for (const [options, field, message] of cases) {
    await assert.rejects(emergingHotspotsOnCells(points, options), (error: unknown) => {
      assert.ok(error instanceof DomainError)
      assert.equal(error.code, 'invalid')
      assert.match(error.fields[field]!, message)
      return true
    })
  }
})

test('options from the command line get their defaults and the confidence check', () => {
  assert.deepEqual(parseMethodOptions(emergingHotspotsMethod, {}), {
    h3Resolution: 8,
    rings: 1,
    slice: 'month',
    timeWindow: 1,
    globalWindow: 'cube',
    confidence: 90,
    fdr: false,
    weighted: false,
  })
  assert.throws(
    () => parseMethodOptions(emergingHotspotsMethod, { confidence: '97' }),
    (error: unknown) =>
      error instanceof DomainError && /90, 95 or 99/.test(error.fields['--confidence'] ?? ''),
  )
})

test('the summary names the categories found', async () => {
  const result = await emergingHotspotsOnCells(
    cityPoints((cell, month) => (cell === CENTRE && month === 12 ? 30 : 0)),
    {},
  )
  const summary = emergingHotspotsMethod.summarise(result)
  assert.match(summary, /12 months \(2024-01 to 2024-12\)/)
  assert.match(summary, /new-hot-spot: \d+/)
})

test('FDR is off by default; with it each cell lists its adjusted p per slice and a strong new hot spot stays new', async () => {
  const points = cityPoints((cell, month) => (cell === CENTRE && month === 12 ? 30 : 0))
  const plain = await emergingHotspotsOnCells(points, {})
  assert.deepEqual(await emergingHotspotsOnCells(points, { fdr: false }), plain)
  assert.equal(plain.parameters.fdr, false)
  assert.ok(plain.cells.every((row) => row.pFdr === undefined))
  const corrected = await emergingHotspotsOnCells(points, { fdr: true })
  assert.equal(corrected.parameters.fdr, true)
  assert.ok(corrected.cells.every((row) => row.pFdr!.length === corrected.slices.length))
  assert.equal(cellResult(corrected, CENTRE).category, 'new-hot-spot')
  assert.ok(corrected.summary.categories['no-pattern'] >= plain.summary.categories['no-pattern'])
  assert.match(emergingHotspotsMethod.summarise(corrected), /FDR-adjusted per slice/)
  assert.equal(parseMethodOptions(emergingHotspotsMethod, { fdr: 'true' }).fdr, true)
})
