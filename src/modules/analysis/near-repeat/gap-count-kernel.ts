/**
 * The Knox test's inner loop in WebAssembly with 128-bit SIMD: for the 16 permutations of a block at once,
 * how many close pairs have a gap in days below each threshold. A band's count is then the difference of
 * two such cumulative counts (a gap g, a whole number, lies in [lo, hi) exactly when ⌈lo⌉ ≤ g < ⌈hi⌉).
 *
 * Layout, in the shared memory the module imports (byte offsets are the function's arguments):
 * - runs: 4 int32 each, position a, space band s, first and end pair index: pairs of a in band s;
 * - second: int32 per pair, the other position b (b > a);
 * - days: 16 int16 per position, its day in each of the block's permutations (relative to the earliest,
 *   so that they fit: the span of days must be at most MAXIMUM_DAY_SPAN);
 * - counts: int32 [(s · thresholds + i) · 16 + permutation], added to (not overwritten).
 *
 * Per pair: load b, its 16 days (two vectors of eight int16), |day a − day b| in each lane, then per
 * threshold one compare and one subtract (a true lane is −1) into counters of 16 bits held in registers,
 * which are widened to int32 and added to `counts` at the end of a run, or every 65,535 pairs of a run
 * (before a 16-bit counter could wrap). The thresholds are constants of the module, generated for each
 * set of them (a few kilobytes, compiled in about a millisecond).
 */

/** Gaps are computed in int16 lanes: days must lie within 32,766 of each other (about 90 years). */
export const MAXIMUM_DAY_SPAN = 32_766
export const LANES = 16
export const RUN_BYTES = 16
export const DAY_BYTES_PER_POSITION = LANES * 2
/** Byte offsets of the four tables, then of the runs to count, from `first` to `end` (exclusive). */
export type CountRuns = (
  firstRun: number,
  endRun: number,
  second: number,
  days: number,
  counts: number,
) => void

const PAIRS_PER_FLUSH = 65_535

const unsignedLeb128 = (value: number): number[] => {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

const signedLeb128 = (value: number): number[] => {
  const bytes: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)
    bytes.push(done ? byte : byte | 0x80)
    if (done) return bytes
  }
}

const I32 = 0x7f
const V128 = 0x7b
const get = (local: number) => [0x20, ...unsignedLeb128(local)]
const set = (local: number) => [0x21, ...unsignedLeb128(local)]
const tee = (local: number) => [0x22, ...unsignedLeb128(local)]
const i32Const = (value: number) => [0x41, ...signedLeb128(value)]
const i32Load = (offset: number) => [0x28, 2, ...unsignedLeb128(offset)]
const simd = (opcode: number) => [0xfd, ...unsignedLeb128(opcode)]
const v128Load = (offset: number) => [...simd(0x00), 4, ...unsignedLeb128(offset)]
const v128Store = (offset: number) => [...simd(0x0b), 4, ...unsignedLeb128(offset)]
const i16x8Splat = (value: number) => [
  ...simd(0x0c),
  ...Array.from({ length: 8 }, () => [value & 0xff, (value >> 8) & 0xff]).flat(),
]
const [I32_ADD, I32_MUL, I32_SHL, I32_LT_U, I32_GE_U, SELECT] = [0x6a, 0x6c, 0x74, 0x49, 0x4f, 0x1b]
const [BLOCK, LOOP, BR, BR_IF, END, EMPTY] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40]
const I16X8_LT_S = 0x2f
const I16X8_ABS = 0x80
const I16X8_SUB = 0x91
const I32X4_EXTEND_LOW_I16X8_U = 0xa9
const I32X4_EXTEND_HIGH_I16X8_U = 0xaa
const I32X4_ADD = 0xae

