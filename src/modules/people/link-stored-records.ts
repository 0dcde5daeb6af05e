import { availableParallelism } from 'node:os'
import { linkRecords } from './linkage/link-records.ts'
import type { FieldExplanation } from './tables.ts'
import type { LinkDecisionKind } from './tables.ts'

/**
 * The linkage engine (linkage/) over records as the database holds them: ids in, cluster per
 * record, the best match probability of each record within its identity, and the review pairs by
 * record id with their field-by-field explanation.
 */

export interface StoredRecord {
  id: number
  sourceSystem: string
  firstNames: string
  lastName: string
  dateOfBirth: string | null
  address: string | null
  postcode: string | null
}

export interface StoredLinkage {
  clusters: number
  clusterOf: Int32Array
  /** Per record: the highest probability of a link to another record of its identity; NaN when alone. */
  probabilityOf: Float64Array
  linkedPairs: number
  review: {
    recordA: number
    recordB: number
    probability: number
    weight: number
    explanation: FieldExplanation[]
  }[]
  model: unknown
}

export async function linkStoredRecords(
  records: StoredRecord[],
  decisions: { record_a: number; record_b: number; decision: LinkDecisionKind }[],
  options: { threshold: number; reviewFrom: number; onProgress?: (fraction: number, stage: string) => void },
): Promise<StoredLinkage> {
  const indexOf = new Map(records.map((record, index) => [record.id, index]))
  const result = await linkRecords(
    records.map((record) => ({
      source: record.sourceSystem,
      recordId: String(record.id),
      firstName: record.firstNames,
      lastName: record.lastName,
      dateOfBirth: record.dateOfBirth ?? '',
      address: record.address ?? '',
      postcode: record.postcode ?? '',
    })),
    {
      threshold: options.threshold,
      reviewBand: options.reviewFrom,
      decisions: decisions.flatMap((d) => {
        const first = indexOf.get(d.record_a)
        const second = indexOf.get(d.record_b)
        return first === undefined || second === undefined ? [] : [{ first, second, kind: d.decision }]
      }),
      threads: Math.min(2, availableParallelism()),
      onProgress: options.onProgress,
    },
  )
  const probabilityOf = new Float64Array(records.length).fill(Number.NaN)
  const { matches, identities } = result
  let linkedPairs = 0
  for (let k = 0; k < matches.count; k++) {
    if (matches.refused[k]) continue
    const first = matches.first[k] as number
    const second = matches.second[k] as number
    if (identities[first] !== identities[second]) continue
    linkedPairs++
    const p = matches.probability[k] as number
    if (!(probabilityOf[first]! >= p)) probabilityOf[first] = p
    if (!(probabilityOf[second]! >= p)) probabilityOf[second] = p
  }
  const idOf = (index: number) => (records[index] as StoredRecord).id
  const decided = new Set(decisions.map((d) => `${d.record_a}:${d.record_b}`))
  return {
    clusters: result.identityCount,
    clusterOf: identities,
    probabilityOf,
    linkedPairs,
    review: result.review
      .filter((pair) => !pair.sameIdentity)
      .flatMap((pair) => {
        const [a, b] = [idOf(pair.first), idOf(pair.second)].sort((x, y) => x - y) as [number, number]
        // A pair someone has decided is not asked again.
        if (decided.has(`${a}:${b}`)) return []
        return {
          recordA: a,
          recordB: b,
          probability: pair.probability,
          weight: pair.weight,
          explanation: pair.fields.map((field) => ({
            field: field.comparison,
            level: field.level,
            weight: field.weight,
          })),
        }
      }),
    model: result.model,
  }
}
