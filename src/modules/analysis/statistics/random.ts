/**
 * Seeded random numbers for the resampling methods, so that a run can be repeated exactly from its
 * seed on every machine and Node version (Math.random cannot be seeded).
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * 2018; https://prng.di.unimi.it/xoshiro128starstar.c), four 32-bit state words, period 2¹²⁸ − 1.
 *
 * A seed and a stream number become the four state words by one of two seedings. Both are kept,
 * because results published with a seed depend on them (test/fixtures/analysis/knox-xoshiro128.json
 * pins the first):
 * - `splitMix32Seeding` (Knox, the point pattern tests): the words are SplitMix32 outputs
 *   4·stream + 1 … 4·stream + 4 of the seed taken modulo 2³²;
 * - `hashedStreamSeeding` (Gi*): the whole safe-integer seed and the stream are hashed into a
 *   SplitMix32 starting point, whose next four outputs are the words.
 * SplitMix32 here: add the golden-ratio constant 0x9E3779B9 once per output, then apply MurmurHash3's
 * 32-bit finaliser (`mix32`), a bijection, so nearby seeds and streams give unrelated sequences.
 */

/** Fills `words` with the four state words for a seed and a stream. */
export type StreamSeeding = (seed: number, stream: number, words: Int32Array) => void

const TWO_TO_32 = 4_294_967_296
const GOLDEN_RATIO = 0x9e3779b9

/**
 * Word k (k = 1 … 4) is mix32((seed mod 2³²) + (4·stream + k)·0x9E3779B9 mod 2³²): consecutive
 * streams take consecutive SplitMix32 outputs of the seed. Never all zero, as mix32 is a bijection
 * and the four inputs differ.
 */
export const splitMix32Seeding: StreamSeeding = (seed, stream, words) => {
  for (let k = 0; k < 4; k++)
    words[k] = mix32(((seed >>> 0) + Math.imul(4 * stream + k + 1, GOLDEN_RATIO)) | 0)
}

/**
 * Start = mix32(mix32(low ^ 0x6A09E667) ^ high) ^ mix32(stream ^ 0xBB67AE85), where low and high are
 * the two 32-bit halves of the seed (so every safe integer is its own seed); then word k is
 * mix32(start + k·0x9E3779B9), k = 1 … 4. An all-zero state, the generator's one fixed point, is
 * replaced by word 0 = 1.
 */
export const hashedStreamSeeding: StreamSeeding = (seed, stream, words) => {
  const low = seed >>> 0
  const high = Math.floor(seed / TWO_TO_32) >>> 0
  let state = mix32(mix32(low ^ 0x6a09e667) ^ high) ^ mix32(stream ^ 0xbb67ae85)
  for (let k = 0; k < 4; k++) {
    state = (state + GOLDEN_RATIO) | 0
    words[k] = mix32(state)
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let z = value | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) | 0
}

export class Xoshiro128StarStar {
  // The four words live in a typed array: as object fields, 32-bit values beyond V8's small
  // integers would be boxed as heap numbers on every update.
  private readonly state = new Int32Array(4)

  constructor(
    seed = 1,
    stream = 0,
    private readonly seeding: StreamSeeding = splitMix32Seeding,
  ) {
    seeding(seed, stream, this.state)
  }

  /** Starts the generator again, as `new` with the same seeding would (Gi* does so for every cell). */
  reseed(seed: number, stream: number): void {
    this.seeding(seed, stream, this.state)
  }

  /** A generator at a given raw state (four 32-bit words, not all zero), to check it against the published C code. */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128StarStar {
    const generator = new Xoshiro128StarStar()
    generator.state.set(state.map((word) => word | 0))
    return generator
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const words = this.state
    const s0 = words[0]!
    const s1 = words[1]!
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0
    const s2 = words[2]! ^ s0
    const s3 = words[3]! ^ s1
    words[1] = s1 ^ s2
    words[0] = s0 ^ s3
    words[2] = s2 ^ (s1 << 9)
    words[3] = rotateLeft(s3, 11)
    return result
  }

  /** A uniform number in [0, 1) with 53 random bits (27 from one output, 26 from the next). */
  uniform(): number {
    return ((this.nextUint32() >>> 5) * 67_108_864 + (this.nextUint32() >>> 6)) / 9_007_199_254_740_992
  }

  /**
   * A uniform integer in 0 … bound − 1 by Lemire's multiply-and-reject (Lemire 2019), without a
   * division; for bound > 2²¹, where r·bound would pass 2⁵³, ⌊uniform()·bound⌋ (bias below 2⁻³¹).
   */
  below(bound: number): number {
    if (bound > 2_097_152) return Math.floor(this.uniform() * bound)
    // r·bound < 2^53 is exact in a double; Math.imul gives its low 32 bits.
    let random = this.nextUint32()
    let low = Math.imul(random, bound) >>> 0
    if (low < bound) {
      const rejectBelow = (TWO_TO_32 - bound) % bound
      while (low < rejectBelow) {
        random = this.nextUint32()
        low = Math.imul(random, bound) >>> 0
      }
    }
    return Math.floor((random * bound) / TWO_TO_32)
  }

  /**
   * A uniform integer in 0 … bound − 1, 1 ≤ bound ≤ 2³², as the remainder of a 32-bit output, the
   * top 2³² mod bound outputs rejected so that no remainder is likelier than another. Gives other
   * values than `below` for the same state: Knox and the point pattern tests use this one.
   */
  belowByRemainder(bound: number): number {
    const limit = TWO_TO_32 - (TWO_TO_32 % bound)
    let value = this.nextUint32()
    while (value >= limit) value = this.nextUint32()
    return value % bound
  }

  /** Shuffles in place, uniformly over all orders (Fisher-Yates, Durstenfeld's form, with `belowByRemainder`). */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.belowByRemainder(i + 1)
      const kept = values[i]!
      values[i] = values[j]!
      values[j] = kept
    }
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}
