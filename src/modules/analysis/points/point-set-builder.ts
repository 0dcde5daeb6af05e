import type { PointSet } from '../method.ts'

const INITIAL_CAPACITY = 1024

/**
 * Collects points one at a time into typed arrays that double when full, so a million-row file
 * or query never holds one object per point. Category labels are interned: a file has a handful
 * of categories, and each point keeps a reference to the one shared string. LSOA codes are interned
 * the same way; the built set carries them only when some point was given one (a source with areas).
 */
export class PointSetBuilder {
  private capacity = INITIAL_CAPACITY
  private count = 0
  private longitude = new Float64Array(INITIAL_CAPACITY)
  private latitude = new Float64Array(INITIAL_CAPACITY)
  private day = new Int32Array(INITIAL_CAPACITY)
  private weight = new Float64Array(INITIAL_CAPACITY)
  private readonly category: string[] = []
  private readonly reference: string[] = []
  private readonly categories = new Map<string, string>()
  private readonly area: string[] = []
  private readonly areas = new Map<string, string>()
  private areaGiven = false

  get size(): number {
    return this.count
  }

  add(
    longitude: number,
    latitude: number,
    day: number,
    category: string,
    weight: number,
    reference: string,
    area?: string,
  ): void {
    if (this.count === this.capacity) this.grow()
    const at = this.count++
    this.longitude[at] = longitude
    this.latitude[at] = latitude
    this.day[at] = day
    this.weight[at] = weight
    let shared = this.categories.get(category)
    if (shared === undefined) {
      shared = category
      this.categories.set(category, category)
    }
    this.category.push(shared)
    this.reference.push(reference)
    if (area !== undefined && !this.areaGiven) {
      // The points before the first with an area had none: '' (unknown) for each.
      this.areaGiven = true
      for (let i = 0; i < at; i++) this.area.push('')
    }
    if (this.areaGiven) this.area.push(this.intern(area ?? ''))
  }

  private intern(area: string): string {
    let shared = this.areas.get(area)
    if (shared === undefined) {
      shared = area
      this.areas.set(area, area)
    }
    return shared
  }

  /** The points so far; the builder should not be used after. */
  build(): PointSet {
    const size = this.count
    return {
      size,
      longitude: this.longitude.slice(0, size),
      latitude: this.latitude.slice(0, size),
      day: this.day.slice(0, size),
      weight: this.weight.slice(0, size),
      category: this.category,
      reference: this.reference,
      ...(this.areaGiven ? { area: this.area } : {}),
    }
  }

  private grow(): void {
    this.capacity *= 2
    const grown = <T extends Float64Array | Int32Array>(from: T, make: (length: number) => T): T => {
      const to = make(this.capacity)
      to.set(from)
      return to
    }
    this.longitude = grown(this.longitude, (n) => new Float64Array(n))
    this.latitude = grown(this.latitude, (n) => new Float64Array(n))
    this.day = grown(this.day, (n) => new Int32Array(n))
    this.weight = grown(this.weight, (n) => new Float64Array(n))
  }
}
