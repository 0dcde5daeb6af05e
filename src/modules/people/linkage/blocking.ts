/**
 * Blocking: only records that agree exactly on a rule's key are compared. Several rules, each
 * catching pairs the others miss (a typo in the date of birth, a move of house, swapped names); a
 * pair that two rules both find is compared once, under the first (Splink's way of combining
 * rules). Blocks are built by counting sort on dense key ids, and each rule has a budget of pairs:
 * when its blocks would give more, its largest blocks are left out (a key shared by thousands of
 * records says little), so time and memory stay bounded on any data.
 */
import { DATE_OF_BIRTH, FIRST_NAME, LAST_NAME, LOCATION } from './comparisons.ts'
import type { EncodedPeople } from './encode.ts'

export interface BlockingRule {
  readonly name: string
  /** The comparisons this rule's key constrains: EM does not estimate their m from its pairs. */
  readonly fixed: readonly number[]
  /** The parts of record k's key; any part -1 (missing) and the record is in no block of this rule. */
  readonly parts: (people: EncodedPeople, k: number) => readonly number[]
}

const at = (values: Int32Array, k: number) => values[k] ?? -1
const yearOf = (date: number) => (date < 0 ? -1 : Math.floor(date / 10000))
const dayAndMonthOf = (date: number) => (date < 0 ? -1 : date % 10000)

export const BLOCKING_RULES: readonly BlockingRule[] = [
  {
    name: 'date of birth and postcode',
    fixed: [DATE_OF_BIRTH, LOCATION],
    parts: (p, k) => [at(p.dateOfBirth, k), at(p.postcode, k)],
  },
  {
    name: 'date of birth and last name sound',
    fixed: [DATE_OF_BIRTH, LAST_NAME],
    parts: (p, k) => [at(p.dateOfBirth, k), at(p.lastCode, k)],
  },
  {
    name: 'date of birth and first name sound',
    fixed: [DATE_OF_BIRTH, FIRST_NAME],
    parts: (p, k) => [at(p.dateOfBirth, k), at(p.firstCode, k)],
  },
  {
    name: 'first and last name and year of birth',
    fixed: [FIRST_NAME, LAST_NAME, DATE_OF_BIRTH],
    parts: (p, k) => [at(p.firstName, k), at(p.lastName, k), yearOf(at(p.dateOfBirth, k))],
  },
  {
    name: 'first and last name and day and month of birth',
    fixed: [FIRST_NAME, LAST_NAME, DATE_OF_BIRTH],
    parts: (p, k) => [at(p.firstName, k), at(p.lastName, k), dayAndMonthOf(at(p.dateOfBirth, k))],
  },
  {
    name: 'first and last name',
    fixed: [FIRST_NAME, LAST_NAME],
    parts: (p, k) => [at(p.firstName, k), at(p.lastName, k)],
  },
  {
    name: 'both name sounds in either order, and postcode district',
    fixed: [FIRST_NAME, LAST_NAME, LOCATION],
    parts: (p, k) => {
      const first = at(p.firstCode, k)
      const last = at(p.lastCode, k)
      return [Math.min(first, last), Math.max(first, last), at(p.district, k)]
    },
  },
  {
    name: 'postcode and last name sound',
    fixed: [LOCATION, LAST_NAME],
    parts: (p, k) => [at(p.postcode, k), at(p.lastCode, k)],
  },
  {
    name: 'postcode and first name sound',
    fixed: [LOCATION, FIRST_NAME],
    parts: (p, k) => [at(p.postcode, k), at(p.firstCode, k)],
  },
  {
    name: 'both name sounds in either order, and date of birth',
    fixed: [FIRST_NAME, LAST_NAME, DATE_OF_BIRTH],
    parts: (p, k) => {
      const first = at(p.firstCode, k)
      const last = at(p.lastCode, k)
      return [Math.min(first, last), Math.max(first, last), at(p.dateOfBirth, k)]
    },
  },
]

export interface RuleBlocks {
  readonly rule: BlockingRule
  /** Block id of each record, -1 when it has none. */
  readonly key: Int32Array
  /** Records of block b: members[offsets[b] .. offsets[b + 1] − 1], in record order. */
  readonly offsets: Int32Array
  readonly members: Int32Array
  /** 1 for blocks within the budget, 0 for those left out. */
  readonly kept: Uint8Array
  readonly pairs: number
  readonly blocksLeftOut: number
  readonly pairsLeftOut: number
}

/** Pairs each rule may make: five per record (at least 200,000), far above what real data gives. */
export function defaultPairBudget(size: number): number {
  return Math.max(200_000, 5 * size)
}

export function buildBlocks(
  people: EncodedPeople,
  rules: readonly BlockingRule[] = BLOCKING_RULES,
  pairBudget = defaultPairBudget(people.size),
): RuleBlocks[] {
  return rules.map((rule) => blocksOf(people, rule, pairBudget))
}

