import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { pointSet } from '../method.ts'
import { emergingHotspots, type EmergingCategory, type GlobalWindow } from './emerging-hotspots.ts'
import { emergingHotspotsOnCells } from './emerging-hotspots-method.ts'
import type { Neighbours } from './neighbours.ts'

const fixtureUrl = (name: string) => new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url)

const spaceTime = JSON.parse(readFileSync(fixtureUrl('emerging-space-time-gi.json'), 'utf8')) as {
  cells: number
  slices: number
  neighbours: number[][]
  counts: number[][]
}

const fdrFixture = JSON.parse(readFileSync(fixtureUrl('emerging-fdr.json'), 'utf8')) as {
  source: string
  cases: {
    globalWindow: GlobalWindow
    timeWindow: number
    confidence: number
    pFdr: number[][]
    categories: EmergingCategory[]
    categoriesFdr: EmergingCategory[]
  }[]
}

function csr(rows: number[][]): Neighbours {
  const offsets = new Int32Array(rows.length + 1)
  rows.forEach((row, i) => (offsets[i + 1] = offsets[i]! + row.length))
  return { offsets, indices: Int32Array.from(rows.flat()) }
}

const neighbours = csr(spaceTime.neighbours)
const cubeOf = (counts: number[][]) => ({
  cellCount: spaceTime.cells,
  sliceCount: counts.length,
  values: Float64Array.from(counts.flat()),
})

test("with FDR, each slice's p-values and the categories equal R's p.adjust(BH) over spdep localG, slice by slice", async () => {
  assert.match(fdrFixture.source, /spdep 1\.2.*p\.adjust\(p, 'BH'\) over the cells of each slice/)
  const cube = cubeOf(spaceTime.counts)
  let largest = 0
  let changed = 0
  for (const reference of fdrFixture.cases) {
    const options = {
      timeWindow: reference.timeWindow,
      globalWindow: reference.globalWindow,
      confidence: reference.confidence,
    }
    const label = `${reference.globalWindow} ${reference.timeWindow} at ${reference.confidence}%`
    const plain = await emergingHotspots(cube, neighbours, options)
    const corrected = await emergingHotspots(cube, neighbours, { ...options, fdr: true })
    assert.equal(plain.pFdr, null)
    assert.deepEqual(plain.category, reference.categories, `${label} without FDR`)
    assert.deepEqual(corrected.category, reference.categoriesFdr, `${label} with FDR`)
    for (let slice = 0; slice < spaceTime.slices; slice++) {
      for (let cell = 0; cell < spaceTime.cells; cell++) {
        const bin = slice * spaceTime.cells + cell
        largest = Math.max(largest, Math.abs(corrected.pFdr![bin]! - reference.pFdr[slice]![cell]!))
      }
    }
    changed += reference.categories.filter(
      (category, cell) => category !== reference.categoriesFdr[cell],
    ).length
  }
  assert.ok(largest < 1e-12, `largest difference from R's adjusted p: ${largest}`)
  // The fixture is only a check of the correction if the correction changes something in it.
  assert.ok(changed >= 10, `FDR changed ${changed} categories of the fixture`)
})

const HOT_NOW = /^(new|consecutive|intensifying|persistent|diminishing|sporadic|oscillating)-hot-spot$/
const COLD_NOW = /^(new|consecutive|intensifying|persistent|diminishing|sporadic|oscillating)-cold-spot$/

test('with FDR a cell only loses significant slices: no pattern stays no pattern, and no hot or cold spot appears', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 14 }).chain((slices) =>
        fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 36, maxLength: 36 }), {
          minLength: slices,
          maxLength: slices,
        }),
      ),
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom<GlobalWindow>('cube', 'window'),
      fc.constantFrom(90, 95, 99),
      async (counts, timeWindow, globalWindow, confidence) => {
        const cube = cubeOf(counts)
        const options = { timeWindow, globalWindow, confidence }
        const plain = await emergingHotspots(cube, neighbours, options)
        const corrected = await emergingHotspots(cube, neighbours, { ...options, fdr: true })
        assert.deepEqual(corrected.z, plain.z)
        assert.deepEqual(corrected.trendZ, plain.trendZ)
        const alpha = (100 - confidence) / 100
        for (let bin = 0; bin < plain.p.length; bin++) {
          const adjusted = corrected.pFdr![bin]!
          assert.ok(
            adjusted >= plain.p[bin]! && adjusted <= 1,
            `bin ${bin}: ${adjusted} from ${plain.p[bin]}`,
          )
          if (adjusted <= alpha) assert.ok(plain.p[bin]! <= alpha)
        }
        let noPattern = { plain: 0, corrected: 0 }
        plain.category.forEach((before, cell) => {
          const after = corrected.category[cell]!
          const change = `cell ${cell}: ${before} → ${after}`
          if (before === 'no-pattern') assert.equal(after, 'no-pattern', change)
          if (HOT_NOW.test(after)) assert.match(before, HOT_NOW, change)
          if (COLD_NOW.test(after)) assert.match(before, COLD_NOW, change)
          if (before.startsWith('historical-')) assert.ok(after === before || after === 'no-pattern', change)
          noPattern = {
            plain: noPattern.plain + (before === 'no-pattern' ? 1 : 0),
            corrected: noPattern.corrected + (after === 'no-pattern' ? 1 : 0),
          }
        })
        assert.ok(noPattern.corrected >= noPattern.plain)
      },
    ),
    { numRuns: 60 },
  )
})

test('an fdr that is not true or false is refused, naming fdr and the value given', async () => {
  const points = pointSet({ longitude: [-0.09], latitude: [51.51], day: [19_800] })
  await fc.assert(
    fc.asyncProperty(
      fc.anything().filter((value) => typeof value !== 'boolean' && value !== undefined),
      async (fdr) => {
        await assert.rejects(
          emergingHotspotsOnCells(points, { fdr } as unknown as Record<string, never>),
          (error: unknown) =>
            error instanceof DomainError &&
            error.code === 'invalid' &&
            error.fields.fdr!.startsWith('fdr must be true or false, not '),
        )
      },
    ),
  )
})
