import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { gapCountKernel, LANES, MAXIMUM_DAY_SPAN, RUN_BYTES } from './gap-count-kernel.ts'
import { sharedMemory, ensureBytes, alignUp } from './pair-memory.ts'

interface Case {
  positions: number
  runs: { position: number; band: number; second: number[] }[]
  bands: number
  /** Per position, its 16 days. */
  days: number[][]
  thresholds: number[]
}

/** Lays the case out in a shared memory as knox-permutations.ts does, runs the kernel, returns its counts. */
function kernelCounts({ positions, runs, bands, days, thresholds }: Case): number[] {
  const pairCount = runs.reduce((sum, run) => sum + run.second.length, 0)
  const runsAt = alignUp(4 * pairCount)
  const daysAt = alignUp(runsAt + RUN_BYTES * runs.length)
  const countsAt = alignUp(daysAt + 2 * LANES * positions)
  const countLength = bands * thresholds.length * LANES
  const memory = sharedMemory()
  ensureBytes(memory, countsAt + 4 * countLength, () => 'the test case')
  const second = new Int32Array(memory.buffer, 0, pairCount)
  const runTable = new Int32Array(memory.buffer, runsAt, 4 * runs.length)
  let pair = 0
  runs.forEach((run, r) => {
    runTable.set([run.position, run.band, pair, pair + run.second.length], 4 * r)
    second.set(run.second, pair)
    pair += run.second.length
  })
  new Int16Array(memory.buffer, daysAt, LANES * positions).set(days.flat())
  const counts = new Int32Array(memory.buffer, countsAt, countLength)
  counts.fill(7) // added to, not overwritten
  const countRuns = gapCountKernel(thresholds, memory)
  // In two calls, as knox-permutations.ts splits a block.
  const middle = runsAt + RUN_BYTES * Math.floor(runs.length / 2)
  countRuns(runsAt, middle, 0, daysAt, countsAt)
  countRuns(middle, runsAt + RUN_BYTES * runs.length, 0, daysAt, countsAt)
  return Array.from(counts, (count) => count - 7)
}

function plainCounts({ runs, bands, days, thresholds }: Case): number[] {
  const counts = new Array<number>(bands * thresholds.length * LANES).fill(0)
  for (const run of runs) {
    for (const b of run.second) {
      for (let lane = 0; lane < LANES; lane++) {
        const gap = Math.abs(days[run.position]![lane]! - days[b]![lane]!)
        thresholds.forEach((threshold, i) => {
          if (gap < threshold) counts[(run.band * thresholds.length + i) * LANES + lane]!++
        })
      }
    }
  }
  return counts
}

const cases = fc
  .record({
    positions: fc.integer({ min: 2, max: 40 }),
    bands: fc.integer({ min: 1, max: 5 }),
    span: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(MAXIMUM_DAY_SPAN)),
    thresholdCount: fc.integer({ min: 1, max: 32 }),
  })
  .chain(({ positions, bands, span, thresholdCount }) =>
    fc.record({
      positions: fc.constant(positions),
      bands: fc.constant(bands),
      days: fc.array(fc.array(fc.integer({ min: 0, max: span }), { minLength: LANES, maxLength: LANES }), {
        minLength: positions,
        maxLength: positions,
      }),
      thresholds: fc
        .uniqueArray(fc.integer({ min: 1, max: span + 1 }), { minLength: 1, maxLength: thresholdCount })
        .map((values) => values.sort((a, b) => a - b)),
      runs: fc.array(
        fc.integer({ min: 0, max: positions - 2 }).chain((position) =>
          fc.record({
            position: fc.constant(position),
            band: fc.integer({ min: 0, max: bands - 1 }),
            second: fc.array(fc.integer({ min: position + 1, max: positions - 1 }), { maxLength: 30 }),
          }),
        ),
        { maxLength: 12 },
      ),
    }),
  )

test('the kernel counts the gaps below each threshold as a plain loop does, in every lane', () => {
  fc.assert(
    fc.property(cases, (testCase) => assert.deepEqual(kernelCounts(testCase), plainCounts(testCase))),
    { numRuns: 300 },
  )
})

test('a run of more pairs than a 16-bit counter holds is counted in full', () => {
  // 70,000 pairs of equal days: every counter passes 65,535 unless the kernel widens it in time.
  const pairs = 70_000
  const testCase: Case = {
    positions: 3,
    bands: 2,
    days: [Array.from({ length: LANES }, (_, lane) => lane), ...Array(2).fill(Array(LANES).fill(0))],
    thresholds: [1, 16, MAXIMUM_DAY_SPAN + 1],
    runs: [
      { position: 0, band: 1, second: Array.from({ length: pairs }, (_, k) => 1 + (k % 2)) },
      { position: 1, band: 1, second: [2] },
    ],
  }
  const counts = kernelCounts(testCase)
  assert.deepEqual(counts, plainCounts(testCase))
  // Band 1, threshold 1: lane 0 only (its gap is 0), all 70,001 pairs.
  assert.equal(counts[3 * LANES], pairs + 1)
})
