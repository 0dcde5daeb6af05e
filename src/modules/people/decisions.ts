import type { Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { DomainError, invalid } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { LINKAGE_PURPOSE } from './review-queue.ts'
import type { LinkDecisionKind } from './tables.ts'

/**
 * Reviewers' decisions on uncertain pairs: "the same person" or "different people". A decision
 * outlives every linkage run (runs must respect it) until someone undoes it. Two reviewers
 * deciding the same pair at once: the first wins, the second is told who decided what and when.
 */

export interface DecisionActor {
  id: string
  organisationId: string
}

export interface DecisionContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

export const MAX_REASON_LENGTH = 2000

export async function decideReview(
  db: Kysely<Database>,
  actor: DecisionActor,
  input: { reviewId: number; decision: string; reason: string },
  context: DecisionContext = {},
): Promise<{ decisionId: number }> {
  if (input.decision !== 'same' && input.decision !== 'different') {
    throw invalid({ decision: 'Choose whether the two records are the same person or different people' })
  }
  const reason = input.reason.trim()
  if (input.decision === 'different' && reason === '') {
    throw invalid({ reason: 'Say why the two records are different people: later reviewers will read it' })
  }
  if (reason.length > MAX_REASON_LENGTH)
    throw invalid({ reason: `Keep the reason under ${MAX_REASON_LENGTH} characters` })
  const decision: LinkDecisionKind = input.decision
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...actor, on: now }, LINKAGE_PURPOSE, async (trx) => {
    const review = await trx
      .updateTable('link_review')
      .set({ status: 'decided' })
      .where('id', '=', input.reviewId)
      .where('status', '=', 'open')
      .returning(['record_a', 'record_b'])
      .executeTakeFirst()
    if (!review) throw await reviewConflict(trx, input.reviewId)
    const current = await trx
      .selectFrom('link_decision')
      .select('id')
      .where('record_a', '=', review.record_a)
      .where('record_b', '=', review.record_b)
      .where('undone_at', 'is', null)
      .executeTakeFirst()
    if (current)
      throw new DomainError(
        'conflict',
        'These two records already have a decision: undo it first to change it',
      )
    const row = await trx
      .insertInto('link_decision')
      .values({
        record_a: review.record_a,
        record_b: review.record_b,
        decision,
        reason,
        decided_by: actor.id,
        decided_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      action: 'alter',
      event: 'DECIDE_RECORD_LINK',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person_record',
      recordIds: [String(review.record_a), String(review.record_b)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      details: { decision, reviewId: String(input.reviewId), decisionId: String(row.id) },
      occurredAt: now,
    })
    return { decisionId: row.id }
  })
}

async function reviewConflict(db: Kysely<Database>, reviewId: number): Promise<DomainError> {
  const review = await db
    .selectFrom('link_review')
    .select(['status', 'record_a', 'record_b'])
    .where('id', '=', reviewId)
    .executeTakeFirst()
  if (!review) return new DomainError('not_found', 'This review was not found')
  if (review.status === 'superseded') {
    return new DomainError(
      'conflict',
      'A newer linkage run has replaced this review: open the review queue again',
    )
  }
  const decision = await db
    .selectFrom('link_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .select(['d.decision', 'd.decided_at', 'u.display_name'])
    .where('d.record_a', '=', review.record_a)
    .where('d.record_b', '=', review.record_b)
    .orderBy('d.decided_at', 'desc')
    .executeTakeFirst()
  const what = decision?.decision === 'same' ? 'the same person' : 'different people'
  return new DomainError(
    'conflict',
    decision
      ? `${decision.display_name} decided these records are ${what} at ${londonTime(decision.decided_at)}, while you were reviewing: nothing you entered was saved`
      : 'Someone else decided this pair while you were reviewing: nothing you entered was saved',
  )
}

function londonTime(at: Date | string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(at))
}

export async function undoDecision(
  db: Kysely<Database>,
  actor: DecisionActor,
  decisionId: number,
  context: DecisionContext = {},
): Promise<void> {
  const now = (context.clock ?? systemClock).now()
  await withViewerScope(db, { ...actor, on: now }, LINKAGE_PURPOSE, async (trx) => {
    const row = await trx
      .updateTable('link_decision')
      .set({ undone_at: now, undone_by: actor.id })
      .where('id', '=', decisionId)
      .where('undone_at', 'is', null)
      .returning(['record_a', 'record_b', 'decision'])
      .executeTakeFirst()
    if (!row) {
      const exists = await trx
        .selectFrom('link_decision')
        .select('id')
        .where('id', '=', decisionId)
        .executeTakeFirst()
      throw exists
        ? new DomainError('conflict', 'This decision has already been undone')
        : new DomainError('not_found', 'This decision was not found')
    }
    await recordAudit(trx, {
      action: 'alter',
      event: 'UNDO_RECORD_LINK_DECISION',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person_record',
      recordIds: [String(row.record_a), String(row.record_b)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      details: { decision: row.decision, decisionId: String(decisionId) },
      occurredAt: now,
    })
  })
}

/**
 * "This record is not this person": a "different people" decision between the record and every
 * other record now linked to the person, so the next run takes it out and keeps it out. Pairs
 * already decided are left as they are.
 */
export async function splitRecordFromPerson(
  db: Kysely<Database>,
  actor: DecisionActor,
  input: { personId: number; recordId: number; reason: string },
  context: DecisionContext = {},
): Promise<{ decisions: number }> {
  const reason = input.reason.trim()
  if (reason === '')
    throw invalid({ reason: 'Say why this record is not this person: later reviewers will read it' })
  if (reason.length > MAX_REASON_LENGTH)
    throw invalid({ reason: `Keep the reason under ${MAX_REASON_LENGTH} characters` })
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...actor, on: now }, LINKAGE_PURPOSE, async (trx) => {
    const linked = await trx
      .selectFrom('person_record_link')
      .select('person_record_id')
      .where('person_id', '=', input.personId)
      .forUpdate()
      .execute()
    const records = linked.map((row) => row.person_record_id)
    if (!records.includes(input.recordId))
      throw new DomainError('not_found', 'This record is not linked to this person')
    const others = records.filter((id) => id !== input.recordId)
    if (others.length === 0)
      throw new DomainError('conflict', 'This is the person’s only record: there is nothing to split it from')
    const current = await trx
      .selectFrom('link_decision')
      .select(['record_a', 'record_b'])
      .where('undone_at', 'is', null)
      .where((eb) => eb.or([eb('record_a', '=', input.recordId), eb('record_b', '=', input.recordId)]))
      .execute()
    const decided = new Set(current.map((d) => `${d.record_a}:${d.record_b}`))
    const pairs = others
      .map(
        (other) =>
          (other < input.recordId ? [other, input.recordId] : [input.recordId, other]) as [number, number],
      )
      .filter(([a, b]) => !decided.has(`${a}:${b}`))
    if (pairs.length) {
      await trx
        .insertInto('link_decision')
        .values(
          pairs.map(([a, b]) => ({
            record_a: a,
            record_b: b,
            decision: 'different' as const,
            reason,
            decided_by: actor.id,
            decided_at: now,
          })),
        )
        .execute()
    }
    await recordAudit(trx, {
      action: 'alter',
      event: 'SPLIT_PERSON_RECORD',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(input.personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      details: { recordId: String(input.recordId), decisions: pairs.length },
      occurredAt: now,
    })
    return { decisions: pairs.length }
  })
}