function blocksOf(people: EncodedPeople, rule: BlockingRule, pairBudget: number): RuleBlocks {
  const size = people.size
  const key = new Int32Array(size)
  // Parts are folded in one at a time, the pair (id so far, part) made dense by a table for each
  // position, ids given in order of first appearance.
  const tables = rule.parts(people, 0).map(() => new DensePairIds())
  const last = tables.length - 1
  for (let k = 0; k < size; k++) {
    const parts = rule.parts(people, k)
    let id = parts[0] ?? -1
    for (let position = 1; position < parts.length && id >= 0; position++) {
      const part = parts[position] ?? -1
      id = part < 0 ? -1 : (tables[position] as DensePairIds).idOf(id, part)
    }
    key[k] = id
  }
  const blockCount = last > 0 ? (tables[last]?.size ?? 0) : 0
  const offsets = new Int32Array(blockCount + 1)
  for (let k = 0; k < size; k++) {
    const id = key[k] ?? -1
    if (id >= 0) offsets[id + 1] = (offsets[id + 1] ?? 0) + 1
  }
  for (let b = 0; b < blockCount; b++) offsets[b + 1] = (offsets[b + 1] ?? 0) + (offsets[b] ?? 0)
  const fill = offsets.slice(0, blockCount)
  const members = new Int32Array(offsets[blockCount] ?? 0)
  for (let k = 0; k < size; k++) {
    const id = key[k] ?? -1
    if (id < 0) continue
    members[fill[id] ?? 0] = k
    fill[id] = (fill[id] ?? 0) + 1
  }
  const kept = new Uint8Array(blockCount).fill(1)
  let pairs = 0
  const sizes: number[] = []
  for (let b = 0; b < blockCount; b++) {
    const count = (offsets[b + 1] ?? 0) - (offsets[b] ?? 0)
    pairs += (count * (count - 1)) / 2
    if (count > 1) sizes.push(b)
  }
  let blocksLeftOut = 0
  let pairsLeftOut = 0
  if (pairs > pairBudget) {
    const sizeOf = (b: number) => (offsets[b + 1] ?? 0) - (offsets[b] ?? 0)
    sizes.sort((x, y) => sizeOf(y) - sizeOf(x))
    for (const b of sizes) {
      if (pairs <= pairBudget) break
      const count = sizeOf(b)
      const blockPairs = (count * (count - 1)) / 2
      kept[b] = 0
      pairs -= blockPairs
      pairsLeftOut += blockPairs
      blocksLeftOut++
    }
  }
  return { rule, key, offsets, members, kept, pairs, blocksLeftOut, pairsLeftOut }
}

/**
 * Dense ids 0, 1, 2 ... for pairs of whole numbers (0 to 2^31 − 1), by open addressing: a Map
 * keyed by id × 2^26 + part hashed doubles, the largest cost of building blocks.
 */
class DensePairIds {
  size = 0
  private mask = 1023
  private firsts = new Int32Array(1024).fill(-1)
  private seconds = new Int32Array(1024)
  private ids = new Int32Array(1024)

  idOf(first: number, second: number): number {
    let slot = this.slotOf(first, second)
    while (this.firsts[slot] !== -1) {
      if (this.firsts[slot] === first && this.seconds[slot] === second) return this.ids[slot] ?? 0
      slot = (slot + 1) & this.mask
    }
    const id = this.size++
    this.firsts[slot] = first
    this.seconds[slot] = second
    this.ids[slot] = id
    if (this.size * 2 > this.mask) this.grow()
    return id
  }

  private slotOf(first: number, second: number): number {
    const hash = Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b)
    return (hash ^ (hash >>> 15)) & this.mask
  }

  private grow(): void {
    const { firsts, seconds, ids } = this
    const capacity = firsts.length * 2
    this.mask = capacity - 1
    this.firsts = new Int32Array(capacity).fill(-1)
    this.seconds = new Int32Array(capacity)
    this.ids = new Int32Array(capacity)
    for (let old = 0; old < firsts.length; old++) {
      const first = firsts[old] ?? -1
      if (first === -1) continue
      const second = seconds[old] ?? 0
      let slot = this.slotOf(first, second)
      while (this.firsts[slot] !== -1) slot = (slot + 1) & this.mask
      this.firsts[slot] = first
      this.seconds[slot] = second
      this.ids[slot] = ids[old] ?? 0
    }
  }
}

/** The rules (bit r for rule r) whose kept blocks hold both records i and j. */
export function rulesFinding(blocks: readonly RuleBlocks[], i: number, j: number): number {
  let mask = 0
  for (let r = 0; r < blocks.length; r++) {
    const { key, kept } = blocks[r] as RuleBlocks
    const id = key[i] ?? -1
    if (id >= 0 && id === key[j] && kept[id] === 1) mask |= 1 << r
  }
  return mask
}

/**
 * Calls visit(i, j, mask) for each pair of the kept blocks fromBlock .. toBlock − 1 of rule r that
 * no earlier rule finds (i < j; mask as `rulesFinding`), in a fixed order.
 */
export function visitPairs(
  blocks: readonly RuleBlocks[],
  r: number,
  fromBlock: number,
  toBlock: number,
  visit: (i: number, j: number, mask: number) => void,
): void {
  const { offsets, members, kept } = blocks[r] as RuleBlocks
  const earlier = (1 << r) - 1
  for (let b = fromBlock; b < toBlock; b++) {
    if (kept[b] !== 1) continue
    const start = offsets[b] ?? 0
    const end = offsets[b + 1] ?? 0
    for (let x = start; x < end; x++) {
      const i = members[x] ?? 0
      for (let y = x + 1; y < end; y++) {
        const j = members[y] ?? 0
        const mask = rulesFinding(blocks, i, j)
        if ((mask & earlier) === 0) visit(i, j, mask)
      }
    }
  }
}
