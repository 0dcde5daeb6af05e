import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { hashedStreamSeeding, Xoshiro128StarStar } from '../statistics/random.ts'
import { giStarPermutation } from './gi-star.ts'
import {
  GI_STAR_WORKER_DRAWS,
  giStarDefaultThreads,
  giStarPermutationDraws,
  giStarPermutationInChunks,
} from './gi-star-parallel.ts'
import { adjacencyNeighbours, type Neighbours } from './neighbours.ts'

/** Queen neighbours on a rows × columns grid, each cell itself included. */
function queenGrid(rows: number, columns: number): Neighbours {
  const pairs: [number, number][] = []
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const cell = row * columns + column
      if (column + 1 < columns) pairs.push([cell, cell + 1])
      if (row + 1 < rows) {
        pairs.push([cell, cell + columns])
        if (column + 1 < columns) pairs.push([cell, cell + columns + 1])
        if (column > 0) pairs.push([cell, cell + columns - 1])
      }
    }
  }
  return adjacencyNeighbours(rows * columns, pairs)
}

/** Counts with a few busy places, as crime counts per cell tend to be. */
function skewedCounts(size: number, seed: number): Float64Array {
  const random = new Xoshiro128StarStar(seed, 0, hashedStreamSeeding)
  return Float64Array.from({ length: size }, () =>
    random.below(10) === 0 ? random.below(40) : random.below(3),
  )
}

/** Equal to the bit: the same bytes, so -0 and 0 or two NaNs would not pass as equal. */
function assertSameBits(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length)
  assert.ok(
    Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
      Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
    ),
    'the p-values differ in some bit',
  )
}

const grid = queenGrid(40, 60)
const gridCounts = skewedCounts(2400, 3)

describe('Gi* permutations on worker threads', () => {
  test('two and three threads give the same p-values, to the bit, as one thread', async () => {
    const options = { permutations: 99, seed: 12 }
    const oneThread = giStarPermutation(gridCounts, grid, options)
    assertSameBits(await giStarPermutationInChunks(gridCounts, grid, options, { threads: 2 }), oneThread)
    assertSameBits(await giStarPermutationInChunks(gridCounts, grid, options, { threads: 3 }), oneThread)
    assertSameBits(await giStarPermutationInChunks(gridCounts, grid, options, { threads: 1 }), oneThread)
  })

  test('the same to the bit where neighbourhoods are a large share of the area (the other way of drawing)', async () => {
    // 5 x 5 cells: inner cells draw 8 of 24, so gi-star.ts uses its partial Fisher-Yates shuffle.
    const neighbours = queenGrid(5, 5)
    const counts = skewedCounts(25, 9)
    const options = { permutations: 20_000, seed: 4 }
    const oneThread = giStarPermutation(counts, neighbours, options)
    assertSameBits(await giStarPermutationInChunks(counts, neighbours, options, { threads: 2 }), oneThread)
  })

  test('for any values, seed and number of threads the result is that of one thread', async () => {
    const neighbours = queenGrid(12, 15)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 180, maxLength: 180 }),
        fc.integer({ min: 1, max: 300 }),
        fc.maxSafeInteger(),
        fc.integer({ min: 1, max: 4 }),
        async (numbers, permutations, seed, threads) => {
          const values = Float64Array.from(numbers)
          const options = { permutations, seed }
          const inChunks = await giStarPermutationInChunks(values, neighbours, options, { threads })
          assertSameBits(inChunks, giStarPermutation(values, neighbours, options))
        },
      ),
      { numRuns: 8 },
    )
  })

  test('reports progress from the chunks, rising to 1', async () => {
    const fractions: number[] = []
    await giStarPermutationInChunks(
      gridCounts,
      grid,
      { permutations: 99, seed: 1 },
      { threads: 2, progress: (fraction) => fractions.push(fraction) },
    )
    assert.ok(fractions.length >= 4, `${fractions.length} progress reports`)
    assert.deepEqual(
      fractions,
      [...fractions].sort((a, b) => a - b),
    )
    assert.equal(fractions.at(-1), 1)
  })

  test('a cancel stops the run with an AbortError and stops every worker thread', async () => {
    const controller = new AbortController()
    let reports = 0
    const run = giStarPermutationInChunks(
      gridCounts,
      grid,
      // About 10 s of work on one core: far longer than the cancel takes.
      { permutations: 99_999, seed: 1 },
      {
        threads: 3,
        signal: controller.signal,
        progress: () => {
          if (++reports === 3) controller.abort()
        },
      },
    )
    await assert.rejects(run, { name: 'AbortError' })
    // A worker left running would keep a core busy: the process must be all but idle now.
    const before = process.cpuUsage()
    await sleep(1000)
    const used = process.cpuUsage(before)
    const cpuSeconds = (used.user + used.system) / 1e6
    assert.ok(cpuSeconds < 0.3, `${cpuSeconds.toFixed(2)} s of CPU in the second after the cancel`)
  })

  test('an already cancelled run starts nothing and rejects', async () => {
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(
      giStarPermutationInChunks(
        gridCounts,
        grid,
        { permutations: 99, seed: 1 },
        { signal: controller.signal },
      ),
      { name: 'AbortError' },
    )
  })

  test('an empty study area gives no p-values, whatever the threads', async () => {
    const empty: Neighbours = { offsets: new Int32Array(1), indices: new Int32Array(0) }
    for (const threads of [1, 2]) {
      const p = await giStarPermutationInChunks(
        new Float64Array(0),
        empty,
        { permutations: 99, seed: 1 },
        { threads },
      )
      assert.equal(p.length, 0)
    }
  })

  test('bad thread counts and permutation options are refused before any thread starts', async () => {
    for (const threads of [0, -1, 1.5, 65, Number.NaN]) {
      await assert.rejects(
        giStarPermutationInChunks(gridCounts, grid, { permutations: 99, seed: 1 }, { threads }),
        { name: 'RangeError', message: /threads must be a whole number from 1 to 64/ },
      )
    }
    await assert.rejects(
      giStarPermutationInChunks(gridCounts, grid, { permutations: 0, seed: 1 }, { threads: 2 }),
      { name: 'RangeError', message: /permutations must be a positive integer/ },
    )
  })
})

describe('when worker threads are used by default', () => {
  test('draws count the other neighbours of every cell, N times', () => {
    // 2 x 2 queen grid: every cell neighbours the 3 others.
    assert.equal(giStarPermutationDraws(queenGrid(2, 2), 10), 4 * 3 * 10)
  })

  test('one thread below the threshold, one per core from it on', () => {
    const drawsPerPermutation = giStarPermutationDraws(grid, 1)
    const below = Math.floor((GI_STAR_WORKER_DRAWS - 1) / drawsPerPermutation)
    assert.equal(giStarDefaultThreads(grid, below), 1)
    assert.equal(giStarDefaultThreads(grid, below + 1), availableParallelism())
  })
})
