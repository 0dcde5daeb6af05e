/**
 * Keeps person ids stable across linkage runs. Each new identity (a cluster of records) takes
 * the person id most of its records had before, unless a larger share of another cluster has
 * already claimed it; clusters with no previous id get a new person. A previous person left with
 * no cluster was merged: it points at the person that took most of its records.
 */

export interface Assignment {
  /** Per cluster index, the person id it keeps, or null for a new person. */
  personOfCluster: (number | null)[]
  /** Previous persons that no cluster kept, with the person (or cluster, if new) most of their records went to. */
  merged: { personId: number; into: { personId: number } | { cluster: number } }[]
}

/**
 * @param clusterOf cluster index per record
 * @param previousPerson the record's previous person id, or null if it was never linked
 */
export function assignPersonIds(
  clusterOf: Int32Array,
  previousPerson: (number | null)[],
  clusters: number,
): Assignment {
  // votes: cluster → previous person → records.
  const votes = new Map<number, Map<number, number>>()
  for (let record = 0; record < clusterOf.length; record++) {
    const person = previousPerson[record]
    if (person === null || person === undefined) continue
    const cluster = clusterOf[record] as number
    let tally = votes.get(cluster)
    if (!tally) votes.set(cluster, (tally = new Map()))
    tally.set(person, (tally.get(person) ?? 0) + 1)
  }
  // Largest claims first, so a split identity keeps its id in the part holding most of its records.
  const claims: { cluster: number; person: number; records: number }[] = []
  for (const [cluster, tally] of votes)
    for (const [person, records] of tally) claims.push({ cluster, person, records })
  claims.sort((a, b) => b.records - a.records || a.person - b.person || a.cluster - b.cluster)
  const personOfCluster: (number | null)[] = new Array<number | null>(clusters).fill(null)
  const taken = new Set<number>()
  for (const claim of claims) {
    if (personOfCluster[claim.cluster] !== null || taken.has(claim.person)) continue
    personOfCluster[claim.cluster] = claim.person
    taken.add(claim.person)
  }
  const merged: Assignment['merged'] = []
  const best = new Map<number, { cluster: number; records: number }>()
  for (const claim of claims) {
    if (taken.has(claim.person)) continue
    const current = best.get(claim.person)
    if (!current || claim.records > current.records) best.set(claim.person, claim)
  }
  for (const [personId, { cluster }] of [...best].sort((a, b) => a[0] - b[0])) {
    const keeper = personOfCluster[cluster]
    merged.push({
      personId,
      into: keeper === null || keeper === undefined ? { cluster } : { personId: keeper },
    })
  }
  return { personOfCluster, merged }
}
