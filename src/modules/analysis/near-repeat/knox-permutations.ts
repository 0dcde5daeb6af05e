/**
 * The Monte Carlo part of the Knox test, shared by the main thread and the worker threads.
 *
 * Permutations run in blocks of PERMUTATIONS_PER_BLOCK; block b draws from its own stream (the state of
 * `new Xoshiro128StarStar(seed, b)`, SplitMix32 seeding) and starts from the incidents' own days, so a
 * block's counts do not depend on which thread runs it, nor on how many threads there are: the same seed
 * gives the same result however the run is spread.
 *
 * A block's 16 permutations are counted in one pass over the close pairs, by the WebAssembly kernel
 * (gap-count-kernel.ts) when the days span at most MAXIMUM_DAY_SPAN and the time breaks give at most
 * MAXIMUM_KERNEL_THRESHOLDS thresholds, else by countBlockInJavaScript. Both give the same counts.
 */
import { splitMix32Seeding } from '../statistics/random.ts'
import { shuffleDays } from './day-shuffle.ts'
import {
  DAY_BYTES_PER_POSITION,
  gapCountKernel,
  LANES,
  MAXIMUM_DAY_SPAN,
  RUN_BYTES,
  type CountRuns,
} from './gap-count-kernel.ts'
import { alignUp, ensureBytes } from './pair-memory.ts'

export const PERMUTATIONS_PER_BLOCK = LANES

/**
 * CPU a pair and permutation of the kernel, 200,000 incidents: 0.23 ns with 4 thresholds, 0.48 ns with 8,
 * 1.3 ns with 16, 1.8 ns with 32 (its counters no longer fit in registers); JavaScript's lookup, 2.5 ns
 * however many.
 */
const MAXIMUM_KERNEL_THRESHOLDS = 32
/**
 * Runs per call of the kernel: V8 starts a WebAssembly function in its baseline compiler and switches to
 * the optimised code (3 times as fast here) at a later call, so one call for a whole block would not.
 */
const RUNS_PER_CALL = 4096

/**
 * The time breaks as whole-day thresholds: a gap g lies in [b_t, b_(t+1)) exactly when
 * T_t ≤ g < T_(t+1), with T_t = ⌈b_t⌉, capped at the largest gap + 1 (no gap reaches it).
 */
export interface TimeThresholds {
  /** The distinct thresholds above 0, increasing: the kernel counts the gaps below each. */
  readonly values: readonly number[]
  /** For each time break, its threshold's index in `values`, or -1 for 0 (no gap is below it). */
  readonly ofBreak: readonly number[]
  /** Whether the WebAssembly kernel counts them (else JavaScript). */
  readonly kernel: boolean
}

export function timeThresholds(timeBands: readonly number[], largestGap: number): TimeThresholds {
  const capped = timeBands.map((limit) => Math.min(Math.ceil(limit), largestGap + 1))
  const values = [...new Set(capped.filter((value) => value > 0))].sort((a, b) => a - b)
  return {
    values,
    ofBreak: capped.map((value) => values.indexOf(value)),
    kernel: largestGap <= MAXIMUM_DAY_SPAN && values.length <= MAXIMUM_KERNEL_THRESHOLDS,
  }
}

