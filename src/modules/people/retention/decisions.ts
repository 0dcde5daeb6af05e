import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound, staleVersion } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { eraseFilesHolding, type RecordNeedle } from './erase-files.ts'
import { eraseRecordIn } from './erase.ts'
import { MAX_RETAIN_YEARS, MOPI_GROUPS } from './mopi-groups.ts'
import type { MopiGroup } from './tables.ts'

/**
 * A reviewer's decision on a record due for review (C4): retain it, with the rationale the APP
 * requires to be recorded and the years until it is next reviewed, or dispose of it now. Both are
 * audited; the rationale stays in retention_decision (it is about the person), never in the audit row.
 */

export interface RetentionDecisionInput {
  recordId: number
  decision: string
  rationale: string
  /** Years until the next review; the record's group's review period when empty. */
  reviewInYears: string
  /** The record_retention version the reviewer saw. */
  version: number
}

export interface RetentionActor {
  id: string
  organisationId: string
}

export interface RetentionContext {
  now: Date
  /** Today in the partnership's time zone (YYYY-MM-DD). */
  today: string
  dataDir?: string
  requestId?: string | null
  ip?: string | null
}

export const MAX_RATIONALE_LENGTH = 2000

export async function decideRetention(
  db: Kysely<Database>,
  actor: RetentionActor,
  input: RetentionDecisionInput,
  context: RetentionContext,
): Promise<{ decision: 'retain' | 'dispose'; nextReviewOn: string | null }> {
  if (input.decision !== 'retain' && input.decision !== 'dispose')
    throw invalid({ decision: 'Choose whether to retain the record or dispose of it' })
  const rationale = input.rationale.trim()
  if (input.decision === 'retain' && rationale === '')
    throw invalid({
      rationale:
        'Enter why the record is still needed for a policing purpose: the rationale is required to retain it',
    })
  if (rationale.length > MAX_RATIONALE_LENGTH)
    throw invalid({ rationale: `Keep the rationale to ${MAX_RATIONALE_LENGTH} characters or fewer` })
  const yearsText = input.reviewInYears.trim()
  if (yearsText !== '' && !/^\d{1,2}$/.test(yearsText))
    throw invalid({
      reviewInYears: `Enter the years until the next review as a whole number from 1 to ${MAX_RETAIN_YEARS}`,
    })
  if (yearsText !== '' && (Number(yearsText) < 1 || Number(yearsText) > MAX_RETAIN_YEARS))
    throw invalid({ reviewInYears: `The next review must be from 1 to ${MAX_RETAIN_YEARS} years away` })

  const outcome = await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('record_retention')
      .select(['mopi_group', 'version'])
      .where('person_record_id', '=', input.recordId)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw notFound(`Person record ${input.recordId}`)
    if (Number(current.version) !== input.version) throw staleVersion('The record’s retention')
    const group = current.mopi_group === null ? null : (Number(current.mopi_group) as MopiGroup)

    if (input.decision === 'dispose') {
      await recordAudit(trx, {
        action: 'alter',
        event: 'RETENTION_DECISION',
        actorUserId: actor.id,
        actorOrganisationId: actor.organisationId,
        recordType: 'person_record',
        recordIds: [String(input.recordId)],
        requestId: context.requestId ?? null,
        ip: context.ip ?? null,
        occurredAt: context.now,
        details: { decision: 'dispose', mopiGroup: group, rationaleGiven: rationale !== '' },
      })
      const erased = await eraseRecordIn(trx, input.recordId, {
        by: actor.id,
        byOrganisationId: actor.organisationId,
        reason: `Disposed of at review${group === null ? ' (partner period ended)' : ` (MoPI group ${group})`}`,
        now: context.now,
        requestId: context.requestId ?? null,
        ip: context.ip ?? null,
        event: 'DISPOSE_RECORD',
      })
      return { decision: 'dispose' as const, nextReviewOn: null, needles: erased.needles }
    }

    const years =
      yearsText === '' ? (group === null ? 1 : MOPI_GROUPS[group].reviewAfterYears) : Number(yearsText)
    const { rows } = await sql<{ day: string }>`
      select to_char((${context.today}::date + make_interval(years => ${years}::int))::date, 'YYYY-MM-DD') as day`.execute(
      trx,
    )
    const nextReviewOn = rows[0]!.day
    await trx
      .insertInto('retention_decision')
      .values({
        person_record_id: input.recordId,
        decision: 'retain',
        rationale,
        next_review_on: nextReviewOn,
        decided_by: actor.id,
        decided_at: context.now,
      })
      .execute()
    await trx
      .updateTable('record_retention')
      .set((eb) => ({
        retained_until: nextReviewOn,
        next_review_on: nextReviewOn,
        version: eb('version', '+', 1),
      }))
      .where('person_record_id', '=', input.recordId)
      .execute()
    await recordAudit(trx, {
      action: 'alter',
      event: 'RETENTION_DECISION',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person_record',
      recordIds: [String(input.recordId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: context.now,
      details: {
        decision: 'retain',
        mopiGroup: group,
        nextReviewOn,
        fields: ['rationale', 'next_review_on'],
      },
    })
    return { decision: 'retain' as const, nextReviewOn, needles: [] as RecordNeedle[] }
  })
  // Files go once the erasure has committed, as with every erasure.
  if (context.dataDir) await eraseFilesHolding(context.dataDir, outcome.needles)
  return { decision: outcome.decision, nextReviewOn: outcome.nextReviewOn }
}
