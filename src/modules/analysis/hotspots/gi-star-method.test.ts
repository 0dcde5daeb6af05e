import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, test } from 'node:test'
import { latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { pointSet, type PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { parseMethodOptions } from '../options.ts'
import { hotspotClass } from './gi-star.ts'
import { giStarHotspots, giStarMethod, type GiStarCell, type GiStarResult } from './gi-star-method.ts'

const root = new URL('../../../../', import.meta.url)
const reference = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-h3.json', root), 'utf8'),
) as {
  studies: {
    name: string
    resolution: number
    rings: number
    cells: string[]
    counts: number[]
    z: number[]
    p: number[]
    pFdr: number[]
  }[]
}

/** The located rows of the two City of London street files, as points. */
function streetPoints(): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  for (const month of ['2023-04', '2023-05']) {
    const text = readFileSync(
      new URL(`../shared/data/police-uk/${month}-city-of-london-street.csv`, root),
      'utf8',
    )
    for (const line of text.split('\n').slice(1)) {
      const fields = line.split(',')
      if (fields.length < 6 || fields[4] === '') continue
      longitude.push(Number(fields[4]))
      latitude.push(Number(fields[5]))
    }
  }
  return pointSet({ longitude, latitude, day: new Array<number>(longitude.length).fill(19_450) })
}

/** The rows of an h3 result, each checked to name its cell. */
function cellRows(result: GiStarResult): GiStarCell[] {
  return result.cells.map((row) => {
    assert.ok('cell' in row, 'an h3 row names its cell')
    return row
  })
}

const points = streetPoints()
const options = { h3Resolution: 9, rings: 1, permutations: 0, seed: 1, weighted: false }

describe('gi-star method on the City of London street files', () => {
  for (const study of reference.studies) {
    test(`every cell's count, z, p and pFdr equal spdep localG and p.adjust (${study.name}), classes follow z and pFdr`, async () => {
      const result = await giStarHotspots(points, {
        ...options,
        h3Resolution: study.resolution,
        rings: study.rings,
      })
      assert.deepEqual(
        cellRows(result).map((cell) => cell.cell),
        study.cells,
      )
      cellRows(result).forEach((cell, i) => {
        assert.equal(cell.count, study.counts[i])
        assert.ok(Math.abs(cell.z - study.z[i]!) < 1e-12, `z of ${cell.cell}`)
        assert.ok(Math.abs(cell.p - study.p[i]!) <= 1e-12 * Math.max(study.p[i]!, 1e-3), `p of ${cell.cell}`)
        assert.ok(
          Math.abs(cell.pFdr - study.pFdr[i]!) <= 1e-12 * Math.max(study.pFdr[i]!, 1e-3),
          `pFdr of ${cell.cell}`,
        )
        assert.equal(cell.class, hotspotClass(study.z[i]!, study.pFdr[i]!))
        assert.equal(cell.pPermutation, null)
      })
      assert.equal(result.summary.points, points.size)
    })
  }

  test('gives exactly the fields of the fixed contract for each cell', async () => {
    const result = await giStarHotspots(points, { ...options, permutations: 99 })
    for (const cell of result.cells) {
      assert.deepEqual(Object.keys(cell), ['cell', 'count', 'z', 'p', 'pPermutation', 'pFdr', 'class'])
      assert.ok(cell.pPermutation! > 0 && cell.pPermutation! <= 1)
    }
    assert.ok(result.cells.some((cell) => cell.class === 'hot-99'))
  })

  test('the same seed gives the same result; the result does not depend on the order of the points', async () => {
    const first = await giStarHotspots(points, { ...options, permutations: 99, seed: 3 })
    const order = Array.from({ length: points.size }, (_, i) => points.size - 1 - i)
    const reversed = pointSet({
      longitude: order.map((i) => points.longitude[i]!),
      latitude: order.map((i) => points.latitude[i]!),
      day: order.map((i) => points.day[i]!),
    })
    assert.deepEqual(await giStarHotspots(reversed, { ...options, permutations: 99, seed: 3 }), first)
    const other = await giStarHotspots(points, { ...options, permutations: 99, seed: 4 })
    assert.notDeepEqual(
      other.cells.map((cell) => cell.pPermutation),
      first.cells.map((cell) => cell.pPermutation),
    )
  })

  test('weighted sums the point weights per cell instead of counting', async () => {
    const weight = Array.from({ length: points.size }, (_, i) => (i % 3) + 0.5)
    const weighted = pointSet({
      longitude: points.longitude,
      latitude: points.latitude,
      day: points.day,
      weight,
    })
    const result = await giStarHotspots(weighted, { ...options, weighted: true })
    const expected = new Map<string, number>()
    for (let i = 0; i < points.size; i++) {
      const cell = latLngToCell(points.latitude[i]!, points.longitude[i]!, 9)
      expected.set(cell, (expected.get(cell) ?? 0) + weight[i]!)
    }
    for (const cell of cellRows(result))
      assert.ok(Math.abs(cell.count - (expected.get(cell.cell) ?? 0)) < 1e-9)
    const total = result.cells.reduce((sum, cell) => sum + cell.count, 0)
    assert.ok(Math.abs(total - weight.reduce((sum, value) => sum + value, 0)) < 1e-9)
  })

  test('reports progress up to 1 and stops with an AbortError when cancelled', async () => {
    const fractions: number[] = []
    await giStarHotspots(
      points,
      { ...options, permutations: 999 },
      { progress: (fraction) => fractions.push(fraction) },
    )
    assert.ok(fractions.length >= 2 && fractions.at(-1) === 1)
    assert.deepEqual(
      fractions,
      [...fractions].sort((a, b) => a - b),
    )

    const controller = new AbortController()
    const run = giStarHotspots(
      points,
      { ...options, permutations: 99_999 },
      { signal: controller.signal, progress: () => controller.abort() },
    )
    await assert.rejects(run, { name: 'AbortError' })
  })
})

