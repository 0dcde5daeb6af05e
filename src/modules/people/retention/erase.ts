import { sql, type Kysely, type Transaction } from 'kysely'
import { inTransaction } from '../../../db/in-transaction.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid, notFound } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { eraseFilesHolding, type RecordNeedle } from './erase-files.ts'
import { sourceKeySha256 } from './source-key.ts'

/**
 * Erasure (checklist C5, DPA 2018 s.47, UK GDPR Art 17): a person, or one source record, and
 * everything derived from them, in one transaction. What stays is a tombstone per person and per
 * record (id, when, by whom, why) and one audit row per erasure that names ids only, so the audit
 * chain is never touched. Files under the data folder go after the commit. See
 * docs/people/retention-and-erasure.md for the list of what is removed.
 */

export interface ErasureInput {
  /** The user erasing; null for the disposal job. */
  by: string | null
  byOrganisationId?: string | null
  reason: string
  now: Date
  /** The data folder whose uploads and exports are searched for the erased records. */
  dataDir?: string
  requestId?: string | null
  ip?: string | null
  /** The audit event: ERASE_PERSON by default, DISPOSE_RECORD for retention disposals. */
  event?: string
}

export interface ErasureResult {
  personIds: number[]
  recordIds: number[]
  referrals: number
  mail: number
  unroutedHits: number
  households: number
  files: number
}

export const MAX_ERASURE_REASON = 500

function checkReason(reason: string): string {
  const trimmed = reason.trim()
  if (!trimmed)
    throw invalid({ reason: 'Enter why the data is erased (a reference or the ground, not a name)' })
  if (trimmed.length > MAX_ERASURE_REASON)
    throw invalid({ reason: `Keep the reason to ${MAX_ERASURE_REASON} characters or fewer` })
  return trimmed
}

/** Erases a person (and every identity merged into them), their records and all derived from them. */
export async function erasePerson(
  db: Kysely<Database>,
  personId: number,
  input: ErasureInput,
): Promise<ErasureResult> {
  const reason = checkReason(input.reason)
  const { result, needles } = await inTransaction(db, async (trx) => {
    const survivor = await survivingPerson(trx, personId)
    if (survivor === null) throw notFound(`Person ${personId}`)
    const personIds = await identitiesOf(trx, survivor)
    const recordIds = (
      await trx
        .selectFrom('person_record_link')
        .select('person_record_id')
        .where('person_id', 'in', personIds)
        .execute()
    ).map((row) => Number(row.person_record_id))
    const needles = await eraseRecordRows(trx, recordIds, reason, input)
    const derived = await erasePersonRows(trx, personIds, reason, input)
    await recordAudit(trx, {
      action: 'erase',
      event: input.event ?? 'ERASE_PERSON',
      actorUserId: input.by,
      actorOrganisationId: input.byOrganisationId ?? null,
      recordType: 'person',
      recordIds: personIds.map(String),
      requestId: input.requestId ?? null,
      ip: input.ip ?? null,
      occurredAt: input.now,
      details: { personRecords: recordIds.map(String), ...derived },
    })
    return { result: { personIds, recordIds, ...derived, files: 0 }, needles }
  })
  result.files = input.dataDir ? await eraseFilesHolding(input.dataDir, needles) : 0
  return result
}

/**
 * Erases one source record. When it was its person's last record the person goes too, with all
 * derived from them; otherwise the person's name and date of birth are taken from a remaining record.
 */
export async function eraseRecord(
  db: Kysely<Database>,
  recordId: number,
  input: ErasureInput,
): Promise<ErasureResult> {
  const { result, needles } = await inTransaction(db, (trx) => eraseRecordIn(trx, recordId, input))
  result.files = input.dataDir ? await eraseFilesHolding(input.dataDir, needles) : 0
  return result
}

/**
 * eraseRecord inside the caller's transaction; the caller removes the files the needles find once
 * it has committed (eraseFilesHolding).
 */
