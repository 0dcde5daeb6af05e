import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { pointSet, type PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { parseMethodOptions } from '../options.ts'
import { hotspotClass } from './gi-star.ts'
import { giStarHotspots, giStarMethod, type GiStarResult } from './gi-star-method.ts'

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
        result.cells.map((cell) => cell.cell),
        study.cells,
      )
      result.cells.forEach((cell, i) => {
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
    for (const cell of result.cells) assert.ok(Math.abs(cell.count - (expected.get(cell.cell) ?? 0)) < 1e-9)
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
    const centre = result.cells.find((cell) => cell.count === 1)!
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