describe('gi-star method edge cases and options', () => {
  test('a single point: its cell and the 6 around it; the centre neighbours every cell, so z = 0 there', async () => {
    const one = pointSet({ longitude: [-0.09], latitude: [51.515], day: [0] })
    const result: GiStarResult = await giStarHotspots(one, { ...options, permutations: 99 })
    assert.equal(result.cells.length, 7)
    const centre = cellRows(result).find((cell) => cell.count === 1)!
    assert.equal(centre.cell, latLngToCell(51.515, -0.09, 9))
    assert.deepEqual([centre.z, centre.p, centre.pPermutation], [0, 1, 1])
    assert.ok(
      result.cells.every((cell) => cell === centre || cell.z > 0),
      'every ring cell has the point among its neighbours',
    )
    assert.ok(result.cells.every((cell) => cell.class === 'not-significant'))
  })

  test('no points give no cells', async () => {
    const result = await giStarHotspots(pointSet({ longitude: [], latitude: [], day: [] }), options)
    assert.deepEqual(result.cells, [])
  })

  test('points without a location are left out and counted', async () => {
    const some = pointSet({ longitude: [-0.09, Number.NaN], latitude: [51.515, Number.NaN], day: [0, 0] })
    const result = await giStarHotspots(some, options)
    assert.equal(result.summary.pointsWithoutLocation, 1)
    assert.equal(
      result.cells.reduce((sum, cell) => sum + cell.count, 0),
      1,
    )
  })

  test('bad options are refused with the option named and the reason', async () => {
    const problems = async (given: Record<string, unknown>) => {
      try {
        await giStarHotspots(points, given)
      } catch (error) {
        assert.ok(error instanceof DomainError && error.code === 'invalid')
        return error.fields
      }
      assert.fail('the options were accepted')
    }
    assert.deepEqual(
      await problems({ h3Resolution: 4, rings: 0, permutations: 100_000, seed: -1, weighted: 'yes' }),
      {
        h3Resolution: 'h3Resolution must be a whole number from 5 to 12, not 4',
        rings: 'rings must be a whole number from 1 to 10, not 0',
        permutations: 'permutations must be a whole number from 0 to 99999, not 100000',
        seed: 'seed must be a whole number from 0 to 9007199254740991, not -1',
        weighted: 'weighted must be true or false, not yes',
      },
    )
    assert.deepEqual(Object.keys(await problems({ rings: 1.5 })), ['rings'])
  })

  test('is listed as gi-star, and its command-line flags are read with their defaults', () => {
    assert.equal(methodByName('gi-star'), giStarMethod)
    assert.deepEqual(parseMethodOptions(giStarMethod, { h3Resolution: '10' }), {
      unit: 'h3',
      neighbours: 'rings',
      h3Resolution: 10,
      rings: 1,
      permutations: 999,
      seed: 1,
      weighted: false,
    })
    assert.throws(
      () => parseMethodOptions(giStarMethod, { rings: '11' }),
      /--rings must be a whole number from 1 to 10/,
    )
  })

  test('summarises the classes in a few lines', async () => {
    const text = giStarMethod.summarise(await giStarHotspots(points, options))
    assert.match(
      text,
      /^\d+ H3 cells at resolution 9 \(\d+ with points\), 1 ring\(s\) of neighbours\nhot: \d+ at 99%/,
    )
  })
})