export async function eraseRecordIn(
  trx: Transaction<Database>,
  recordId: number,
  input: ErasureInput,
): Promise<{ result: ErasureResult; needles: RecordNeedle[] }> {
  const reason = checkReason(input.reason)
  const record = await trx
    .selectFrom('person_record as r')
    .leftJoin('person_record_link as l', 'l.person_record_id', 'r.id')
    .select(['r.id', 'r.address', 'l.person_id'])
    .where('r.id', '=', recordId)
    .forUpdate('r')
    .executeTakeFirst()
  if (!record) throw notFound(`Person record ${recordId}`)
  const needles = await eraseRecordRows(trx, [recordId], reason, input)
  let derived: Omit<ErasureResult, 'personIds' | 'recordIds' | 'files'> = {
    referrals: 0,
    mail: 0,
    unroutedHits: 0,
    households: 0,
  }
  let personIds: number[] = []
  if (record.person_id !== null) {
    const personId = Number(record.person_id)
    const remaining = await trx
      .selectFrom('person_record_link as l')
      .innerJoin('person_record as r', 'r.id', 'l.person_record_id')
      .select(['r.first_names', 'r.last_name', 'r.date_of_birth', 'r.address'])
      .where('l.person_id', '=', personId)
      .orderBy('r.id')
      .execute()
    if (remaining.length === 0) {
      personIds = await identitiesOf(trx, personId)
      derived = await erasePersonRows(trx, personIds, reason, input)
    } else {
      const first = remaining[0]!
      await trx
        .updateTable('person')
        .set({
          display_name: `${first.first_names} ${first.last_name}`,
          date_of_birth: first.date_of_birth,
          updated_at: input.now,
        })
        .where('id', '=', personId)
        .execute()
      // A household the person was placed in only through the erased record's address goes too.
      if (record.address !== null && !remaining.some((r) => r.address === record.address)) {
        derived.households = await leaveHouseholdsAt(trx, personId, record.address)
      }
    }
  }
  await recordAudit(trx, {
    action: 'erase',
    event: input.event ?? 'ERASE_PERSON_RECORD',
    actorUserId: input.by,
    actorOrganisationId: input.byOrganisationId ?? null,
    recordType: 'person_record',
    recordIds: [String(recordId)],
    requestId: input.requestId ?? null,
    ip: input.ip ?? null,
    occurredAt: input.now,
    details: { people: personIds.map(String), ...derived },
  })
  return { result: { personIds, recordIds: [recordId], ...derived, files: 0 }, needles }
}

/** The identity a merged-away id now lives in (merges chain forwards). */
async function survivingPerson(trx: Transaction<Database>, personId: number): Promise<number | null> {
  let current = personId
  for (let hops = 0; hops < 100; hops += 1) {
    const row = await trx
      .selectFrom('person')
      .select(['id', 'merged_into'])
      .where('id', '=', current)
      .forUpdate()
      .executeTakeFirst()
    if (!row) return null
    if (row.merged_into === null) return Number(row.id)
    current = Number(row.merged_into)
  }
  throw new DomainError('conflict', `Person ${personId} is in a cycle of merges`)
}

