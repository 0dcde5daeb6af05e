import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { giStar, giStarPermutation, giStarPermuter, hotspotClass } from './gi-star.ts'
import { adjacencyNeighbours, type Neighbours } from './neighbours.ts'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/analysis/${name}`, import.meta.url), 'utf8'),
  ) as T

interface Reference {
  values: number[]
  z: number[]
  p: number[]
}
const grid = fixture<{ neighbours: number[][]; inputs: Record<'counts' | 'continuous', Reference> }>(
  'gi-star-grid.json',
)
interface H3Study {
  name: string
  counts: number[]
  z: number[]
  p: number[]
  permutation: {
    permutations: number
    exactMean: number[]
    exactSd: number[]
    spdepLocalGPerm: number[]
    spdepExpected: number[]
  }
}
const h3 = fixture<{ studies: H3Study[] }>('gi-star-h3.json')
const h3Input = fixture<{ studies: { name: string; neighbours: number[][] }[] }>('gi-star-h3-input.json')

/** A neighbour list written 1-based with self included (spdep's form), as CSR. */
function fromOneBased(rows: number[][]): Neighbours {
  const pairs: [number, number][] = rows.flatMap((row, i) => row.map((j): [number, number] => [i, j - 1]))
  return adjacencyNeighbours(rows.length, pairs)
}

const gridNeighbours = fromOneBased(grid.neighbours)
const studies = h3.studies.map((study) => ({
  ...study,
  values: Float64Array.from(study.counts),
  neighbours: fromOneBased(h3Input.studies.find((input) => input.name === study.name)!.neighbours),
}))

const sum = (numbers: readonly number[]) => numbers.reduce((total, value) => total + value, 0)

/** P(the sum of a uniformly random size-m subset of whole numbers `others` ≥ observed), by counting subsets per sum. */
function tailProbability(others: readonly number[], m: number, observed: number): number {
  const total = sum(others)
  // ways[k][s]: subsets of size k with sum s among the values seen so far.
  const ways = Array.from({ length: m + 1 }, () => new Float64Array(total + 1))
  ways[0]![0] = 1
  for (const value of others) {
    for (let k = m; k >= 1; k--) for (let s = total; s >= value; s--) ways[k]![s]! += ways[k - 1]![s - value]!
  }
  const all = sum([...ways[m]!])
  return sum([...ways[m]!.subarray(observed)]) / all
}

/** Mean and sd of (1 + min(c, N − c)) / (1 + N) for c ~ Binomial(N, q). */
function foldedPseudoP(q: number, permutations: number): { mean: number; sd: number } {
  let logChoose = 0
  let mean = 0
  let square = 0
  for (let c = 0; c <= permutations; c++) {
    if (c > 0) logChoose += Math.log((permutations - c + 1) / c)
    const probability =
      q === 0
        ? Number(c === 0)
        : q === 1
          ? Number(c === permutations)
          : Math.exp(logChoose + c * Math.log(q) + (permutations - c) * Math.log1p(-q))
    const value = (1 + Math.min(c, permutations - c)) / (1 + permutations)
    mean += probability * value
    square += probability * value * value
  }
  return { mean, sd: Math.sqrt(Math.max(0, square - mean * mean)) }
}

function assertClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tolerance: (expected: number) => number,
  label: string,
) {
  assert.equal(actual.length, expected.length, `${label}: length`)
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!)
    assert.ok(
      difference <= tolerance(expected[i]!),
      `${label}[${i}]: ${actual[i]} vs ${expected[i]} (difference ${difference})`,
    )
  }
}

/** Largest absolute difference, for the reports in the test names' messages. */
const maxDifference = (actual: ArrayLike<number>, expected: readonly number[]) =>
  expected.reduce((largest, value, i) => Math.max(largest, Math.abs(actual[i]! - value)), 0)

describe('giStar against R spdep localG (self-included binary weights)', () => {
  for (const [name, reference] of Object.entries(grid.inputs)) {
    test(`gives spdep's z and p on the 6 x 6 queen grid (${name})`, () => {
      const { z, p } = giStar(Float64Array.from(reference.values), gridNeighbours)
      assertClose(z, reference.z, () => 1e-12, 'z')
      assertClose(p, reference.p, (expected) => 1e-12 * Math.max(expected, 1e-3), 'p')
    })
  }

  for (const study of studies) {
    test(`gives spdep's z and p on the City of London H3 study area ${study.name}`, () => {
      const { z, p } = giStar(study.values, study.neighbours)
      assertClose(z, study.z, () => 1e-12, 'z')
      assertClose(p, study.p, (expected) => 1e-12 * Math.max(expected, 1e-3), 'p')
      assert.ok(maxDifference(z, study.z) < 1e-12)
    })
  }
})

