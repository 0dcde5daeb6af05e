import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { pointSet, type PointSet } from '../method.ts'
import { parseMethodOptions } from '../options.ts'
import { readPointsFile } from '../points/read-points-file.ts'
import { changeMethod, type ChangeResult } from './change-method.ts'
import type { ChangeMethodOptions } from './change-options.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const MONTHS = ['2023-04', '2023-05'].map((month) =>
  path.join(ROOT, `samples/police-uk/${month}-city-of-london-street.csv`),
)
const FIXTURE = JSON.parse(
  readFileSync(path.join(ROOT, 'test/fixtures/analysis/sppt-city-of-london-h3.json'), 'utf8'),
) as {
  input: { areas: string[]; baseCounts: number[]; testCounts: number[] }
  proportionDifference: {
    call: string
    pValue: number[]
    pAdjusted: number[]
    sIndex: number[]
    globalS: number
  }[]
  classic: { globalS: number }
  bootstrap: { globalS: number }
}

const APRIL_AND_MAY = {
  split: 'period',
  baseFrom: '2023-04-01',
  baseTo: '2023-04-30',
  testFrom: '2023-05-01',
  testTo: '2023-05-31',
  h3Resolution: 9,
}

let points: PointSet
before(async () => {
  const months = await Promise.all(MONTHS.map((file) => readPointsFile(file)))
  const read = months.map((month) => {
    assert.ok(month.ok)
    return month.points
  })
  const all = <T>(pick: (set: PointSet) => ArrayLike<T>): T[] => read.flatMap((set) => Array.from(pick(set)))
  points = pointSet({
    longitude: all((set) => set.longitude),
    latitude: all((set) => set.latitude),
    day: all((set) => set.day),
    category: all((set) => set.category),
  })
})

const options = (raw: Record<string, unknown>) =>
  parseMethodOptions(changeMethod, raw, 'key') as unknown as ChangeMethodOptions
const run = (raw: Record<string, unknown>, on: PointSet = points) =>
  changeMethod.run(on, options(raw), {}) as ChangeResult

describe('two police.uk months per H3 cell', () => {
  test('count the same points per cell as h3-js does in the fixture', () => {
    const result = run({ ...APRIL_AND_MAY, method: 'proportion-difference' })
    assert.deepEqual(
      result.areas.map((area) => area.area),
      FIXTURE.input.areas,
    )
    assert.deepEqual(
      result.areas.map((area) => area.baseCount),
      FIXTURE.input.baseCounts,
    )
    assert.deepEqual(
      result.areas.map((area) => area.testCount),
      FIXTURE.input.testCounts,
    )
    assert.equal(result.base.points + result.test.points + result.pointsLeftOut, points.size)
  })

  test('give the p-values and S index of R sppt_diff with its defaults', () => {
    const reference = FIXTURE.proportionDifference[0]!
    assert.match(reference.call, /test = "Chi2_Nmin1", adj = "BY"/)
    const result = run({ ...APRIL_AND_MAY, method: 'proportion-difference' })
    result.areas.forEach((area, i) => {
      assert.ok(Math.abs(area.pValue! - reference.pValue[i]!) < 1e-12, `p-value of ${area.area}`)
      assert.ok(
        Math.abs(area.pAdjusted! - reference.pAdjusted[i]!) < 1e-12,
        `adjusted p-value of ${area.area}`,
      )
      assert.equal(area.sIndex, reference.sIndex[i])
      assert.equal(area.localS, -reference.sIndex[i]! || 0)
    })
    assert.ok(Math.abs(result.globalS - reference.globalS) < 1e-12)
    assert.equal(
      result.similarAreas + result.areasHigherInTest + result.areasLowerInTest,
      result.areas.length,
    )
  })

  test('give the classic S index of R sppt over 10,000 samples, but for the 6 of 60 areas that can flip', () => {
    // The 6: areas whose base share is within a point of an interval bound that Monte Carlo error can
    // move (see spatial-point-pattern-test.test.ts).
    const result = run({ ...APRIL_AND_MAY, samples: 10_000, seed: 3 })
    assert.equal(result.method, 'classic')
    assert.ok(Math.abs(result.globalS - FIXTURE.classic.globalS) <= 6 / 60 + 1e-12, `${result.globalS}`)
    assert.deepEqual(result.resampling, { samples: 10_000, seed: 3, samplePercent: 85, sampleSize: 635 })
    for (const area of result.areas) assert.ok(area.lower! <= area.upper!)
  })

  test('give the bootstrap S index of R sppt_boot over 10,000 samples, but for the one area that can flip', () => {
    const result = run({ ...APRIL_AND_MAY, method: 'bootstrap', samples: 10_000, seed: 3 })
    assert.ok(Math.abs(result.globalS - FIXTURE.bootstrap.globalS) <= 1 / 60 + 1e-12, `${result.globalS}`)
    assert.deepEqual(result.resampling, { samples: 10_000, seed: 3, samplePercent: null, sampleSize: null })
    for (const area of result.areas) assert.ok(area.lowerDifference! <= area.upperDifference!)
  })

  test('give the same result for the same seed, whatever the order of the points', () => {
    const order = Array.from({ length: points.size }, (_, i) => points.size - 1 - i)
    const reversed = pointSet({
      longitude: order.map((i) => points.longitude[i]!),
      latitude: order.map((i) => points.latitude[i]!),
      day: order.map((i) => points.day[i]!),
      category: order.map((i) => points.category[i]!),
    })
    const first = run({ ...APRIL_AND_MAY, seed: 11, method: 'proportion-difference' })
    const second = run({ ...APRIL_AND_MAY, seed: 11, method: 'proportion-difference' }, reversed)
    assert.deepEqual(second, first)
    assert.deepEqual(run({ ...APRIL_AND_MAY, seed: 11 }), run({ ...APRIL_AND_MAY, seed: 11 }))
  })
})

