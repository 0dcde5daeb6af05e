import { sql, type Kysely } from 'kysely'
import { systemClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid, notFound } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { SubjectRightsActor, SubjectRightsContext } from './actor.ts'

/**
 * Restriction of processing (UK GDPR Art 18, DPA 2018 s.47(2)): a person marked "beyond use" is
 * kept but no longer used. Only the data protection officer's pages show them; every other read
 * path answers as if they did not exist, and trigger runs, dry runs, searches, the review queue
 * and referral lists leave them out. The markings are kept when lifted, so the history stays whole.
 */

/** SQL: the person whose id is in the column `personIdColumn` is not marked beyond use now. */
export function notBeyondUse(personIdColumn: string) {
  return sql<boolean>`not exists (select 1 from person_beyond_use bu
    where bu.person_id = ${sql.ref(personIdColumn)} and bu.lifted_at is null)`
}

/** SQL: the person record whose id is in `recordIdColumn` is not linked to a person beyond use. */
export function recordNotBeyondUse(recordIdColumn: string) {
  return sql<boolean>`not exists (select 1 from person_record_link bul
    join person_beyond_use bu on bu.person_id = bul.person_id and bu.lifted_at is null
    where bul.person_record_id = ${sql.ref(recordIdColumn)})`
}

export async function isBeyondUse(db: Kysely<Database>, personId: number): Promise<boolean> {
  const row = await db
    .selectFrom('person_beyond_use')
    .select('id')
    .where('person_id', '=', personId)
    .where('lifted_at', 'is', null)
    .executeTakeFirst()
  return row !== undefined
}

export interface BeyondUseMarking {
  id: number
  reason: string
  markedAt: Date
  liftReason: string | null
  liftedAt: Date | null
}

/** Every marking of the person, newest first: the one in force has no liftedAt. */
export async function beyondUseHistory(db: Kysely<Database>, personId: number): Promise<BeyondUseMarking[]> {
  const rows = await db
    .selectFrom('person_beyond_use')
    .select(['id', 'reason', 'marked_at', 'lift_reason', 'lifted_at'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .execute()
  return rows.map((row) => ({
    id: Number(row.id),
    reason: row.reason,
    markedAt: row.marked_at,
    liftReason: row.lift_reason,
    liftedAt: row.lifted_at,
  }))
}

export const REASON_LIMIT = 2000

export function checkedReason(text: string, field = 'reason'): string {
  const reason = text.trim()
  if (reason === '') throw invalid({ [field]: 'Enter the reason' })
  if (reason.length > REASON_LIMIT)
    throw invalid({ [field]: `Enter a reason of at most ${REASON_LIMIT.toLocaleString('en-GB')} characters` })
  return reason
}

export async function markBeyondUse(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  input: { personId: number; reason: string },
  context: SubjectRightsContext = {},
): Promise<void> {
  const reason = checkedReason(input.reason)
  const now = (context.clock ?? systemClock).now()
  await db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('person')
      .select('id')
      .where('id', '=', input.personId)
      .forUpdate()
      .executeTakeFirst()
    if (!person) throw notFound(`Person ${input.personId}`)
    if (await isBeyondUse(trx, input.personId))
      throw new DomainError('conflict', `Person ${input.personId} is already marked beyond use`)
    await trx
      .insertInto('person_beyond_use')
      .values({ person_id: input.personId, reason, marked_by: actor.id, marked_at: now })
      .execute()
    await recordAudit(trx, {
      action: 'alter',
      event: 'MARK_PERSON_BEYOND_USE',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(input.personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { fields: ['reason'] },
    })
  })
}

export async function liftBeyondUse(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  input: { personId: number; reason: string },
  context: SubjectRightsContext = {},
): Promise<void> {
  const reason = checkedReason(input.reason)
  const now = (context.clock ?? systemClock).now()
  await db.transaction().execute(async (trx) => {
    const lifted = await trx
      .updateTable('person_beyond_use')
      .set({ lifted_at: now, lifted_by: actor.id, lift_reason: reason })
      .where('person_id', '=', input.personId)
      .where('lifted_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (!lifted) throw new DomainError('conflict', `Person ${input.personId} is not marked beyond use`)
    await recordAudit(trx, {
      action: 'alter',
      event: 'LIFT_PERSON_BEYOND_USE',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(input.personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { fields: ['lift_reason'], markingId: String(lifted.id) },
    })
  })
}
