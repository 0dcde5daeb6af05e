import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { dayNumber } from '../method.ts'
import {
  EMERGING_CATEGORIES,
  classifyEmergingCategory,
  emergingHotspots,
  spaceTimeCube,
  timeSlicing,
  type EmergingCategory,
} from './emerging-hotspots.ts'
import type { Neighbours } from './neighbours.ts'

const fixtureUrl = (name: string) => new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url)

interface PatternCase {
  series: string
  trend: { z: number; p: number }
  confidence?: number
  expected?: EmergingCategory
  why?: string
}

const patternFixture = JSON.parse(readFileSync(fixtureUrl('emerging-patterns.json'), 'utf8')) as {
  source: string
  categories: Record<string, { rule: string; hits: PatternCase[]; nearMisses: PatternCase[] }>
  coldExamples: PatternCase[]
}

const spaceTimeFixture = JSON.parse(readFileSync(fixtureUrl('emerging-space-time-gi.json'), 'utf8')) as {
  source: string
  cells: number
  slices: number
  neighbours: number[][]
  counts: number[][]
  windows: {
    timeWindow: number
    globalWindow: 'cube' | 'window'
    z: number[][]
    p: number[][]
    trendTau: number[]
    trendZ: number[]
    trendP: number[]
  }[]
}

const significanceOf = (series: string) =>
  Int8Array.from([...series].map((slice) => (slice === 'H' ? 1 : slice === 'C' ? -1 : 0)))
const alphaOf = (confidence = 90) => (100 - confidence) / 100
const classify = (example: PatternCase) =>
  classifyEmergingCategory(significanceOf(example.series), example.trend, alphaOf(example.confidence))

function csr(rows: number[][]): Neighbours {
  const offsets = new Int32Array(rows.length + 1)
  rows.forEach((row, i) => (offsets[i + 1] = offsets[i]! + row.length))
  return { offsets, indices: Int32Array.from(rows.flat()) }
}

const date = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10)

test('months run from the month of the first point to the month of the last, empty months included', () => {
  const days = Int32Array.from([dayNumber(2024, 4, 2), dayNumber(2024, 1, 15), dayNumber(2024, 1, 31)])
  const { slices, sliceOfPoint } = timeSlicing(days, 'month')
  assert.deepEqual(slices, [
    { label: '2024-01', start: '2024-01-01', end: '2024-01-31' },
    { label: '2024-02', start: '2024-02-01', end: '2024-02-29' },
    { label: '2024-03', start: '2024-03-01', end: '2024-03-31' },
    { label: '2024-04', start: '2024-04-01', end: '2024-04-30' },
  ])
  assert.deepEqual([...sliceOfPoint], [3, 0, 0])
})

test('weeks are ISO weeks from Monday to Sunday, labelled with the ISO year', () => {
  // 2020 had 53 ISO weeks: Sunday 3 January 2021 is in 2020-W53, Monday 4 January starts 2021-W01.
  const days = Int32Array.from([dayNumber(2021, 1, 3), dayNumber(2021, 1, 4), dayNumber(2020, 12, 28)])
  const { slices, sliceOfPoint } = timeSlicing(days, 'week')
  assert.deepEqual(slices, [
    { label: '2020-W53', start: '2020-12-28', end: '2021-01-03' },
    { label: '2021-W01', start: '2021-01-04', end: '2021-01-10' },
  ])
  assert.deepEqual([...sliceOfPoint], [0, 1, 0])
  // Monday 29 December 2025 starts ISO week 1 of 2026.
  assert.equal(timeSlicing(Int32Array.of(dayNumber(2025, 12, 31)), 'week').slices[0]!.label, '2026-W01')
})