test('a split by category compares the two crime types, counted per cell as h3-js counts them', () => {
  const result = run({
    split: 'category',
    baseCategory: 'other-theft',
    testCategory: 'theft-from-the-person',
    method: 'proportion-difference',
    differenceTest: 'fisher',
  })
  const expected = new Map<string, [number, number]>()
  for (let i = 0; i < points.size; i += 1) {
    const which = ['other-theft', 'theft-from-the-person'].indexOf(points.category[i]!)
    if (which < 0) continue
    const cell = latLngToCell(points.latitude[i]!, points.longitude[i]!, 8)
    const count = expected.get(cell) ?? [0, 0]
    count[which]! += 1
    expected.set(cell, count)
  }
  assert.deepEqual(
    result.areas.map((area) => [area.area, [area.baseCount, area.testCount]]),
    [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  )
  assert.equal(result.base.category, 'other-theft')
  assert.equal(result.h3Resolution, 8)
})

describe('options that do not fit say what is wrong', () => {
  const problemsOf = (raw: Record<string, unknown>): Record<string, string> => {
    try {
      run(raw)
    } catch (error) {
      assert.ok(error instanceof DomainError, String(error))
      return error.fields
    }
    assert.fail('expected the options to be refused')
  }

  test('a period split needs four real dates, each period starting before it ends', () => {
    assert.deepEqual(Object.keys(problemsOf({ split: 'period' })).sort(), [
      'baseFrom',
      'baseTo',
      'testFrom',
      'testTo',
    ])
    assert.match(problemsOf({ ...APRIL_AND_MAY, baseTo: '2023-02-30' }).baseTo!, /YYYY-MM-DD/)
    assert.match(
      problemsOf({ ...APRIL_AND_MAY, testTo: '2023-04-30' }).testTo!,
      /ends \(2023-04-30\) before it starts/,
    )
  })

  test('a category split needs two different categories', () => {
    assert.ok(problemsOf({ split: 'category', baseCategory: 'drugs' }).testCategory)
    assert.match(
      problemsOf({ split: 'category', baseCategory: 'drugs', testCategory: 'drugs' }).testCategory!,
      /differ/,
    )
  })

  test('a pattern with no points is named', () => {
    assert.match(
      problemsOf({ ...APRIL_AND_MAY, testFrom: '2024-01-01', testTo: '2024-01-31' }).testFrom!,
      /No point/,
    )
    assert.match(
      problemsOf({ split: 'category', baseCategory: 'drugs', testCategory: 'arson' }).testCategory!,
      /the categories present are .*burglary/,
    )
  })

  test('options out of range are refused before the run', () => {
    assert.throws(
      () => options({ ...APRIL_AND_MAY, samplePercent: 0 }),
      /samplePercent must be a number from 1 to 100/,
    )
    assert.throws(
      () => options({ ...APRIL_AND_MAY, method: 'boot' }),
      /method must be one of classic, bootstrap, proportion-difference/,
    )
  })
})
