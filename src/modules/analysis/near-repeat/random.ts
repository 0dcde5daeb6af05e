/**
 * A small seeded pseudo-random generator, so that a Knox run with the same seed gives the same
 * permutations on every machine and Node version (Math.random cannot be seeded).
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna 2018, https://prng.di.unimi.it/xoshiro128starstar.c),
 * 32-bit state words. Its four state words are SplitMix32 outputs 4·stream + 1 … 4·stream + 4 of
 * the seed (SplitMix32: add the golden-ratio constant 0x9E3779B9 to the seed once per output, then
 * apply the MurmurHash3 32-bit finaliser), so nearby seeds and streams give unrelated sequences
 * and the state is never all zero (the finaliser is a bijection).
 */
export class SeededRandom {
  private state0: number
  private state1: number
  private state2: number
  private state3: number

  constructor(seed: number, stream = 0) {
    const splitMix = (output: number): number => {
      let z = ((seed >>> 0) + Math.imul(output, 0x9e3779b9)) | 0
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.state0 = splitMix(4 * stream + 1)
    this.state1 = splitMix(4 * stream + 2)
    this.state2 = splitMix(4 * stream + 3)
    this.state3 = splitMix(4 * stream + 4)
  }

  /** Starts from the four state words themselves (for checking against the reference C code). */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    const random = new SeededRandom(0)
    random.state0 = state[0] >>> 0
    random.state1 = state[1] >>> 0
    random.state2 = state[2] >>> 0
    random.state3 = state[3] >>> 0
    return random
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.state1, 5), 7), 9) >>> 0
    const shifted = this.state1 << 9
    this.state2 ^= this.state0
    this.state3 ^= this.state1
    this.state1 ^= this.state2
    this.state0 ^= this.state3
    this.state2 ^= shifted
    this.state3 = rotateLeft(this.state3, 11)
    return result
  }

  /** A uniform integer in [0, bound), bound ≤ 2³², without modulo bias (rejection of the top remainder). */
  below(bound: number): number {
    const limit = 4_294_967_296 - (4_294_967_296 % bound)
    let value = this.nextUint32()
    while (value >= limit) value = this.nextUint32()
    return value % bound
  }

  /** Shuffles in place, uniformly over all orders (Fisher-Yates, Durstenfeld's form). */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.below(i + 1)
      const kept = values[i]!
      values[i] = values[j]!
      values[j] = kept
    }
  }
}

const rotateLeft = (value: number, bits: number): number => (value << bits) | (value >>> (32 - bits))
