/**
 * The Monte Carlo part of the Knox test, shared by the main thread and the worker threads.
 *
 * Permutations run in blocks of PERMUTATIONS_PER_BLOCK; block b draws from its own stream
 * (`new Xoshiro128StarStar(seed, b)`, SplitMix32 seeding) and starts from the incidents' own days, so a block's counts do
 * not depend on which thread runs it, nor on how many threads there are: the same seed gives
 * the same result however the run is spread.
 */
import { Xoshiro128StarStar } from '../statistics/random.ts'

/** Also the number of permutations countBlockPairs counts in one pass over the pairs. */
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
  const random = new Xoshiro128StarStar(input.seed, block)
  const size = input.day.length
  const first = block * PERMUTATIONS_PER_BLOCK
  const inBlock = Math.min(input.permutations, first + PERMUTATIONS_PER_BLOCK) - first
  // The block's permutations side by side: blockDay[a * 16 + j] is position a's day in the block's
  // permutation j, so that one pass over the pairs counts all of them (the pairs are read once
  // per block rather than once per permutation). A short last block leaves slots at 0, counted unused.
  const blockDay = new Int32Array(size * PERMUTATIONS_PER_BLOCK)
  const permutedDay = Int32Array.from(input.day)
  for (let j = 0; j < inBlock; j++) {
    // Shuffling the previous permutation again is still a uniform random permutation.
    random.shuffle(permutedDay)
    for (let a = 0; a < size; a++) blockDay[a * PERMUTATIONS_PER_BLOCK + j] = permutedDay[a]!
  }
  const stride = input.observed.length
  const counts = new Int32Array(PERMUTATIONS_PER_BLOCK * stride)
  countBlockPairs(input, blockDay, counts)
  for (let j = 0; j < inBlock; j++) {
    for (let band = 0; band < stride; band++) {
      const count = counts[j * stride + band]!
      totals.countSum[band]! += count
      if (count >= input.observed[band]!) totals.atLeastObserved[band]!++
    }
  }
}

/**
 * countPairs for the 16 permutations of a block at once: `counts` holds one table per permutation
 * (j * observed.length onwards). Written without branches, and with the 16 permutations spelt out
 * because V8 does not unroll loops: measured 1.5 to 1.8 times as fast as one permutation at a
 * time, with the same counts. Gaps from the end of the lookup on go to the row's last column (not
 * reported, like the gaps inside the last break that fall in no band), instead of being skipped.
 */
function countBlockPairs(input: PermutationInput, blockDay: Int32Array, counts: Int32Array) {
  const { pairStart, second, spaceBand, timeBandOfGap, rowWidth } = input
  const stride = input.observed.length
  const limit = timeBandOfGap.length
  const lookup = new Int32Array(limit + 1)
  lookup.set(timeBandOfGap)
  lookup[limit] = rowWidth - 1
  const size = pairStart.length - 1
  for (let a = 0; a < size; a++) {
    const dayA = a * PERMUTATIONS_PER_BLOCK
    const end = pairStart[a + 1]!
    for (let k = pairStart[a]!; k < end; k++) {
      const dayB = second[k]! * PERMUTATIONS_PER_BLOCK
      const row = spaceBand[k]! * rowWidth
      // gap - limit, then min(gap, limit) without a branch (most pairs lie beyond the last time band).
      let gap = Math.abs(blockDay[dayA]! - blockDay[dayB]!) - limit
      counts[row + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 1]! - blockDay[dayB + 1]!) - limit
      counts[row + stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 2]! - blockDay[dayB + 2]!) - limit
      counts[row + 2 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 3]! - blockDay[dayB + 3]!) - limit
      counts[row + 3 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 4]! - blockDay[dayB + 4]!) - limit
      counts[row + 4 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 5]! - blockDay[dayB + 5]!) - limit
      counts[row + 5 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 6]! - blockDay[dayB + 6]!) - limit
      counts[row + 6 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 7]! - blockDay[dayB + 7]!) - limit
      counts[row + 7 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 8]! - blockDay[dayB + 8]!) - limit
      counts[row + 8 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 9]! - blockDay[dayB + 9]!) - limit
      counts[row + 9 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 10]! - blockDay[dayB + 10]!) - limit
      counts[row + 10 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 11]! - blockDay[dayB + 11]!) - limit
      counts[row + 11 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 12]! - blockDay[dayB + 12]!) - limit
      counts[row + 12 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 13]! - blockDay[dayB + 13]!) - limit
      counts[row + 13 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 14]! - blockDay[dayB + 14]!) - limit
      counts[row + 14 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
      gap = Math.abs(blockDay[dayA + 15]! - blockDay[dayB + 15]!) - limit
      counts[row + 15 * stride + lookup[(gap & (gap >> 31)) + limit]!]!++
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
