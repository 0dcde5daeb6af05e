import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { before, describe, test } from 'node:test'
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
// R sppt_diff on the counts per LSOA code of the same two files (sppt-city-of-london-lsoa.R).
const FIXTURE = JSON.parse(
  readFileSync(path.join(ROOT, 'test/fixtures/analysis/sppt-city-of-london-lsoa.json'), 'utf8'),
) as {
  input: { areas: string[]; baseCounts: number[]; testCounts: number[] }
  proportionDifference: {
    call: string
    options: { differenceTest: string; adjustment: string }
    pValue: number[]
    pAdjusted: number[]
    sIndex: number[]
    globalS: number
    robustGlobalS: number
  }[]
}

const APRIL_AND_MAY = {
  split: 'period',
  baseFrom: '2023-04-01',
  baseTo: '2023-04-30',
  testFrom: '2023-05-01',
  testTo: '2023-05-31',
  areas: 'lsoa',
  method: 'proportion-difference',
}

let points: PointSet
before(async () => {
  const read = await Promise.all(MONTHS.map((file) => readPointsFile(file)))
  const sets = read.map((month) => {
    assert.ok(month.ok)
    return month.points
  })
  const all = <T>(pick: (set: PointSet) => ArrayLike<T>): T[] => sets.flatMap((set) => Array.from(pick(set)))
  points = pointSet({
    longitude: all((set) => set.longitude),
    latitude: all((set) => set.latitude),
    day: all((set) => set.day),
    category: all((set) => set.category),
    area: all((set) => set.area!),
  })
})

const run = (raw: Record<string, unknown>, on: PointSet = points) =>
  changeMethod.run(
    on,
    parseMethodOptions(changeMethod, raw, 'key') as unknown as ChangeMethodOptions,
    {},
  ) as ChangeResult

describe('two police.uk months per LSOA', () => {
  test('count per LSOA code what R counts straight from the files', () => {
    const result = run(APRIL_AND_MAY)
    assert.equal(result.areaKind, 'lsoa')
    assert.equal(result.h3Resolution, null)
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
    assert.equal(result.pointsLeftOut, 0)
    assert.match(changeMethod.summarise(result), /over 30 LSOAs/)
  })

  for (const reference of FIXTURE.proportionDifference) {
    test(`give the p-values and S index of R ${reference.call}`, () => {
      const result = run({ ...APRIL_AND_MAY, ...reference.options })
      result.areas.forEach((area, i) => {
        assert.ok(Math.abs(area.pValue! - reference.pValue[i]!) < 1e-12, `p-value of ${area.area}`)
        assert.ok(Math.abs(area.pAdjusted! - reference.pAdjusted[i]!) < 1e-12, `adjusted p of ${area.area}`)
        assert.equal(area.sIndex, reference.sIndex[i], area.area)
      })
      assert.ok(Math.abs(result.globalS - reference.globalS) < 1e-12)
      assert.ok(Math.abs(result.robustGlobalS - reference.robustGlobalS) < 1e-12)
    })
  }

  test('points without an LSOA code are left out and counted', () => {
    const area = points.area!.map((code, i) => (i % 10 === 0 ? '' : code))
    const result = run(APRIL_AND_MAY, pointSet({ ...points, area }))
    assert.equal(result.pointsLeftOut, area.filter((code) => code === '').length)
    assert.equal(result.base.points + result.test.points + result.pointsLeftOut, points.size)
  })

  test('points that carry no LSOA at all get a clear error naming the areas option', () => {
    const withoutAreas = pointSet({ ...points, area: undefined })
    assert.throws(
      () => run(APRIL_AND_MAY, withoutAreas),
      (error: DomainError) =>
        error instanceof DomainError && /LSOA code of each point/.test(error.fields.areas!),
    )
  })
})
