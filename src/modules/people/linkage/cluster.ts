/**
 * Records into identities: union-find over the matched pairs taken from the strongest down, with
 * reviewers' decisions respected. A "same" decision joins two records whatever the score; a
 * "different" decision (a split) keeps two records in different identities, through chains of
 * links too: a merge that would bring the two sides of a split together is refused.
 *
 * Optionally a merge must also be supported by the records on both sides, not by one pair: the
 * mean match probability over pairs across the two identities (up to 4 × 4 of them) must reach
 * `cohesion.minimum`. Without this, one record lacking a first name and a date of birth chains a
 * whole household into one identity, since its links to each member are each above threshold.
 */

export interface LinkageDecision {
  /** Record indices. */
  readonly first: number
  readonly second: number
  readonly kind: 'same' | 'different'
}

export interface Clustering {
  /** Identity number of each record, 0, 1, 2 ... in order of each identity's first record. */
  readonly identities: Int32Array
  readonly identityCount: number
  /** 1 for each candidate pair whose merge a split decision (or the cohesion check) refused. */
  readonly refused: Uint8Array
  /** "Same" decisions that contradicted "different" ones and so were not applied. */
  readonly conflictingLinks: readonly LinkageDecision[]
}

export interface Cohesion {
  /** Match probability of records i and j. */
  readonly probability: (i: number, j: number) => number
  readonly minimum: number
}

/** Members taken from each side when checking a merge's cohesion. */
const COHESION_SAMPLE = 4

export function clusterRecords(
  size: number,
  pairs: { readonly first: Int32Array; readonly second: Int32Array; readonly order?: Int32Array },
  decisions: readonly LinkageDecision[] = [],
  cohesion?: Cohesion,
): Clustering {
  const parent = new Int32Array(size)
  // Members of an identity form a ring through `next`, so two rings join by swapping two links.
  const next = new Int32Array(size)
  const members = new Int32Array(size).fill(1)
  for (let k = 0; k < size; k++) {
    parent[k] = k
    next[k] = k
  }
  // For each root, the records its identity may never be joined with.
  const forbidden = new Map<number, number[]>()
  const find = (k: number): number => {
    let root = k
    while ((parent[root] ?? root) !== root) root = parent[root] ?? root
    while ((parent[k] ?? k) !== root) {
      const next = parent[k] ?? k
      parent[k] = root
      k = next
    }
    return root
  }
  const mayJoin = (a: number, b: number): boolean => {
    const fromA = forbidden.get(a) ?? []
    const fromB = forbidden.get(b) ?? []
    const [list, other] = fromA.length <= fromB.length ? [fromA, b] : [fromB, a]
    return !list.some((record) => find(record) === other)
  }
  const join = (a: number, b: number): void => {
    const fromA = forbidden.get(a)
    const fromB = forbidden.get(b)
    const sizeA = fromA?.length ?? 0
    const sizeB = fromB?.length ?? 0
    // The root with the longer list stays, so lists are copied small into large.
    const [root, child] = sizeA >= sizeB ? [a, b] : [b, a]
    parent[child] = root
    members[root] = (members[root] ?? 0) + (members[child] ?? 0)
    const afterRoot = next[root] ?? root
    next[root] = next[child] ?? child
    next[child] = afterRoot
    const kept = forbidden.get(root)
    const moved = forbidden.get(child)
    if (moved) {
      if (kept) for (const record of moved) kept.push(record)
      else forbidden.set(root, moved)
      forbidden.delete(child)
    }
  }
  const check = (k: number, what: string) => {
    if (!Number.isInteger(k) || k < 0 || k >= size)
      throw new RangeError(`${what} ${k} is not a record index (0 to ${size - 1})`)
  }
  for (const decision of decisions) {
    check(decision.first, 'decision record')
    check(decision.second, 'decision record')
    if (decision.kind !== 'different' || decision.first === decision.second) continue
    const a = find(decision.first)
    const b = find(decision.second)
    forbidden.set(a, [...(forbidden.get(a) ?? []), decision.second])
    forbidden.set(b, [...(forbidden.get(b) ?? []), decision.first])
  }
  const conflictingLinks: LinkageDecision[] = []
  for (const decision of decisions) {
    if (decision.kind !== 'same') continue
    const a = find(decision.first)
    const b = find(decision.second)
    if (a === b) continue
    if (mayJoin(a, b)) join(a, b)
    else conflictingLinks.push(decision)
  }
  const cohesive = (a: number, b: number): boolean => {
    if (!cohesion || ((members[a] ?? 1) === 1 && (members[b] ?? 1) === 1)) return true
    let total = 0
    let checked = 0
    let x = a
    for (let s = 0; s < COHESION_SAMPLE; s++) {
      let y = b
      for (let t = 0; t < COHESION_SAMPLE; t++) {
        total += cohesion.probability(x, y)
        checked++
        y = next[y] ?? b
        if (y === b) break
      }
      x = next[x] ?? a
      if (x === a) break
    }
    return total / checked >= cohesion.minimum
  }
  const count = pairs.first.length
  const refused = new Uint8Array(count)
  for (let p = 0; p < count; p++) {
    const pair = pairs.order ? (pairs.order[p] ?? 0) : p
    const a = find(pairs.first[pair] ?? 0)
    const b = find(pairs.second[pair] ?? 0)
    if (a === b) continue
    if (mayJoin(a, b) && cohesive(a, b)) join(a, b)
    else refused[pair] = 1
  }
  const identities = new Int32Array(size)
  const numberOfRoot = new Int32Array(size).fill(-1)
  let identityCount = 0
  for (let k = 0; k < size; k++) {
    const root = find(k)
    if ((numberOfRoot[root] ?? -1) < 0) numberOfRoot[root] = identityCount++
    identities[k] = numberOfRoot[root] ?? 0
  }
  return { identities, identityCount, refused, conflictingLinks }
}
