/**
 * The comparison of two records, field by field, as levels from the closest agreement to none
 * (Fellegi & Sunter 1969; the levels follow Splink's name, date and postcode comparisons). A
 * record pair's levels are packed into one small number, its pattern, so that pairs can be counted
 * by pattern and a pattern's weight looked up once.
 *
 * Address and postcode are one comparison, not two: members of one household share both, and
 * counting them as two independent pieces of evidence would link brothers and sisters.
 */
import type { EncodedPeople } from './encode.ts'
import { jaroWinklerOfCodes } from './jaro-winkler.ts'

export interface Comparison {
  readonly name: string
  /** What each level means, from the closest agreement to "different". */
  readonly levels: readonly string[]
}

export const FIRST_NAME = 0
export const LAST_NAME = 1
export const DATE_OF_BIRTH = 2
export const LOCATION = 3

export const COMPARISONS: readonly Comparison[] = [
  {
    name: 'first name',
    levels: [
      'exact match',
      'first and last names swapped (exactly or in sound)',
      'nickname match',
      'similar spelling (Jaro-Winkler at least 0.92)',
      'sounds alike or close (same NYSIIS code, or Jaro-Winkler at least 0.85)',
      'same first letter (an initial, a short form, a badly garbled name)',
      'different',
    ],
  },
  {
    name: 'last name',
    levels: [
      'exact match',
      'first and last names swapped (exactly or in sound)',
      'similar spelling (Jaro-Winkler at least 0.92)',
      'sounds alike or close (same NYSIIS code, or Jaro-Winkler at least 0.85)',
      'different',
    ],
  },
  {
    name: 'date of birth',
    levels: [
      'exact match',
      'day and month transposed',
      'year off by one',
      'two of day, month and year agree',
      'different',
    ],
  },
  {
    name: 'address and postcode',
    levels: [
      'same address and postcode',
      'same address, postcode differs or missing',
      'same postcode, address differs',
      'same postcode sector',
      'same postcode district',
      'different',
    ],
  },
]

export const NAME_SIMILAR = 0.92
export const NAME_CLOSE = 0.85
export const ADDRESS_SIMILAR = 0.9

/** Distinct name pairs whose level a comparer remembers (a few tens of megabytes). */
const CACHED_NAME_PAIRS = 1_000_000

/** A pattern holds level + 1 of each comparison in mixed radix (0 = missing on either side). */
export const PATTERN_RADIX: readonly number[] = COMPARISONS.map((comparison) => comparison.levels.length + 1)
export const PATTERN_STRIDE: readonly number[] = PATTERN_RADIX.map((_, field) =>
  PATTERN_RADIX.slice(0, field).reduce((product, radix) => product * radix, 1),
)
export const PATTERN_COUNT = PATTERN_RADIX.reduce((product, radix) => product * radix, 1)

/** The level of each comparison in a pattern, -1 where a value was missing. */
export function levelOf(pattern: number, field: number): number {
  return (Math.floor(pattern / (PATTERN_STRIDE[field] ?? 1)) % (PATTERN_RADIX[field] ?? 1)) - 1
}

export function patternOf(levels: readonly number[]): number {
  return levels.reduce((pattern, level, field) => pattern + (level + 1) * (PATTERN_STRIDE[field] ?? 0), 0)
}

/** Compares record pairs of one set of encoded people; holds the scratch space Jaro-Winkler needs. */
export class PairComparer {
  private readonly scratch = new Uint8Array(1024)
  private readonly nameCodes: Uint16Array
  private readonly nameOffsets: Int32Array
  private readonly addressCodes: Uint16Array
  private readonly addressOffsets: Int32Array
  private readonly lastStride = PATTERN_STRIDE[LAST_NAME] ?? 0
  private readonly dateStride = PATTERN_STRIDE[DATE_OF_BIRTH] ?? 0
  private readonly locationStride = PATTERN_STRIDE[LOCATION] ?? 0
  /**
   * Level of each distinct pair of names met, for first and for last names: common names meet
   * again and again, and a map look-up costs a fraction of Jaro-Winkler. Emptied when it grows
   * past CACHED_NAME_PAIRS, so memory stays bounded.
   */
  private readonly firstLevels = new Map<number, number>()
  private readonly lastLevels = new Map<number, number>()
  private readonly nameCount: number

  constructor(private readonly people: EncodedPeople) {
    this.nameCodes = people.names.codes
    this.nameOffsets = people.names.offsets
    this.addressCodes = people.addresses.codes
    this.addressOffsets = people.addresses.offsets
    this.nameCount = people.names.offsets.length
  }

  /** The pattern of records i and j. */
  compare(i: number, j: number): number {
    const p = this.people
    const firstA = p.firstName[i] ?? -1
    const firstB = p.firstName[j] ?? -1
    const lastA = p.lastName[i] ?? -1
    const lastB = p.lastName[j] ?? -1
    // Swapped exactly, or in sound when the names differ in place (NOAH KELLY and KELLY NOYAH).
    const swapped =
      firstA >= 0 &&
      lastA >= 0 &&
      firstB >= 0 &&
      lastB >= 0 &&
      firstA !== firstB &&
      ((firstA === lastB && lastA === firstB && firstA !== lastA) ||
        (p.firstCode[i] === p.lastCode[j] &&
          p.lastCode[i] === p.firstCode[j] &&
          p.firstCode[i] !== p.lastCode[i] &&
          p.firstCode[i] !== p.firstCode[j]))
    return (
      this.firstNameLevel(i, j, firstA, firstB, swapped) +
      this.lastNameLevel(i, j, lastA, lastB, swapped) * this.lastStride +
      this.dateLevel(p.dateOfBirth[i] ?? -1, p.dateOfBirth[j] ?? -1) * this.dateStride +
      this.locationLevel(i, j) * this.locationStride
    )
  }