/** The module's bytes for these thresholds (whole numbers from 1 to MAXIMUM_DAY_SPAN + 1, increasing). */
export function gapCountModuleBytes(thresholds: readonly number[]): Uint8Array<ArrayBuffer> {
  const k = thresholds.length
  // Parameters 0–4, then i32 locals 5–8, then v128 locals: a's two halves, the two gap vectors, and two
  // counters (permutations 0–7, 8–15) per threshold.
  const [run, endRun, second, days, counts] = [0, 1, 2, 3, 4]
  const [pair, pairEnd, chunkEnd, address] = [5, 6, 7, 8]
  const [dayA0, dayA1, gap0, gap1] = [9, 10, 11, 12]
  const counter = (threshold: number, half: number) => 13 + 2 * threshold + half
  const countsRowBytes = k * LANES * 4

  const perThreshold = (emit: (threshold: number, half: number) => number[]) =>
    thresholds.flatMap((_, threshold) => [...emit(threshold, 0), ...emit(threshold, 1)])
  const pairLoop = [
    ...[LOOP, EMPTY],
    ...get(days),
    ...get(pair),
    ...i32Load(0),
    ...i32Const(5),
    I32_SHL,
    I32_ADD,
    ...set(address),
    ...get(dayA0),
    ...get(address),
    ...v128Load(0),
    ...simd(I16X8_SUB),
    ...simd(I16X8_ABS),
    ...set(gap0),
    ...get(dayA1),
    ...get(address),
    ...v128Load(16),
    ...simd(I16X8_SUB),
    ...simd(I16X8_ABS),
    ...set(gap1),
    ...perThreshold((threshold, half) => [
      ...get(counter(threshold, half)),
      ...get(half === 0 ? gap0 : gap1),
      ...i16x8Splat(thresholds[threshold]!),
      ...simd(I16X8_LT_S),
      ...simd(I16X8_SUB),
      ...set(counter(threshold, half)),
    ]),
    ...get(pair),
    ...i32Const(4),
    I32_ADD,
    ...tee(pair),
    ...get(chunkEnd),
    I32_LT_U,
    ...[BR_IF, 0],
    END,
  ]
  const flush = perThreshold((threshold, half) =>
    [I32X4_EXTEND_LOW_I16X8_U, I32X4_EXTEND_HIGH_I16X8_U].flatMap((extend, part) => {
      const offset = threshold * LANES * 4 + half * 32 + part * 16
      return [
        ...get(address),
        ...get(address),
        ...v128Load(offset),
        ...get(counter(threshold, half)),
        ...simd(extend),
        ...simd(I32X4_ADD),
        ...v128Store(offset),
      ]
    }),
  )
  const chunkLoop = [
    ...[BLOCK, EMPTY],
    ...[LOOP, EMPTY],
    ...get(pair),
    ...get(pairEnd),
    I32_GE_U,
    ...[BR_IF, 1],
    // chunkEnd = min(pair + 65,535 pairs, pairEnd)
    ...get(pair),
    ...i32Const(4 * PAIRS_PER_FLUSH),
    I32_ADD,
    ...tee(chunkEnd),
    ...get(pairEnd),
    ...get(chunkEnd),
    ...get(pairEnd),
    I32_LT_U,
    SELECT,
    ...set(chunkEnd),
    ...perThreshold((threshold, half) => [...i16x8Splat(0), ...set(counter(threshold, half))]),
    ...pairLoop,
    // address = counts + s · (bytes of a space band's row)
    ...get(counts),
    ...get(run),
    ...i32Load(4),
    ...i32Const(countsRowBytes),
    I32_MUL,
    I32_ADD,
    ...set(address),
    ...flush,
    ...[BR, 0],
    END,
    END,
  ]
  const body = [
    ...[2, 4, I32, ...unsignedLeb128(4 + 2 * k), V128], // locals: four i32, then the v128s
    ...[BLOCK, EMPTY],
    ...[LOOP, EMPTY],
    ...get(run),
    ...get(endRun),
    I32_GE_U,
    ...[BR_IF, 1],
    ...get(days),
    ...get(run),
    ...i32Load(0),
    ...i32Const(5),
    I32_SHL,
    I32_ADD,
    ...tee(address),
    ...v128Load(0),
    ...set(dayA0),
    ...get(address),
    ...v128Load(16),
    ...set(dayA1),
    ...get(second),
    ...get(run),
    ...i32Load(8),
    ...i32Const(2),
    I32_SHL,
    I32_ADD,
    ...set(pair),
    ...get(second),
    ...get(run),
    ...i32Load(12),
    ...i32Const(2),
    I32_SHL,
    I32_ADD,
    ...set(pairEnd),
    ...chunkLoop,
    ...get(run),
    ...i32Const(RUN_BYTES),
    I32_ADD,
    ...set(run),
    ...[BR, 0],
    END,
    END,
    END, // of the function
  ]
  const name = (text: string) => [text.length, ...Array.from(text, (character) => character.charCodeAt(0))]
  const section = (id: number, bytes: number[]) => [id, ...unsignedLeb128(bytes.length), ...bytes]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // "\0asm", version 1
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // one type: five i32 → nothing
    // Imports env.memory: shared (flags 3), at least 1 page, at most 65,536 (4 GiB).
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 3, 1, ...unsignedLeb128(65_536)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('countRuns'), 0, 0]),
    ...section(10, [1, ...unsignedLeb128(body.length), ...body]),
  ])
}

const compiled = new Map<string, WebAssembly.Module>()

/** The kernel for these thresholds on this memory (a shared WebAssembly.Memory of at most 65,536 pages). */
export function gapCountKernel(thresholds: readonly number[], memory: WebAssembly.Memory): CountRuns {
  const key = thresholds.join(',')
  let module = compiled.get(key)
  if (!module) {
    module = new WebAssembly.Module(gapCountModuleBytes(thresholds))
    if (compiled.size > 16) compiled.clear()
    compiled.set(key, module)
  }
  return new WebAssembly.Instance(module, { env: { memory } }).exports.countRuns as CountRuns
}
