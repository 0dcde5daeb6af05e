import { createHash } from 'node:crypto'

/**
 * Numbers repeated identities within one file: the same Crime ID twice in a month, or two
 * identical anti-social behaviour rows, become distinct incidents with stable keys.
 */
export class NaturalKeys {
  // An open-addressing table of 64-bit fingerprints of the identities (the first 8 bytes of their
  // SHA-256) with their counts: 12 bytes a slot, so a million-row file needs tens of megabytes, not hundreds.
  private high = new Uint32Array(1 << 12)
  private low = new Uint32Array(1 << 12)
  /** Occurrences seen so far; 0 marks an empty slot. */
  private counts = new Uint32Array(1 << 12)
  private used = 0

  next(identity: string): string {
    const digest = createHash('sha256').update(identity).digest()
    const occurrence = this.increment(digest.readUInt32LE(0), digest.readUInt32LE(4))
    return `${identity}:${occurrence}`
  }

  /** Returns how many times the fingerprint was seen before, and counts this time. */
  private increment(high: number, low: number): number {
    const mask = this.counts.length - 1
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask
    while (this.counts[slot] !== 0) {
      if (this.high[slot] === high && this.low[slot] === low) return this.counts[slot]!++
      slot = (slot + 1) & mask
    }
    this.high[slot] = high
    this.low[slot] = low
    this.counts[slot] = 1
    this.used += 1
    if (this.used * 2 > this.counts.length) this.grow()
    return 0
  }

  private grow(): void {
    const { high, low, counts } = this
    this.high = new Uint32Array(counts.length * 2)
    this.low = new Uint32Array(counts.length * 2)
    this.counts = new Uint32Array(counts.length * 2)
    const mask = this.counts.length - 1
    for (let old = 0; old < counts.length; old++) {
      if (counts[old] === 0) continue
      let slot = (low[old]! ^ Math.imul(high[old]!, 0x9e3779b1)) & mask
      while (this.counts[slot] !== 0) slot = (slot + 1) & mask
      this.high[slot] = high[old]!
      this.low[slot] = low[old]!
      this.counts[slot] = counts[old]!
    }
  }
}