const distanceReference = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-distance.json', root), 'utf8'),
) as {
  h3: { metres: number; cells: string[]; counts: number[]; z: number[]; p: number[]; pFdr: number[] }
  lsoa: { metres: number; areas: string[]; counts: number[]; z: number[]; p: number[]; pFdr: number[] }
}

/** Every row of the April City of London street file, with its LSOA code ('' and NaN where it has none). */
function aprilPoints(): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  const area: string[] = []
  const text = readFileSync(
    new URL('../shared/data/police-uk/2023-04-city-of-london-street.csv', root),
    'utf8',
  )
  for (const line of text.split('\n').slice(1)) {
    const fields = line.split(',')
    if (fields.length < 8) continue
    longitude.push(fields[4] === '' ? Number.NaN : Number(fields[4]))
    latitude.push(fields[5] === '' ? Number.NaN : Number(fields[5]))
    area.push(fields[7]!)
  }
  return pointSet({ longitude, latitude, day: new Array<number>(longitude.length).fill(19_448), area })
}

/** The figures of each row equal the reference's: count exactly, z, p and pFdr to 1e-9. */
function assertFiguresEqual(
  rows: GiStarResult['cells'],
  reference: { counts: number[]; z: number[]; p: number[]; pFdr: number[] },
) {
  assert.equal(rows.length, reference.counts.length)
  rows.forEach((row, i) => {
    assert.equal(row.count, reference.counts[i])
    assert.ok(Math.abs(row.z - reference.z[i]!) < 1e-9, `z of row ${i}: ${row.z} against ${reference.z[i]}`)
    assert.ok(Math.abs(row.p - reference.p[i]!) < 1e-9, `p of row ${i}`)
    assert.ok(Math.abs(row.pFdr - reference.pFdr[i]!) < 1e-9, `pFdr of row ${i}`)
    assert.equal(row.class, hotspotClass(reference.z[i]!, reference.pFdr[i]!))
  })
}

