import type { Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import type { Purpose } from '../platform/data-classes.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { mayAccess, outsideOwnCases, type AccessingUser } from '../platform/sharing.ts'
import type { FieldExplanation } from './tables.ts'
import { recordNotBeyondUse } from './subject-rights/beyond-use.ts'

/**
 * The review queue: pairs of records the latest linkage run could not decide, most likely first,
 * and the decisions reviewers have taken. Reading it shows names, so it is checked and audited
 * like any view of person identity, for the purpose linkage serves.
 */

/** Linking records into people exists to find those at risk early (TIPT): safeguarding. */
export const LINKAGE_PURPOSE: Purpose = 'safeguarding'

export interface ReviewRecord {
  id: number
  sourceSystem: string
  sourcePersonId: string
  firstNames: string
  lastName: string
  dateOfBirth: string | null
  address: string | null
  postcode: string | null
}

export interface ReviewPair {
  id: number
  status: 'open' | 'decided' | 'superseded'
  matchProbability: number
  matchWeight: number
  explanation: FieldExplanation[]
  a: ReviewRecord
  b: ReviewRecord
}

export interface QueueContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

export const REVIEWS_PER_PAGE = 25

async function allowed(db: Kysely<Database>, viewer: AccessingUser, now: Date) {
  const access = outsideOwnCases(await mayAccess(db, viewer, 'person-identity', LINKAGE_PURPOSE, now), '')
  return access.allowed ? access : null
}

function pairQuery(db: Kysely<Database>) {
  return db
    .selectFrom('link_review as v')
    .innerJoin('person_record as a', 'a.id', 'v.record_a')
    .innerJoin('person_record as b', 'b.id', 'v.record_b')
    .where(recordNotBeyondUse('v.record_a'))
    .where(recordNotBeyondUse('v.record_b'))
    .select([
      'v.id',
      'v.status',
      'v.match_probability',
      'v.match_weight',
      'v.explanation',
      'a.id as a_id',
      'a.source_system as a_source_system',
      'a.source_person_id as a_source_person_id',
      'a.first_names as a_first_names',
      'a.last_name as a_last_name',
      'a.date_of_birth as a_date_of_birth',
      'a.address as a_address',
      'a.postcode as a_postcode',
      'b.id as b_id',
      'b.source_system as b_source_system',
      'b.source_person_id as b_source_person_id',
      'b.first_names as b_first_names',
      'b.last_name as b_last_name',
      'b.date_of_birth as b_date_of_birth',
      'b.address as b_address',
      'b.postcode as b_postcode',
    ])
}

type PairRow = Awaited<ReturnType<ReturnType<typeof pairQuery>['executeTakeFirstOrThrow']>>

function toPair(row: PairRow): ReviewPair {
  const side = (prefix: 'a' | 'b'): ReviewRecord => ({
    id: row[`${prefix}_id`],
    sourceSystem: row[`${prefix}_source_system`],
    sourcePersonId: row[`${prefix}_source_person_id`],
    firstNames: row[`${prefix}_first_names`],
    lastName: row[`${prefix}_last_name`],
    dateOfBirth: row[`${prefix}_date_of_birth`],
    address: row[`${prefix}_address`],
    postcode: row[`${prefix}_postcode`],
  })
  return {
    id: row.id,
    status: row.status,
    matchProbability: row.match_probability,
    matchWeight: row.match_weight,
    explanation: row.explanation,
    a: side('a'),
    b: side('b'),
  }
}

export async function openReviews(
  db: Kysely<Database>,
  viewer: AccessingUser,
  page: number,
  context: QueueContext = {},
): Promise<{ allowed: boolean; total: number; pairs: ReviewPair[] }> {
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...viewer, on: now }, LINKAGE_PURPOSE, async (trx) => {
    const access = await allowed(trx, viewer, now)
    const audit = {
      event: 'VIEW_LINK_REVIEWS',
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      purpose: LINKAGE_PURPOSE,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
    }
    if (!access) {
      await recordAudit(trx, { ...audit, action: 'consult', outcome: 'denied' })
      return { allowed: false, total: 0, pairs: [] }
    }
    const { total } = await trx
      .selectFrom('link_review')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where('status', '=', 'open')
      .where(recordNotBeyondUse('link_review.record_a'))
      .where(recordNotBeyondUse('link_review.record_b'))
      .executeTakeFirstOrThrow()
    const rows = await pairQuery(trx)
      .where('v.status', '=', 'open')
      .orderBy('v.match_probability', 'desc')
      .orderBy('v.id')
      .limit(REVIEWS_PER_PAGE)
      .offset((page - 1) * REVIEWS_PER_PAGE)
      .execute()
    const pairs = rows.map(toPair)
    await recordAudit(trx, {
      ...audit,
      action: access.basis === 'agreement' ? 'disclose' : 'consult',
      recordType: 'person_record',
      recordIds: pairs.flatMap((pair) => [String(pair.a.id), String(pair.b.id)]),
      sharingAgreementId: access.agreementId ?? null,
      details: { page, pairs: pairs.length },
    })
    return { allowed: true, total: Number(total), pairs }
  })
}

/** One pair with its explanation; null when it does not exist or the viewer may not see it (the same answer). */
export async function reviewPair(
  db: Kysely<Database>,
  viewer: AccessingUser,
  reviewId: number,
  context: QueueContext = {},
): Promise<ReviewPair | null> {
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...viewer, on: now }, LINKAGE_PURPOSE, async (trx) => {
    const access = await allowed(trx, viewer, now)
    const audit = {
      event: 'VIEW_LINK_REVIEW',
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      purpose: LINKAGE_PURPOSE,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      recordType: 'link_review',
      recordIds: [String(reviewId)],
    }
    if (!access) {
      await recordAudit(trx, { ...audit, action: 'consult', outcome: 'denied' })
      return null
    }
    const row = await pairQuery(trx).where('v.id', '=', reviewId).executeTakeFirst()
    await recordAudit(trx, {
      ...audit,
      action: access.basis === 'agreement' ? 'disclose' : 'consult',
      outcome: row ? 'success' : 'failure',
      sharingAgreementId: access.agreementId ?? null,
    })
    return row ? toPair(row) : null
  })
}

export interface DecisionRow {
  id: number
  recordA: number
  recordB: number
  decision: 'same' | 'different'
  reason: string
  decidedBy: string
  decidedAt: Date
  undoneBy: string | null
  undoneAt: Date | null
}

/** Decisions, newest first: ids and who decided, no personal data. */
export async function listDecisions(db: Kysely<Database>, limit = 100): Promise<DecisionRow[]> {
  const rows = await db
    .selectFrom('link_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .leftJoin('app_user as w', 'w.id', 'd.undone_by')
    .select([
      'd.id',
      'd.record_a',
      'd.record_b',
      'd.decision',
      'd.reason',
      'u.display_name as decided_by',
      'd.decided_at',
      'w.display_name as undone_by',
      'd.undone_at',
    ])
    .orderBy('d.decided_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    recordA: row.record_a,
    recordB: row.record_b,
    decision: row.decision,
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    undoneBy: row.undone_by,
    undoneAt: row.undone_at,
  }))
}