  /** Levels below are level + 1, 0 for missing, as the pattern holds them. */
  private firstNameLevel(i: number, j: number, a: number, b: number, swapped: boolean): number {
    if (a < 0 || b < 0) return 0
    if (a === b) return 1
    if (swapped) return 2
    const key = a < b ? a * this.nameCount + b : b * this.nameCount + a
    let level = this.firstLevels.get(key)
    if (level === undefined) {
      if (this.nicknames(a, b)) level = 3
      else {
        const similarity = this.nameSimilarity(a, b)
        if (similarity >= NAME_SIMILAR) level = 4
        else if (similarity >= NAME_CLOSE || this.people.firstCode[i] === this.people.firstCode[j]) level = 5
        else level = this.firstLetter(a) === this.firstLetter(b) ? 6 : 7
      }
      if (this.firstLevels.size >= CACHED_NAME_PAIRS) this.firstLevels.clear()
      this.firstLevels.set(key, level)
    }
    return level
  }

  private lastNameLevel(i: number, j: number, a: number, b: number, swapped: boolean): number {
    if (a < 0 || b < 0) return 0
    if (a === b) return 1
    if (swapped) return 2
    const key = a < b ? a * this.nameCount + b : b * this.nameCount + a
    let level = this.lastLevels.get(key)
    if (level === undefined) {
      const similarity = this.nameSimilarity(a, b)
      if (similarity >= NAME_SIMILAR) level = 3
      else level = similarity >= NAME_CLOSE || this.people.lastCode[i] === this.people.lastCode[j] ? 4 : 5
      if (this.lastLevels.size >= CACHED_NAME_PAIRS) this.lastLevels.clear()
      this.lastLevels.set(key, level)
    }
    return level
  }

  private dateLevel(a: number, b: number): number {
    if (a < 0 || b < 0) return 0
    if (a === b) return 1
    const yearA = Math.floor(a / 10000)
    const yearB = Math.floor(b / 10000)
    const monthA = Math.floor(a / 100) % 100
    const monthB = Math.floor(b / 100) % 100
    const dayA = a % 100
    const dayB = b % 100
    if (yearA === yearB && dayA === monthB && monthA === dayB) return 2
    if (dayA === dayB && monthA === monthB && Math.abs(yearA - yearB) === 1) return 3
    const agreeing = Number(yearA === yearB) + Number(monthA === monthB) + Number(dayA === dayB)
    return agreeing === 2 ? 4 : 5
  }

  private locationLevel(i: number, j: number): number {
    const p = this.people
    const postcodeA = p.postcode[i] ?? -1
    const postcodeB = p.postcode[j] ?? -1
    const addressA = p.address[i] ?? -1
    const addressB = p.address[j] ?? -1
    const havePostcodes = postcodeA >= 0 && postcodeB >= 0
    const haveAddresses = addressA >= 0 && addressB >= 0
    if (!havePostcodes && !haveAddresses) return 0
    const samePostcode = havePostcodes && postcodeA === postcodeB
    const sameAddress = haveAddresses && this.sameAddress(i, j, addressA, addressB)
    if (sameAddress) return samePostcode ? 1 : 2
    if (samePostcode) return 3
    if (!havePostcodes) return 6
    const sectorA = p.sector[i] ?? -1
    if (sectorA >= 0 && sectorA === p.sector[j]) return 4
    const districtA = p.district[i] ?? -1
    if (districtA >= 0 && districtA === p.district[j]) return 5
    return 6
  }

  private sameAddress(i: number, j: number, a: number, b: number): boolean {
    if (a === b) return true
    if (this.people.houseNumber[i] !== this.people.houseNumber[j]) return false
    const startA = this.addressOffsets[a] ?? 0
    const startB = this.addressOffsets[b] ?? 0
    const lengthA = (this.addressOffsets[a + 1] ?? 0) - startA
    const lengthB = (this.addressOffsets[b + 1] ?? 0) - startB
    const codes = this.addressCodes
    return (
      jaroWinklerOfCodes(
        codes,
        startA,
        lengthA,
        codes,
        startB,
        lengthB,
        this.scratchFor(lengthA + lengthB),
      ) >= ADDRESS_SIMILAR
    )
  }

  private firstLetter(name: number): number {
    return this.nameCodes[this.nameOffsets[name] ?? 0] ?? -1
  }

  private nicknames(a: number, b: number): boolean {
    const offsets = this.people.nicknameOffsets
    const groups = this.people.nicknameGroups
    const endA = offsets[a + 1] ?? 0
    const endB = offsets[b + 1] ?? 0
    for (let x = offsets[a] ?? 0; x < endA; x++) {
      for (let y = offsets[b] ?? 0; y < endB; y++) if (groups[x] === groups[y]) return true
    }
    return false
  }

  private nameSimilarity(a: number, b: number): number {
    const startA = this.nameOffsets[a] ?? 0
    const startB = this.nameOffsets[b] ?? 0
    const lengthA = (this.nameOffsets[a + 1] ?? 0) - startA
    const lengthB = (this.nameOffsets[b + 1] ?? 0) - startB
    const codes = this.nameCodes
    return jaroWinklerOfCodes(
      codes,
      startA,
      lengthA,
      codes,
      startB,
      lengthB,
      this.scratchFor(lengthA + lengthB),
    )
  }

  private scratchFor(length: number): Uint8Array {
    return length <= this.scratch.length ? this.scratch : new Uint8Array(length)
  }
}