describe('gi-star with neighbours within a distance, and by LSOA, on the April City of London street file', () => {
  const april = aprilPoints()

  test("H3 cells within 400 m: the study area, counts, z, p and pFdr of spdep localG on dnearneigh's lists", async () => {
    const result = await giStarHotspots(april, {
      neighbours: 'distance',
      distance: distanceReference.h3.metres,
      permutations: 0,
    })
    assert.deepEqual(
      cellRows(result).map((row) => row.cell),
      distanceReference.h3.cells,
    )
    assertFiguresEqual(result.cells, distanceReference.h3)
    assert.ok(result.cells.some((row) => row.class === 'hot-99'))
  })

  test('LSOAs with centres within 1000 m: every LSOA of the points, with the figures of spdep localG', async () => {
    const result = await giStarHotspots(april, {
      unit: 'lsoa',
      neighbours: 'distance',
      distance: distanceReference.lsoa.metres,
      permutations: 0,
    })
    assert.deepEqual(
      result.cells.map((row) => ('area' in row ? row.area : undefined)),
      distanceReference.lsoa.areas,
    )
    assertFiguresEqual(result.cells, distanceReference.lsoa)
    assert.equal(result.summary.pointsWithoutLocation, 56)
    assert.equal(result.summary.pointsWithoutArea, 0)
  })

  test('LSOA rows have area instead of cell and every other field of the contract, with permutation p-values', async () => {
    const result = await giStarHotspots(april, {
      unit: 'lsoa',
      neighbours: 'distance',
      distance: 1000,
      permutations: 99,
    })
    for (const row of result.cells) {
      assert.deepEqual(Object.keys(row), ['area', 'count', 'z', 'p', 'pPermutation', 'pFdr', 'class'])
      assert.ok(row.pPermutation! > 0 && row.pPermutation! <= 1)
    }
    const distance = await giStarHotspots(april, { neighbours: 'distance', distance: 400, permutations: 99 })
    for (const row of distance.cells) {
      assert.deepEqual(Object.keys(row), ['cell', 'count', 'z', 'p', 'pPermutation', 'pFdr', 'class'])
    }
  })

  test('by LSOA, points without a code are left out and counted; the weighted values sum the weights', async () => {
    const area = april.area!.map((code, i) => (i % 10 === 0 ? '' : code))
    const weight = Array.from({ length: april.size }, (_, i) => (i % 4) + 0.25)
    const points = pointSet({ ...april, area, weight, category: [...april.category] })
    const result = await giStarHotspots(points, {
      unit: 'lsoa',
      neighbours: 'distance',
      distance: 1000,
      permutations: 0,
      weighted: true,
    })
    let withArea = 0
    let expected = 0
    for (let i = 0; i < april.size; i++) {
      if (!Number.isFinite(april.longitude[i]!)) continue
      if (area[i] === '') continue
      withArea++
      expected += weight[i]!
    }
    assert.equal(
      result.summary.pointsWithoutArea,
      april.size - result.summary.pointsWithoutLocation - withArea,
    )
    const total = result.cells.reduce((sum, row) => sum + row.count, 0)
    assert.ok(Math.abs(total - expected) < 1e-9)
  })

  test('by LSOA, points that carry no LSOA codes at all are refused, naming the unit', async () => {
    const withoutCodes = pointSet({ longitude: [-0.09], latitude: [51.515], day: [0] })
    await assert.rejects(
      giStarHotspots(withoutCodes, { unit: 'lsoa', neighbours: 'distance', distance: 500 }),
      (error) => {
        assert.ok(error instanceof DomainError)
        assert.match(error.fields.unit!, /need the LSOA code of each point/)
        return true
      },
    )
  })

  test('the result does not depend on the order of the points, for distance and for LSOAs', async () => {
    const order = Array.from({ length: april.size }, (_, i) => april.size - 1 - i)
    const reversed = pointSet({
      longitude: order.map((i) => april.longitude[i]!),
      latitude: order.map((i) => april.latitude[i]!),
      day: order.map((i) => april.day[i]!),
      area: order.map((i) => april.area![i]!),
    })
    for (const options of [
      { neighbours: 'distance', distance: 400, permutations: 99, seed: 5 },
      { unit: 'lsoa', neighbours: 'distance', distance: 1000, permutations: 99, seed: 5 },
    ] as const) {
      assert.deepEqual(await giStarHotspots(reversed, options), await giStarHotspots(april, options))
    }
  })

  test('summarises the neighbourhood: a distance, or LSOA centres within it', async () => {
    const cells = await giStarHotspots(april, { neighbours: 'distance', distance: 400, permutations: 0 })
    assert.match(
      giStarMethod.summarise(cells),
      /^121 H3 cells at resolution 9 \(50 with points\), neighbours within 400 m\n/,
    )
    const areas = await giStarHotspots(april, {
      unit: 'lsoa',
      neighbours: 'distance',
      distance: 1000,
      permutations: 0,
    })
    assert.match(giStarMethod.summarise(areas), /^23 LSOAs with points, neighbours: centres within 1000 m\n/)
  })
})