test('every day falls in the one slice whose first and last days surround it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: dayNumber(2015, 1, 1), max: dayNumber(2026, 12, 31) }), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.constantFrom('week' as const, 'month' as const),
      (dayList, unit) => {
        const { slices, sliceOfPoint } = timeSlicing(Int32Array.from(dayList), unit)
        dayList.forEach((day, i) => {
          const slice = slices[sliceOfPoint[i]!]!
          assert.ok(slice.start <= date(day) && date(day) <= slice.end, `${date(day)} in ${slice.label}`)
        })
        for (let s = 1; s < slices.length; s++) {
          const previousEnd = Date.parse(slices[s - 1]!.end)
          assert.equal(Date.parse(slices[s]!.start) - previousEnd, 86_400_000, 'slices are contiguous')
        }
      },
    ),
  )
})

test('the cube adds each point to its cell and slice, by weight when weights are given', () => {
  const cells = Int32Array.of(0, 1, 1, 0)
  const slices = Int32Array.of(0, 0, 0, 1)
  assert.deepEqual([...spaceTimeCube(cells, slices, undefined, 2, 2).values], [1, 2, 1, 0])
  assert.deepEqual(
    [...spaceTimeCube(cells, slices, Float64Array.of(2, 0.5, 1, 3), 2, 2).values],
    [2, 1.5, 3, 0],
  )
})

test("z-scores, p-values and trends equal spdep localG and R's Kendall test, for both global windows and time windows of 1 and 3", async () => {
  assert.match(spaceTimeFixture.source, /spdep 1\.2/)
  assert.deepEqual(
    spaceTimeFixture.windows.map((reference) => `${reference.globalWindow} ${reference.timeWindow}`),
    ['window 1', 'window 3', 'cube 1', 'cube 3'],
  )
  const { cells, slices } = spaceTimeFixture
  const cube = {
    cellCount: cells,
    sliceCount: slices,
    values: Float64Array.from(spaceTimeFixture.counts.flat()),
  }
  let largest = 0
  for (const reference of spaceTimeFixture.windows) {
    const result = await emergingHotspots(cube, csr(spaceTimeFixture.neighbours), {
      timeWindow: reference.timeWindow,
      globalWindow: reference.globalWindow,
      confidence: 90,
    })
    for (let slice = 0; slice < slices; slice++) {
      for (let cell = 0; cell < cells; cell++) {
        const bin = slice * cells + cell
        largest = Math.max(largest, Math.abs(result.z[bin]! - reference.z[slice]![cell]!))
        largest = Math.max(largest, Math.abs(result.p[bin]! - reference.p[slice]![cell]!))
      }
    }
    for (let cell = 0; cell < cells; cell++) {
      largest = Math.max(largest, Math.abs(result.trendTau[cell]! - reference.trendTau[cell]!))
      largest = Math.max(largest, Math.abs(result.trendZ[cell]! - reference.trendZ[cell]!))
      largest = Math.max(largest, Math.abs(result.trendP[cell]! - reference.trendP[cell]!))
    }
  }
  assert.ok(largest < 1e-9, `largest difference from R: ${largest}`)
})

test('the growing cluster of the R fixture ends as a hot spot with a rising trend; the fading corner does not', async () => {
  const { cells, slices } = spaceTimeFixture
  const cube = {
    cellCount: cells,
    sliceCount: slices,
    values: Float64Array.from(spaceTimeFixture.counts.flat()),
  }
  const result = await emergingHotspots(cube, csr(spaceTimeFixture.neighbours), {
    timeWindow: 1,
    globalWindow: 'window',
    confidence: 90,
  })
  // Cells 14, 15, 20 (0-based) have rates rising from 2 to 15; cells 0, 1, 6 fall from 9 to 1.
  for (const cell of [14, 15, 20]) {
    assert.match(result.category[cell]!, /^(intensifying|consecutive|sporadic)-hot-spot$/, `cell ${cell}`)
    assert.ok(result.trendZ[cell]! > 0)
  }
  for (const cell of [0, 1, 6]) {
    assert.ok(result.trendZ[cell]! < 0, `cell ${cell} falls`)
    assert.doesNotMatch(
      result.category[cell]!,
      /^(new|consecutive|intensifying|persistent|diminishing|sporadic|oscillating)-hot-spot$/,
    )
  }
})

