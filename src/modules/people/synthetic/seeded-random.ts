/**
 * The generator's own seeded random numbers, so that a seed gives the same file on every machine
 * and Node version. Generator: SFC32 (Chris Doty-Humphrey's Small Fast Counting generator, as in
 * PractRand 0.95), four 32-bit words; it passes PractRand to 2⁴⁰ bytes and needs only 32-bit
 * integer operations. The seed (any safe integer) and a stream number are hashed into the first
 * three words with MurmurHash3's finaliser; the fourth is the counter. Twelve outputs are thrown
 * away, as PractRand's seeding does, so nearby seeds give unrelated sequences.
 *
 * Separate streams keep parts independent: the population is drawn from one stream and the
 * records' errors from another, so changing an error rate leaves the people as they were.
 */
export class SeededRandom {
  private readonly words = new Int32Array(4)

  constructor(seed: number, stream = 0) {
    const low = seed >>> 0
    const high = Math.floor(seed / 4_294_967_296) >>> 0
    this.words[0] = mix32(low ^ 0x6a09e667)
    this.words[1] = mix32(high ^ 0xbb67ae85)
    this.words[2] = mix32(stream ^ 0x3c6ef372)
    this.words[3] = 1
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  nextUint32(): number {
    const w = this.words
    const a = w[0]!
    const b = w[1]!
    const c = w[2]!
    const d = w[3]!
    const result = (a + b + d) | 0
    w[3] = (d + 1) | 0
    w[0] = b ^ (b >>> 9)
    w[1] = (c + (c << 3)) | 0
    w[2] = ((c << 21) | (c >>> 11)) + result
    return result >>> 0
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4_294_967_296
  }

  /** A uniform integer in 0 … bound − 1 (bound ≤ 2³²; the bias of flooring is below 2⁻³² · bound). */
  below(bound: number): number {
    return Math.floor(this.uniform() * bound)
  }

  /** A uniform integer in low … high, both included. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1)
  }

  chance(probability: number): boolean {
    return this.uniform() < probability
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!
  }
}

function mix32(value: number): number {
  let z = value | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) | 0
}

/** Draws items in proportion to their weights, by binary search of the cumulative weights. */
export class WeightedChoice<T> {
  readonly items: readonly T[]
  private readonly cumulative: Float64Array

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error('WeightedChoice needs at least one item')
    this.items = entries.map(([item]) => item)
    this.cumulative = new Float64Array(entries.length)
    let total = 0
    entries.forEach(([, weight], index) => {
      if (!(weight >= 0)) throw new Error(`weight ${weight} is not a non-negative number`)
      total += weight
      this.cumulative[index] = total
    })
    if (total <= 0) throw new Error('WeightedChoice needs a positive total weight')
  }

  get total(): number {
    return this.cumulative[this.cumulative.length - 1]!
  }

  /** The share of the total weight that item `index` has. */
  share(index: number): number {
    return (this.cumulative[index]! - (index === 0 ? 0 : this.cumulative[index - 1]!)) / this.total
  }

  draw(random: SeededRandom): T {
    const target = random.uniform() * this.total
    let low = 0
    let high = this.cumulative.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.cumulative[middle]! > target) high = middle
      else low = middle + 1
    }
    return this.items[low]!
  }
}
