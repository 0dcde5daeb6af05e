import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { splitMix32Seeding, Xoshiro128StarStar } from '../statistics/random.ts'
import { bandIndex } from './bands.ts'
import { findClosePairs } from './close-pairs.ts'
import { shuffleDays } from './day-shuffle.ts'
import {
  blockCount,
  createWorkspace,
  emptyTotals,
  reserveWorkspaces,
  runPermutationBlock,
  timeThresholds,
  workspaceBytes,
  type PermutationInput,
  type PermutationTotals,
} from './knox-permutations.ts'

test('shuffleDays makes the same permutations as Xoshiro128StarStar.shuffle from the same stream', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_294_967_295 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1000, max: 70_000 })),
      (seed, stream, length) => {
        const generic = Int32Array.from({ length }, (_, i) => i)
        const spelt = Int32Array.from(generic)
        const random = new Xoshiro128StarStar(seed, stream)
        const words = new Int32Array(4)
        splitMix32Seeding(seed, stream, words)
        for (let round = 0; round < 3; round++) {
          random.shuffle(generic)
          shuffleDays(spelt, words)
          assert.deepEqual(spelt, generic)
        }
        // The generators are left in the same state.
        assert.equal(Xoshiro128StarStar.fromState([...words] as never).nextUint32(), random.nextUint32())
      },
    ),
    { numRuns: 60 },
  )
})

test('the time breaks become thresholds that put every gap in its band', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.double({ min: 0, max: 80, noNaN: true }), { minLength: 2, maxLength: 8 }),
      fc.integer({ min: 0, max: 100 }),
      (unsorted, largestGap) => {
        const breaks = unsorted.sort((a, b) => a - b)
        const { values, ofBreak } = timeThresholds(breaks, largestGap)
        const threshold = (t: number) => (ofBreak[t]! < 0 ? 0 : values[ofBreak[t]!]!)
        for (let gap = 0; gap <= largestGap; gap++) {
          const band = bandIndex(breaks, gap)
          for (let t = 0; t < breaks.length - 1; t++) {
            assert.equal(threshold(t) <= gap && gap < threshold(t + 1), band === t, `gap ${gap}, band ${t}`)
          }
        }
      },
    ),
  )
})

/** A Knox permutation input as knox.ts builds it, on random incidents around a point. */
async function inputFor(
  points: { longitude: number; latitude: number; day: number }[],
  spaceBands: readonly number[],
  timeBands: readonly number[],
  permutations: number,
  kernel: boolean,
): Promise<PermutationInput> {
  const longitude = Float64Array.from(points, (point) => point.longitude)
  const latitude = Float64Array.from(points, (point) => point.latitude)
  const day = Int32Array.from(points, (point) => point.day)
  const pairs = await findClosePairs(longitude, latitude, day, spaceBands, 'haversine')
  const ordered = Int32Array.from(pairs.point, (index) => day[index]!)
  const earliest = Math.min(...ordered)
  const largestGap = Math.max(...ordered) - earliest
  const lookupLength = Math.min(Math.ceil(timeBands[timeBands.length - 1]!), largestGap + 1)
  const timeBandOfGap = Int32Array.from({ length: lookupLength }, (_, gap) => {
    const band = bandIndex(timeBands, gap)
    return band >= 0 ? band : timeBands.length - 1
  })
  const thresholds = { ...timeThresholds(timeBands, largestGap), kernel }
  const rowWidth = timeBands.length
  return {
    memory: pairs.memory,
    pairCount: pairs.count,
    runsOffset: pairs.runsOffset,
    runCount: pairs.runCount,
    day: ordered.map((value) => value - earliest),
    thresholds,
    timeBandOfGap,
    rowWidth,
    // Observed counts of 0 to 3: some permutations reach them, some do not.
    observed: Int32Array.from({ length: (spaceBands.length - 1) * rowWidth }, (_, band) => band % 4),
    seed: 9,
    permutations,
    workspacesOffset: pairs.usedBytes,
    workspaceBytes: workspaceBytes(ordered.length, spaceBands.length - 1, thresholds),
  }
}

function totalsOf(input: PermutationInput): PermutationTotals {
  reserveWorkspaces(input, 1)
  const workspace = createWorkspace(input, 0)
  const totals = emptyTotals(input.observed.length)
  for (let block = 0; block < blockCount(input.permutations); block++) {
    runPermutationBlock(input, block, totals, workspace)
  }
  return totals
}

test('the WebAssembly kernel and the JavaScript loop give the same permutation totals', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          longitude: fc.double({ min: -2.25, max: -2.24, noNaN: true }),
          latitude: fc.double({ min: 53.48, max: 53.485, noNaN: true }),
          day: fc.integer({ min: 19_000, max: 19_090 }),
        }),
        { minLength: 2, maxLength: 120 },
      ),
      fc.constantFrom([0, 1, 100, 200, 400], [5, 300], [0, 50, 150.5, 700]),
      fc.constantFrom([0, 1, 8, 15, 29], [0.5, 3.2, 10, 40.7], [2, 5, 9], [0, 3, 30, 1000]),
      fc.integer({ min: 1, max: 40 }),
      async (points, spaceBands, timeBands, permutations) => {
        const inKernel = await inputFor(points, spaceBands, timeBands, permutations, true)
        const inJavaScript = await inputFor(points, spaceBands, timeBands, permutations, false)
        assert.deepEqual(totalsOf(inKernel), totalsOf(inJavaScript))
      },
    ),
    { numRuns: 80 },
  )
})