for (const [pattern, { rule, hits, nearMisses }] of Object.entries(patternFixture.categories)) {
  test(`${pattern}: ${rule}`, () => {
    for (const hit of hits)
      assert.equal(classify(hit), pattern, `series "${hit.series}" trend z ${hit.trend.z}`)
    for (const miss of nearMisses) {
      assert.notEqual(miss.expected, pattern)
      assert.equal(classify(miss), miss.expected, `series "${miss.series}": ${miss.why}`)
    }
  })
}

test('cold spots follow the mirrored rules', () => {
  for (const example of patternFixture.coldExamples) {
    assert.equal(classify(example), example.expected, `series "${example.series}" trend z ${example.trend.z}`)
  }
})

test('every pattern has hand-built examples', () => {
  const covered = new Set([
    ...Object.keys(patternFixture.categories),
    ...patternFixture.coldExamples.map((example) => example.expected),
  ])
  assert.deepEqual(
    EMERGING_CATEGORIES.filter((pattern) => !covered.has(pattern)),
    [],
  )
  assert.match(patternFixture.source, /ArcGIS Pro/)
})

test('swapping hot and cold and negating the trend mirrors the pattern', () => {
  const mirror = (pattern: EmergingCategory) =>
    pattern.endsWith('-hot-spot')
      ? pattern.replace('-hot-spot', '-cold-spot')
      : pattern.replace('-cold-spot', '-hot-spot')
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(-1, 0, 1), { maxLength: 24 }),
      fc.double({ min: -4, max: 4, noNaN: true }),
      fc.constantFrom(90, 95, 99),
      (flags, trendZ, confidence) => {
        const trend = { z: trendZ, p: Math.min(1, Math.exp(-Math.abs(trendZ))) }
        const pattern = classifyEmergingCategory(Int8Array.from(flags), trend, alphaOf(confidence))
        const mirrored = classifyEmergingCategory(
          Int8Array.from(flags.map((flag) => -flag)),
          { z: -trendZ, p: trend.p },
          alphaOf(confidence),
        )
        assert.equal(mirrored, mirror(pattern))
      },
    ),
  )
})

test('progress is reported once per slice and an aborted run stops', async () => {
  const { cells, slices } = spaceTimeFixture
  const cube = {
    cellCount: cells,
    sliceCount: slices,
    values: Float64Array.from(spaceTimeFixture.counts.flat()),
  }
  const reported: number[] = []
  await emergingHotspots(cube, csr(spaceTimeFixture.neighbours), {
    timeWindow: 2,
    globalWindow: 'cube',
    confidence: 95,
    progress: (slice) => reported.push(slice),
  })
  assert.deepEqual(
    reported,
    Array.from({ length: slices }, (_, slice) => slice),
  )
  const controller = new AbortController()
  const seen: number[] = []
  await assert.rejects(
    emergingHotspots(cube, csr(spaceTimeFixture.neighbours), {
      timeWindow: 1,
      globalWindow: 'window',
      confidence: 90,
      signal: controller.signal,
      // Cancelled while slice 2 is being reported: the run stops before slice 3.
      progress: (slice) => {
        seen.push(slice)
        if (slice === 2) controller.abort()
      },
    }),
    { name: 'AbortError' },
  )
  assert.deepEqual(seen, [0, 1, 2])
})

test('neighbours for a different number of cells are refused', async () => {
  const cube = { cellCount: 3, sliceCount: 1, values: new Float64Array(3) }
  await assert.rejects(
    emergingHotspots(cube, csr([[0], [1]]), { timeWindow: 1, globalWindow: 'window', confidence: 90 }),
    /neighbours describe 2 cells but the cube has 3/,
  )
})