/** The person and every identity merged into them, directly or through another. */
async function identitiesOf(trx: Transaction<Database>, personId: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    with recursive merged (id) as (
      select ${personId}::bigint
      union
      select p.id from person p join merged m on p.merged_into = m.id
    ) select id from merged`.execute(trx)
  return rows.map((row) => Number(row.id))
}

async function eraseRecordRows(
  trx: Transaction<Database>,
  recordIds: number[],
  reason: string,
  input: ErasureInput,
): Promise<RecordNeedle[]> {
  if (recordIds.length === 0) return []
  const records = await trx
    .selectFrom('person_record')
    .select(['id', 'source_system', 'source_person_id', 'last_name'])
    .where('id', 'in', recordIds)
    .execute()
  await trx
    .deleteFrom('link_review')
    .where((eb) => eb.or([eb('record_a', 'in', recordIds), eb('record_b', 'in', recordIds)]))
    .execute()
  await trx
    .deleteFrom('link_decision')
    .where((eb) => eb.or([eb('record_a', 'in', recordIds), eb('record_b', 'in', recordIds)]))
    .execute()
  await trx.deleteFrom('person_record_link').where('person_record_id', 'in', recordIds).execute()
  // Involvements, retention rows and decisions, and other modules' rows about the record cascade.
  await trx.deleteFrom('person_involvement').where('person_record_id', 'in', recordIds).execute()
  await trx.deleteFrom('person_record').where('id', 'in', recordIds).execute()
  await trx
    .insertInto('erasure_tombstone')
    .values(
      records.map((record) => ({
        subject_kind: 'person_record' as const,
        subject_id: Number(record.id),
        source_key_sha256: sourceKeySha256(record.source_system, record.source_person_id),
        erased_at: input.now,
        erased_by: input.by,
        reason,
      })),
    )
    .execute()
  return records.map((record) => ({ sourcePersonId: record.source_person_id, lastName: record.last_name }))
}

async function erasePersonRows(
  trx: Transaction<Database>,
  personIds: number[],
  reason: string,
  input: ErasureInput,
): Promise<Omit<ErasureResult, 'personIds' | 'recordIds' | 'files'>> {
  // Referrals about the person go whole: their evidence, events (with their free text) and assessments cascade.
  const referrals = await trx.deleteFrom('referral').where('person_id', 'in', personIds).executeTakeFirst()
  const mail = await trx
    .deleteFrom('mail_outbox')
    .where('subject_person_id', 'in', personIds)
    .executeTakeFirst()
  const unrouted = await sql<{ removed: number }>`
    with cleaned as (
      update trigger_run t set unrouted = kept.entries
      from (
        select run.id,
          coalesce(jsonb_agg(entry) filter (where (entry->>'personId')::bigint <> all(${personIds}::bigint[])), '[]'::jsonb) as entries,
          count(*) filter (where (entry->>'personId')::bigint = any(${personIds}::bigint[])) as removed
        from trigger_run run, jsonb_array_elements(run.unrouted) as entry
        group by run.id
      ) kept
      where t.id = kept.id and kept.removed > 0
      returning kept.removed
    ) select coalesce(sum(removed), 0)::int as removed from cleaned`.execute(trx)
  await trx.deleteFrom('household_member').where('person_id', 'in', personIds).execute()
  const households = await deleteEmptyHouseholds(trx)
  await trx.updateTable('person').set({ merged_into: null }).where('id', 'in', personIds).execute()
  await trx.deleteFrom('person').where('id', 'in', personIds).execute()
  await trx
    .insertInto('erasure_tombstone')
    .values(
      personIds.map((id) => ({
        subject_kind: 'person' as const,
        subject_id: id,
        source_key_sha256: null,
        erased_at: input.now,
        erased_by: input.by,
        reason,
      })),
    )
    .execute()
  return {
    referrals: Number(referrals.numDeletedRows),
    mail: Number(mail.numDeletedRows),
    unroutedHits: Number(unrouted.rows[0]?.removed ?? 0),
    households,
  }
}

async function leaveHouseholdsAt(
  trx: Transaction<Database>,
  personId: number,
  address: string,
): Promise<number> {
  await trx
    .deleteFrom('household_member')
    .where('person_id', '=', personId)
    .where('household_id', 'in', (eb) =>
      eb.selectFrom('household').select('id').where('address', '=', address),
    )
    .execute()
  return deleteEmptyHouseholds(trx)
}

async function deleteEmptyHouseholds(trx: Transaction<Database>): Promise<number> {
  const result = await trx
    .deleteFrom('household')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('household_member')
            .select('person_id')
            .whereRef('household_member.household_id', '=', 'household.id'),
        ),
      ),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
