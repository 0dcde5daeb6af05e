import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/** What erasing a person would remove, in counts and source references, for the confirmation page. */
export interface ErasureSummary {
  personId: number
  records: { sourceSystem: string; sourcePersonId: string }[]
  referrals: number
  households: number
  mail: number
}

export async function erasureSummary(db: Kysely<Database>, personId: number): Promise<ErasureSummary | null> {
  const person = await db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst()
  if (!person) return null
  const ids = sql`(with recursive merged (id) as (
      select ${personId}::bigint union select p.id from person p join merged m on p.merged_into = m.id
    ) select id from merged)`
  const records = await db
    .selectFrom('person_record_link as l')
    .innerJoin('person_record as r', 'r.id', 'l.person_record_id')
    .select(['r.source_system', 'r.source_person_id'])
    .where(sql<boolean>`l.person_id in ${ids}`)
    .orderBy('r.source_system')
    .orderBy('r.source_person_id')
    .execute()
  const { rows } = await sql<{ referrals: number; households: number; mail: number }>`
    select
      (select count(*) from referral where person_id in ${ids})::int as referrals,
      (select count(*) from household_member where person_id in ${ids})::int as households,
      (select count(*) from mail_outbox where subject_person_id in ${ids})::int as mail`.execute(db)
  return {
    personId,
    records: records.map((r) => ({ sourceSystem: r.source_system, sourcePersonId: r.source_person_id })),
    ...rows[0]!,
  }
}