describe('giStar edge cases', () => {
  test('all values equal: z is 0 and p is 1 everywhere (the statistic is 0/0)', () => {
    const { z, p } = giStar(new Float64Array(36).fill(3), gridNeighbours)
    assert.deepEqual([...new Set(z)], [0])
    assert.deepEqual([...new Set(p)], [1])
  })

  test('a cell neighbouring every cell gets z = 0 and p = 1 (its sum cannot vary)', () => {
    const star = adjacencyNeighbours(4, [
      [0, 1],
      [0, 2],
      [0, 3],
    ])
    const { z, p } = giStar(Float64Array.from([5, 1, 0, 2]), star)
    assert.equal(z[0], 0)
    assert.equal(p[0], 1)
    assert.ok(z[1]! !== 0)
  })

  test('one point in the middle of a ring of empty cells is a hot centre', () => {
    const ring = adjacencyNeighbours(
      7,
      [1, 2, 3, 4, 5, 6].flatMap((i): [number, number][] => [
        [0, i],
        [i, (i % 6) + 1],
      ]),
    )
    const { z } = giStar(Float64Array.from([1, 0, 0, 0, 0, 0, 0]), ring)
    assert.ok(z[0]! === 0, 'the centre neighbours every cell, so its z is undefined and given as 0')
    assert.ok(z.slice(1).every((value) => value > 0))
  })

  test('values and neighbours of different sizes are refused', () => {
    assert.throws(
      () => giStar(new Float64Array(5), gridNeighbours),
      /neighbours describe 36 cells but there are 5 values/,
    )
  })

  test('relabelling the cells relabels the result and changes nothing else', () => {
    const { values, neighbours } = studies[0]!
    const expected = giStar(values, neighbours).z
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...values.keys()], { minLength: values.length, maxLength: values.length }),
        (order) => {
          const position = new Int32Array(order.length)
          order.forEach((cell, at) => (position[cell] = at))
          const pairs: [number, number][] = []
          for (let i = 0; i < values.length; i++) {
            for (let k = neighbours.offsets[i]!; k < neighbours.offsets[i + 1]!; k++)
              pairs.push([position[i]!, position[neighbours.indices[k]!]!])
          }
          const z = giStar(
            Float64Array.from(order, (cell) => values[cell]!),
            adjacencyNeighbours(values.length, pairs),
          ).z
          order.forEach((cell, at) => assert.ok(Math.abs(z[at]! - expected[cell]!) < 1e-12))
        },
      ),
      { numRuns: 20 },
    )
  })
})

