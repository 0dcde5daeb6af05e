import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { DATA_SUBJECT_CATEGORIES, type DataSubjectCategory } from '../platform/data-subject-categories.ts'

/**
 * What a referral's evidence item says about where it came from (checklist C3): the person's
 * category of data subject in the incident and the source of the item. The category is the one
 * the person's own involvement records (the first in the list order when they are involved in
 * more than one way). An incident that reached the referral through the person's household has
 * no involvement of theirs: the category is then derived, child-at-risk for a child on that day
 * and other for an adult, and no records system is named for it.
 */
export interface EvidenceProvenance {
  category: DataSubjectCategory
  sourceKind: string
  importRunId: number
  categorySourceSystem: string | null
}

const RANK = new Map<string, number>(DATA_SUBJECT_CATEGORIES.map((category, index) => [category, index]))

function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

export async function evidenceProvenance(
  trx: Transaction<Database>,
  personId: number,
  evidence: readonly { incidentId: number; date: string }[],
): Promise<Map<number, EvidenceProvenance>> {
  const incidentIds = [...new Set(evidence.map((item) => item.incidentId))]
  const result = new Map<number, EvidenceProvenance>()
  if (incidentIds.length === 0) return result
  const incidents = await trx
    .selectFrom('incident')
    .select(['id', 'source_kind', 'import_run_id'])
    .where('id', 'in', incidentIds)
    .execute()
  const involvements = await trx
    .selectFrom('person_involvement as v')
    .innerJoin('person_record_link as l', 'l.person_record_id', 'v.person_record_id')
    .innerJoin('person_record as r', 'r.id', 'v.person_record_id')
    .select(['v.incident_id', 'v.category', 'r.source_system'])
    .where('l.person_id', '=', personId)
    .where('v.incident_id', 'in', incidentIds)
    .orderBy('v.id')
    .execute()
  const recorded = new Map<number, { category: DataSubjectCategory; sourceSystem: string }>()
  for (const row of involvements) {
    const incidentId = Number(row.incident_id)
    const seen = recorded.get(incidentId)
    if (!seen || RANK.get(row.category)! < RANK.get(seen.category)!)
      recorded.set(incidentId, { category: row.category, sourceSystem: row.source_system })
  }
  const person = await trx
    .selectFrom('person')
    .select('date_of_birth')
    .where('id', '=', personId)
    .executeTakeFirst()
  const dateOf = new Map(evidence.map((item) => [item.incidentId, item.date]))
  for (const incident of incidents) {
    const id = Number(incident.id)
    const own = recorded.get(id)
    const birth = person?.date_of_birth ?? null
    const derived: DataSubjectCategory =
      birth !== null && ageOn(String(birth), dateOf.get(id)!) < 18 ? 'child-at-risk' : 'other'
    result.set(id, {
      category: own?.category ?? derived,
      sourceKind: incident.source_kind,
      importRunId: Number(incident.import_run_id),
      categorySourceSystem: own?.sourceSystem ?? null,
    })
  }
  return result
}