/** What the Monte Carlo loop needs: plain values, so it can be handed to a worker thread. */
export interface PermutationInput {
  /** Shared memory holding the close pairs: `second` from byte 0, the runs from `runsOffset` (ClosePairs). */
  readonly memory: WebAssembly.Memory
  readonly pairCount: number
  readonly runsOffset: number
  readonly runCount: number
  /** Days in grid order (position a is the incident `point[a]`), less the earliest day. */
  readonly day: Int32Array
  readonly thresholds: TimeThresholds
  /** For JavaScript: the time band of each gap below its length (rowWidth − 1 for none). */
  readonly timeBandOfGap: Int32Array
  readonly rowWidth: number
  readonly observed: Int32Array
  readonly seed: number
  readonly permutations: number
  /** Where in `memory` the threads' workspaces start (reserveWorkspaces), thread t's at t · workspaceBytes. */
  readonly workspacesOffset: number
  readonly workspaceBytes: number
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

/**
 * Bytes of one thread's workspace in the shared memory: its permuted days (16 int16 a position) and the
 * kernel's counts; none when JavaScript counts.
 */
export function workspaceBytes(positions: number, spaceBandCount: number, thresholds: TimeThresholds) {
  if (!thresholds.kernel) return 0
  return (
    alignUp(positions * DAY_BYTES_PER_POSITION) +
    alignUp(spaceBandCount * thresholds.values.length * LANES * 4)
  )
}

/** Grows the memory to hold `threads` workspaces; before any worker starts (they share the memory). */
export function reserveWorkspaces(input: PermutationInput, threads: number) {
  ensureBytes(
    input.memory,
    input.workspacesOffset + threads * input.workspaceBytes,
    () => `The permutations' days for ${threads} threads`,
  )
}

/** One thread's tables for runPermutationBlock, reused from block to block. */
export interface Workspace {
  readonly permutedDay: Int32Array
  readonly blockDay: Int16Array | Int32Array
  readonly counts: Int32Array
  readonly countRuns: CountRuns | undefined
  readonly daysOffset: number
  readonly countsOffset: number
}

export function createWorkspace(input: PermutationInput, thread: number): Workspace {
  const size = input.day.length
  const spaceBandCount = input.observed.length / input.rowWidth
  const { thresholds } = input
  if (!thresholds.kernel) {
    return {
      permutedDay: new Int32Array(size),
      blockDay: new Int32Array(size * LANES),
      counts: new Int32Array(LANES * input.observed.length),
      countRuns: undefined,
      daysOffset: 0,
      countsOffset: 0,
    }
  }
  const daysOffset = input.workspacesOffset + thread * input.workspaceBytes
  const countsOffset = daysOffset + alignUp(size * DAY_BYTES_PER_POSITION)
  const { buffer } = input.memory
  return {
    permutedDay: new Int32Array(size),
    blockDay: new Int16Array(buffer, daysOffset, size * LANES),
    counts: new Int32Array(buffer, countsOffset, spaceBandCount * thresholds.values.length * LANES),
    countRuns: gapCountKernel(thresholds.values, input.memory),
    daysOffset,
    countsOffset,
  }
}

/** Runs the permutations of one block and adds them to `totals`. */
export function runPermutationBlock(
  input: PermutationInput,
  block: number,
  totals: PermutationTotals,
  workspace: Workspace,
) {
  const { permutedDay, blockDay, counts, countRuns } = workspace
  const words = new Int32Array(4)
  splitMix32Seeding(input.seed, block, words)
  const size = input.day.length
  const first = block * PERMUTATIONS_PER_BLOCK
  const inBlock = Math.min(input.permutations, first + PERMUTATIONS_PER_BLOCK) - first
  // The block's permutations side by side: blockDay[a · 16 + j] is position a's day in permutation j.
  // A short last block leaves the other lanes as they were: they are counted, not used.
  permutedDay.set(input.day)
  for (let j = 0; j < inBlock; j++) {
    // Shuffling the previous permutation again is still a uniform random permutation.
    shuffleDays(permutedDay, words)
    for (let a = 0; a < size; a++) blockDay[a * LANES + j] = permutedDay[a]!
  }
  const { observed, rowWidth } = input
  const add = (band: number, count: number) => {
    totals.countSum[band]! += count
    if (count >= observed[band]!) totals.atLeastObserved[band]!++
  }
  const spaceBandCount = observed.length / rowWidth
  if (!countRuns) {
    counts.fill(0)
    countBlockInJavaScript(input, blockDay, counts)
    for (let j = 0; j < inBlock; j++) {
      for (let s = 0; s < spaceBandCount; s++) {
        for (let t = 0; t < rowWidth - 1; t++)
          add(s * rowWidth + t, counts[j * observed.length + s * rowWidth + t]!)
      }
    }
    return
  }
  counts.fill(0)
  const { runsOffset, runCount } = input
  for (let run = 0; run < runCount; run += RUNS_PER_CALL) {
    const end = Math.min(runCount, run + RUNS_PER_CALL)
    countRuns(
      runsOffset + run * RUN_BYTES,
      runsOffset + end * RUN_BYTES,
      0,
      workspace.daysOffset,
      workspace.countsOffset,
    )
  }
  const { ofBreak, values } = input.thresholds
  const below = (s: number, threshold: number, j: number) =>
    threshold < 0 ? 0 : counts[(s * values.length + threshold) * LANES + j]!
  for (let j = 0; j < inBlock; j++) {
    for (let s = 0; s < spaceBandCount; s++) {
      for (let t = 0; t < rowWidth - 1; t++) {
        add(s * rowWidth + t, below(s, ofBreak[t + 1]!, j) - below(s, ofBreak[t]!, j))
      }
    }
  }
}

/**
 * The kernel's work in JavaScript, for days that span more than MAXIMUM_DAY_SPAN or many time bands:
 * counts[j · observed.length + s · rowWidth + t] for permutation j, by the time band of each gap.
 */
function countBlockInJavaScript(
  input: PermutationInput,
  blockDay: Int16Array | Int32Array,
  counts: Int32Array,
) {
  const { timeBandOfGap, rowWidth, runCount } = input
  const stride = input.observed.length
  const limit = timeBandOfGap.length
  const runs = new Int32Array(input.memory.buffer, input.runsOffset, 4 * runCount)
  const second = new Int32Array(input.memory.buffer, 0, input.pairCount)
  for (let run = 0; run < runCount; run++) {
    const dayA = runs[4 * run]! * LANES
    const row = runs[4 * run + 1]! * rowWidth
    const end = runs[4 * run + 3]!
    for (let k = runs[4 * run + 2]!; k < end; k++) {
      const dayB = second[k]! * LANES
      for (let j = 0; j < LANES; j++) {
        const gap = Math.abs(blockDay[dayA + j]! - blockDay[dayB + j]!)
        if (gap < limit) counts[j * stride + row + timeBandOfGap[gap]!]!++
      }
    }
  }
}

/**
 * Adds each pair's band pair to `counts`, in rows of one space band with a column per time band
 * and a last column for gaps inside the last break that fall in no band (not reported).
 */
export function countPairs(
  pairs: { readonly runs: Int32Array; readonly runCount: number; readonly second: Int32Array },
  timeBandOfGap: Int32Array,
  rowWidth: number,
  day: Int32Array,
  counts: Int32Array,
) {
  const { runs, runCount, second } = pairs
  const gapLimit = timeBandOfGap.length
  for (let run = 0; run < runCount; run++) {
    const dayA = day[runs[4 * run]!]!
    const row = runs[4 * run + 1]! * rowWidth
    const end = runs[4 * run + 3]!
    for (let k = runs[4 * run + 2]!; k < end; k++) {
      const gap = Math.abs(dayA - day[second[k]!]!)
      if (gap < gapLimit) counts[row + timeBandOfGap[gap]!]!++
    }
  }
}