describe('giStarPermutation (conditional permutation, folded pseudo p-value)', () => {
  for (const study of studies) {
    const { permutations, exactMean, exactSd } = study.permutation
    test(`agrees with the exact expectation of the pseudo p-value on ${study.name} (N = ${permutations}), cell by cell and on average`, () => {
      const pPermutation = giStarPermutation(study.values, study.neighbours, { permutations, seed: 7 })
      assert.equal(pPermutation.length, exactMean.length)
      let cells = 0
      let sum = 0
      let squares = 0
      for (let i = 0; i < exactMean.length; i++) {
        // 4.5 sd: with hundreds of cells a 4 sd bound is passed by chance now and then. One draw is
        // allowed on top: for p near 1/(N + 1) the count is too discrete for a normal sd.
        const tolerance = 4.5 * exactSd[i]! + 1 / (permutations + 1)
        assert.ok(
          Math.abs(pPermutation[i]! - exactMean[i]!) <= tolerance,
          `cell ${i}: ${pPermutation[i]} vs exact ${exactMean[i]} ± ${tolerance}`,
        )
        if (exactSd[i]! < 1e-3) continue
        const standardised = (pPermutation[i]! - exactMean[i]!) / exactSd[i]!
        cells++
        sum += standardised
        squares += standardised * standardised
      }
      // A bias too small to show in one cell shows in the mean of the standardised differences
      // (0 ± 4/√cells) and in their mean square (1 ± 4·√(2/cells)).
      assert.ok(
        Math.abs(sum / cells) < 4 / Math.sqrt(cells),
        `mean standardised difference ${sum / cells} over ${cells} cells`,
      )
      assert.ok(
        Math.abs(squares / cells - 1) < 4 * Math.sqrt(2 / cells),
        `mean squared standardised difference ${squares / cells}`,
      )
    })

    test(`agrees with spdep localG_perm on ${study.name} within Monte Carlo error and spdep's with-replacement difference`, () => {
      const { spdepLocalGPerm, spdepExpected } = study.permutation
      const pPermutation = giStarPermutation(study.values, study.neighbours, { permutations, seed: 11 })
      for (let i = 0; i < exactMean.length; i++) {
        // Both are Monte Carlo estimates (sd each about exactSd); spdep 1.2-7 draws with replacement,
        // which moves its expectation from exactMean to spdepExpected (both exact, from the fixture).
        const tolerance =
          4 * Math.SQRT2 * exactSd[i]! + Math.abs(exactMean[i]! - spdepExpected[i]!) + 2 / (permutations + 1)
        assert.ok(
          Math.abs(pPermutation[i]! - spdepLocalGPerm[i]!) <= tolerance,
          `cell ${i}: ${pPermutation[i]} vs spdep ${spdepLocalGPerm[i]} ± ${tolerance}`,
        )
      }
    })
  }

  test('small areas too (the other way of drawing): a 5 x 5 grid against its exact distribution, counted here', () => {
    // Queen neighbours on a 5 x 5 grid: corners and edges draw 3 or 5 of 24 cells, the inner cells 8.
    const side = 5
    const pairs: [number, number][] = []
    for (let a = 0; a < side * side; a++) {
      for (let b = 0; b < side * side; b++) {
        const near =
          Math.abs((a % side) - (b % side)) <= 1 && Math.abs(Math.floor(a / side) - Math.floor(b / side)) <= 1
        if (near && a !== b) pairs.push([a, b])
      }
    }
    const neighbours = adjacencyNeighbours(side * side, pairs)
    const counts = [0, 3, 1, 0, 2, 5, 9, 7, 0, 1, 4, 8, 6, 1, 0, 0, 2, 1, 0, 3, 1, 0, 0, 2, 1]
    const permutations = 999
    const p = giStarPermutation(Float64Array.from(counts), neighbours, { permutations, seed: 3 })
    for (let i = 0; i < counts.length; i++) {
      const row = [...neighbours.indices.subarray(neighbours.offsets[i], neighbours.offsets[i + 1])].filter(
        (j) => j !== i,
      )
      const others = counts.filter((_, j) => j !== i)
      const { mean, sd } = foldedPseudoP(
        tailProbability(others, row.length, sum(row.map((j) => counts[j]!))),
        permutations,
      )
      assert.ok(
        Math.abs(p[i]! - mean) <= 4.5 * sd + 1 / (permutations + 1),
        `cell ${i}: ${p[i]} vs exact ${mean} ± ${4.5 * sd}`,
      )
    }
  })

  const { values, neighbours } = studies[0]!

  test('the same seed gives the same p-values; another seed gives others', () => {
    const first = giStarPermutation(values, neighbours, { permutations: 199, seed: 42 })
    assert.deepEqual(giStarPermutation(values, neighbours, { permutations: 199, seed: 42 }), first)
    assert.notDeepEqual(giStarPermutation(values, neighbours, { permutations: 199, seed: 43 }), first)
  })

  test('cells done in chunks, in any order, give the same p-values as all at once', () => {
    const whole = giStarPermutation(values, neighbours, { permutations: 99, seed: 5 })
    const permuter = giStarPermuter(values, neighbours, { permutations: 99, seed: 5 })
    const chunked = new Float64Array(values.length)
    const middle = Math.floor(values.length / 2)
    permuter.permuteCells(middle, values.length, chunked)
    permuter.permuteCells(0, 17, chunked)
    permuter.permuteCells(17, middle, chunked)
    assert.deepEqual(chunked, whole)
  })

  test('p-values lie in [1/(N+1), 1] for any values and seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 36, maxLength: 36 }),
        fc.integer({ min: 1, max: 60 }),
        fc.maxSafeInteger(),
        (numbers, permutations, seed) => {
          const p = giStarPermutation(Float64Array.from(numbers), gridNeighbours, { permutations, seed })
          for (const value of p) assert.ok(value >= 1 / (permutations + 1) && value <= 1)
        },
      ),
      { numRuns: 50 },
    )
  })

  test('all values equal: every pseudo p-value is 1', () => {
    const p = giStarPermutation(new Float64Array(36).fill(2), gridNeighbours, { permutations: 99, seed: 1 })
    assert.deepEqual([...new Set(p)], [1])
  })

  test('a cell with no neighbour but itself gets 1', () => {
    const p = giStarPermutation(Float64Array.from([9, 0, 1]), adjacencyNeighbours(3, [[1, 2]]), {
      permutations: 99,
      seed: 1,
    })
    assert.equal(p[0], 1)
  })

  test('bad permutation counts and seeds are refused', () => {
    assert.throws(
      () => giStarPermutation(values, neighbours, { permutations: 0, seed: 1 }),
      /permutations must be a positive integer/,
    )
    assert.throws(
      () => giStarPermutation(values, neighbours, { permutations: 9.5, seed: 1 }),
      /permutations must be a positive integer/,
    )
    assert.throws(
      () => giStarPermutation(values, neighbours, { permutations: 9, seed: 0.5 }),
      /seed must be a safe integer/,
    )
  })
})

describe('hotspotClass', () => {
  test('uses the sign of z and the 0.01 / 0.05 / 0.10 levels', () => {
    assert.equal(hotspotClass(3, 0.01), 'hot-99')
    assert.equal(hotspotClass(3, 0.0100001), 'hot-95')
    assert.equal(hotspotClass(2, 0.05), 'hot-95')
    assert.equal(hotspotClass(1.7, 0.1), 'hot-90')
    assert.equal(hotspotClass(1.7, 0.11), 'not-significant')
    assert.equal(hotspotClass(-3, 0.001), 'cold-99')
    assert.equal(hotspotClass(-2, 0.04), 'cold-95')
    assert.equal(hotspotClass(-1.7, 0.09), 'cold-90')
    assert.equal(hotspotClass(0, 0), 'not-significant')
  })
})
