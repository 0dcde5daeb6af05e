/**
 * Numbers repeated identities within one file: the same Crime ID twice in a month, or two
 * identical anti-social behaviour rows, become distinct incidents with stable keys.
 */
export class NaturalKeys {
  // An open-addressing table of 64-bit fingerprints of the identities with their counts: 12 bytes a
  // slot, so a million-row file needs tens of megabytes, not hundreds. The fingerprint is two
  // 32-bit multiplicative hashes rather than a cryptographic digest: twice as fast, and it only
  // has to tell a file's identities apart. It is fixed (no random seed) so that a resumed run numbers
  // the rows exactly as the run it resumes did.
  private high = new Uint32Array(1 << 12)
  private low = new Uint32Array(1 << 12)
  /** Occurrences seen so far; 0 marks an empty slot. */
  private counts = new Uint32Array(1 << 12)
  private used = 0

  next(identity: string): string {
    let high = 0x811c9dc5
    let low = 0x9747b28c ^ identity.length
    for (let i = 0; i < identity.length; i++) {
      const code = identity.charCodeAt(i)
      high = Math.imul(high ^ code, 0x01000193)
      low = Math.imul((low << 5) | (low >>> 27), 0x85ebca6b) ^ code
    }
    return `${identity}:${this.increment(finalMix(high), finalMix(low ^ high))}`
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

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function finalMix(hash: number): number {
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  return (hash ^ (hash >>> 16)) >>> 0
}
