/**
 * A seeded source of random integers, so that a resampling run can be repeated exactly from its seed.
 * xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018), its state
 * filled by SplitMix32 from the seed as its authors recommend; integers below a bound by rejection, so
 * that every value is equally likely.
 */
export interface RandomSource {
  /** A uniformly random integer in [0, bound), for 1 ≤ bound ≤ 2³². */
  integerBelow(bound: number): number
}

const TWO_TO_32 = 4_294_967_296

export function seededRandom(seed: number): RandomSource {
  let splitMix = seed >>> 0
  const nextSplitMix = (): number => {
    splitMix = (splitMix + 0x9e3779b9) >>> 0
    let z = splitMix
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let s0 = nextSplitMix()
  let s1 = nextSplitMix()
  let s2 = nextSplitMix()
  let s3 = nextSplitMix()

  const nextUint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, 11)
    return result
  }

  return {
    integerBelow(bound: number): number {
      // Reject the top values that would make some remainders one more likely than the others.
      const limit = TWO_TO_32 - (TWO_TO_32 % bound)
      let value = nextUint32()
      while (value >= limit) value = nextUint32()
      return value % bound
    },
  }
}

const rotateLeft = (value: number, shift: number): number => (value << shift) | (value >>> (32 - shift))
