/**
 * The Monte Carlo part of the Knox test, shared by the main thread and the worker threads.
 *
 * Permutations run in blocks of PERMUTATIONS_PER_BLOCK; block b draws from its own stream
 * (`new SeededRandom(seed, b)`) and starts from the incidents' own days, so a block's counts do
 * not depend on which thread runs it, nor on how many threads there are: the same seed gives
 * the same result however the run is spread.
 */
import { SeededRandom } from './random.ts'

export const PERMUTATIONS_PER_BLOCK = 16

/** What the Monte Carlo loop needs: plain typed arrays, so it can be handed to a worker thread. */
export interface PermutationInput {
  readonly pairStart: Int32Array
  readonly second: Int32Array
  readonly spaceBand: Uint16Array
  /** Days in grid order (position a is the incident `point[a]`). */
  readonly day: Int32Array
  readonly timeBandOfGap: Int32Array
  readonly rowWidth: number
  readonly observed: Int32Array
  readonly seed: number
  readonly permutations: number
}

/** Sums over permutations, per band pair: the counts, and how often a count reached the observed one. */
export interface PermutationTotals {
  readonly countSum: Float64Array
  readonly atLeastObserved: Int32Array
}

export const blockCount = (permutations: number) => Math.ceil(permutations / PERMUTATIONS_PER_BLOCK)

export function emptyTotals(bandCount: number): PermutationTotals {
  return { countSum: new Float64Array(bandCount), atLeastObserved: new Int32Array(bandCount) }
}

export function addTotals(into: PermutationTotals, from: PermutationTotals) {
  for (let band = 0; band < into.countSum.length; band++) {
    into.countSum[band]! += from.countSum[band]!
    into.atLeastObserved[band]! += from.atLeastObserved[band]!
  }
}

/** Runs the permutations of one block and adds them to `totals`. */
export function runPermutationBlock(input: PermutationInput, block: number, totals: PermutationTotals) {
  const random = new SeededRandom(input.seed, block)
  const permutedDay = Int32Array.from(input.day)
  const counts = new Int32Array(input.observed.length)
  const end = Math.min(input.permutations, (block + 1) * PERMUTATIONS_PER_BLOCK)
  for (let permutation = block * PERMUTATIONS_PER_BLOCK; permutation < end; permutation++) {
    // Shuffling the previous permutation again is still a uniform random permutation.
    random.shuffle(permutedDay)
    counts.fill(0)
    countPairs(input, permutedDay, counts)
    for (let band = 0; band < counts.length; band++) {
      totals.countSum[band]! += counts[band]!
      if (counts[band]! >= input.observed[band]!) totals.atLeastObserved[band]!++
    }
  }
}

/**
 * Adds each pair's band pair to `counts`, in rows of one space band with a column per time band
 * and a last column for gaps inside the last break that fall in no band (not reported).
 * Gaps from the end of the lookup on are skipped: most pairs, so the branch is cheap to predict.
 */
export function countPairs(
  input: Pick<PermutationInput, 'pairStart' | 'second' | 'spaceBand' | 'timeBandOfGap' | 'rowWidth'>,
  day: Int32Array,
  counts: Int32Array,
) {
  const { pairStart, second, spaceBand, timeBandOfGap, rowWidth } = input
  const gapLimit = timeBandOfGap.length
  const size = pairStart.length - 1
  for (let a = 0; a < size; a++) {
    const dayA = day[a]!
    const end = pairStart[a + 1]!
    for (let k = pairStart[a]!; k < end; k++) {
      const gap = Math.abs(dayA - day[second[k]!]!)
      if (gap < gapLimit) counts[spaceBand[k]! * rowWidth + timeBandOfGap[gap]!]!++
    }
  }
}

/** Copies a typed array into shared memory, so worker threads read it without a copy each. */
export function shared<T extends Int32Array | Uint16Array>(values: T, length = values.length): T {
  const Constructor = values.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Constructor(new SharedArrayBuffer(length * values.BYTES_PER_ELEMENT))
  copy.set(values.subarray(0, length))
  return copy
}