describe('gi-star options for neighbours and unit', () => {
  const problemsOf = (given: Record<string, unknown>) => {
    try {
      parseMethodOptions(giStarMethod, given, 'key')
    } catch (error) {
      assert.ok(error instanceof DomainError && error.code === 'invalid')
      return error.fields
    }
    return {}
  }

  test('neighbours distance needs a distance, and a distance needs neighbours distance', () => {
    assert.deepEqual(problemsOf({ neighbours: 'distance' }), {
      distance:
        'distance is required when neighbours is distance: the metres (50 to 20000) within which centres are neighbours',
    })
    assert.deepEqual(problemsOf({ distance: 400 }), {
      distance:
        'distance is used only when neighbours is distance: choose neighbours distance, or leave distance out',
    })
    assert.deepEqual(problemsOf({ neighbours: 'distance', distance: '400' }), {})
  })

  test('unit lsoa needs neighbours distance, adjacency or contiguity', () => {
    assert.deepEqual(Object.keys(problemsOf({ unit: 'lsoa', distance: 1000 })), ['neighbours'])
    assert.match(
      problemsOf({ unit: 'lsoa', distance: 1000 }).neighbours!,
      /neighbours must be distance, adjacency or contiguity when unit is lsoa/,
    )
    assert.deepEqual(problemsOf({ unit: 'lsoa', neighbours: 'distance', distance: 1000 }), {})
  })

  test('a distance outside 50..20000 m, or making neighbourhoods of more than 1000 cells, is refused', () => {
    assert.match(problemsOf({ neighbours: 'distance', distance: 49 }).distance!, /from 50 to 20000/)
    assert.match(problemsOf({ neighbours: 'distance', distance: 20_001 }).distance!, /from 50 to 20000/)
    assert.match(
      problemsOf({ neighbours: 'distance', distance: 2000, h3Resolution: 11 }).distance!,
      /^distance 2000 m at H3 resolution 11 makes neighbourhoods of about \d+ cells, more than the 1000 allowed: choose at most \d+ m/,
    )
    // LSOAs are few: no such limit.
    assert.deepEqual(
      problemsOf({ unit: 'lsoa', neighbours: 'distance', distance: 20_000, h3Resolution: 12 }),
      {},
    )
  })

  test('bad values are refused by the method itself, each named, whatever the values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.integer()),
        fc.oneof(fc.string(), fc.integer()),
        fc.oneof(fc.double({ noNaN: false }), fc.string()),
        async (unit, neighbours, distance) => {
          fc.pre(
            !['h3', 'lsoa'].includes(String(unit)) && !['rings', 'distance'].includes(String(neighbours)),
          )
          fc.pre(!(typeof distance === 'number' && distance >= 50 && distance <= 20_000))
          try {
            await giStarHotspots(aprilPointsOnce(), { unit, neighbours, distance } as never)
          } catch (error) {
            assert.ok(error instanceof DomainError)
            assert.deepEqual(Object.keys(error.fields).sort(), ['distance', 'neighbours', 'unit'])
            return
          }
          assert.fail('the options were accepted')
        },
      ),
      { numRuns: 50 },
    )
  })
})

let aprilOnce: PointSet | undefined
const aprilPointsOnce = () => (aprilOnce ??= aprilPoints())

test('in London at resolution 9, neighbours within 400 m are the cell and the six touching it: the same result as 1 ring', async () => {
  const rings = await giStarHotspots(points, { ...options, permutations: 99 })
  const distance = await giStarHotspots(points, {
    ...options,
    permutations: 99,
    neighbours: 'distance',
    distance: 400,
  })
  assert.deepEqual(distance.cells, rings.cells)
})
