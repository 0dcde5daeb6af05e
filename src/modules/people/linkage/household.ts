/**
 * u among people who share an address. Fellegi–Sunter multiplies the comparisons' Bayes factors as
 * if they were independent, but among two different people at one address they are not: members of
 * a household mostly share a surname, twins share a date of birth, fathers and sons a first name.
 * Counting "same surname" (u about 1 in 1,000 over random pairs) on top of "same address" links a
 * record lacking its date of birth to a brother, and twins to each other. So for a pair at the same
 * address, the names and the date of birth are weighed against how often they agree between
 * different people at one address, estimated here from the file's own addresses.
 *
 * Pairs at one address are a mix of one person's records and household members, with no labels.
 * Different people are told apart by a comparison other than the one being estimated: for the first
 * name, pairs whose dates of birth differ outright; for the date of birth, pairs whose first names
 * differ outright; for the last name, pairs with either. One person's records rarely differ outright
 * on either (m of "different" is a few per cent), so the estimate is little disturbed by them.
 */
import {
  COMPARISONS,
  DATE_OF_BIRTH,
  FIRST_NAME,
  LAST_NAME,
  LOCATION,
  PATTERN_COUNT,
  levelOf,
  type PairComparer,
} from './comparisons.ts'
import type { EncodedPeople } from './encode.ts'

/**
 * Whether a pair is at one address: the same address and postcode. Not when the postcode differs
 * or is missing, since one street name and house number occur in many towns.
 */
export function atSameAddress(pattern: number): boolean {
  return levelOf(pattern, LOCATION) === 0
}

/** Records taken from one address: more are an institution (a hostel, a care home), not a household. */
const MOST_AT_ONE_ADDRESS = 24

/** Pairs of different people an estimate needs; with fewer the ordinary u is kept. */
const FEWEST_PAIRS = 30

/**
 * Pattern counts of pairs of records with the same cleaned address and postcode, at most about `budget` of them, taken from every k-th address.
 */
export function sameAddressPatterns(
  people: EncodedPeople,
  comparer: PairComparer,
  budget = 500_000,
): Float64Array {
  const addressCount = people.addresses.offsets.length - 1
  const offsets = new Int32Array(addressCount + 1)
  for (let k = 0; k < people.size; k++) {
    const address = people.address[k] ?? -1
    if (address >= 0) offsets[address + 1] = (offsets[address + 1] ?? 0) + 1
  }
  let totalPairs = 0
  for (let a = 0; a < addressCount; a++) {
    const count = Math.min(MOST_AT_ONE_ADDRESS, offsets[a + 1] ?? 0)
    totalPairs += (count * (count - 1)) / 2
    offsets[a + 1] = (offsets[a + 1] ?? 0) + (offsets[a] ?? 0)
  }
  const fill = offsets.slice(0, addressCount)
  const members = new Int32Array(offsets[addressCount] ?? 0)
  for (let k = 0; k < people.size; k++) {
    const address = people.address[k] ?? -1
    if (address < 0) continue
    members[fill[address] ?? 0] = k
    fill[address] = (fill[address] ?? 0) + 1
  }
  const step = Math.max(1, Math.ceil(totalPairs / budget))
  const counts = new Float64Array(PATTERN_COUNT)
  for (let a = 0; a < addressCount; a += step) {
    const start = offsets[a] ?? 0
    const end = Math.min(offsets[a + 1] ?? 0, start + MOST_AT_ONE_ADDRESS)
    for (let x = start; x < end; x++) {
      for (let y = x + 1; y < end; y++) {
        const pattern = comparer.compare(members[x] ?? 0, members[y] ?? 0)
        if (atSameAddress(pattern)) counts[pattern] = (counts[pattern] ?? 0) + 1
      }
    }
  }
  return counts
}

const differs = (pattern: number, field: number) =>
  levelOf(pattern, field) === (COMPARISONS[field]?.levels.length ?? 0) - 1

/** Which pairs count as two different people when estimating the u of `field`. */
function differentPeople(pattern: number, field: number): boolean {
  if (field === FIRST_NAME) return differs(pattern, DATE_OF_BIRTH)
  if (field === DATE_OF_BIRTH) return differs(pattern, FIRST_NAME)
  return differs(pattern, FIRST_NAME) || differs(pattern, DATE_OF_BIRTH)
}

const mDifferent = (m: readonly (readonly number[])[], field: number) =>
  m[field]?.[(COMPARISONS[field]?.levels.length ?? 1) - 1] ?? 0

/** The share of one person's record pairs that `differentPeople` would wrongly take for two people. */
function mistakenShare(m: readonly (readonly number[])[], field: number): number {
  if (field === FIRST_NAME) return mDifferent(m, DATE_OF_BIRTH)
  if (field === DATE_OF_BIRTH) return mDifferent(m, FIRST_NAME)
  return 1 - (1 - mDifferent(m, FIRST_NAME)) * (1 - mDifferent(m, DATE_OF_BIRTH))
}

/**
 * One person's record pairs among the counted pairs: those agreeing exactly on first name, last
 * name and date of birth (different people at one address almost never do), scaled up by m.
 */
function matchingPairs(counts: Float64Array, m: readonly (readonly number[])[]): number {
  let exact = 0
  for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
    const count = counts[pattern] ?? 0
    if (
      count > 0 &&
      levelOf(pattern, FIRST_NAME) === 0 &&
      levelOf(pattern, LAST_NAME) === 0 &&
      levelOf(pattern, DATE_OF_BIRTH) === 0
    )
      exact += count
  }
  const allExact = (m[FIRST_NAME]?.[0] ?? 1) * (m[LAST_NAME]?.[0] ?? 1) * (m[DATE_OF_BIRTH]?.[0] ?? 1)
  return allExact > 0 ? exact / allExact : 0
}

/**
 * u of each comparison among different people at one address: rows for first name, last name and
 * date of birth from `counts` (as sameAddressPatterns gives), the ordinary `u` for the location and
 * wherever too few pairs were found. With `m`, the expected number of one person's record pairs
 * that slipped in among the different people is taken off each level.
 */
export function uAtAddress(
  counts: Float64Array,
  u: readonly (readonly number[])[],
  m?: readonly (readonly number[])[],
): number[][] {
  const matches = m ? matchingPairs(counts, m) : 0
  return COMPARISONS.map((comparison, field) => {
    const ordinary = [...(u[field] ?? [])]
    if (field !== FIRST_NAME && field !== LAST_NAME && field !== DATE_OF_BIRTH) return ordinary
    const totals = comparison.levels.map(() => 0)
    let pairs = 0
    for (let pattern = 0; pattern < PATTERN_COUNT; pattern++) {
      const count = counts[pattern] ?? 0
      const level = levelOf(pattern, field)
      if (count === 0 || level < 0 || !differentPeople(pattern, field)) continue
      totals[level] = (totals[level] ?? 0) + count
      pairs += count
    }
    if (m && matches > 0) {
      const mistaken = matches * mistakenShare(m, field)
      totals.forEach((total, level) => {
        const slipped = Math.min(total, mistaken * (m[field]?.[level] ?? 0))
        totals[level] = total - slipped
        pairs -= slipped
      })
    }
    if (pairs < FEWEST_PAIRS) return ordinary
    // Half a pair on every level. Agreement may well be rarer than over random pairs: parents seldom
    // give two children one first name.
    return totals.map((total) => (total + 0.5) / (pairs + 0.5 * totals.length))
  })
}
