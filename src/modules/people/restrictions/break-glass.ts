import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { isPurpose } from '../../platform/data-classes.ts'
import { enqueueMail, PUBLIC_URL } from '../../platform/mail/outbox.ts'
import { mayAccess, outsideOwnCases, type AccessingUser } from '../../platform/sharing.ts'
import { HIGH_SEVERITY, restrictionGate } from './gate.ts'
import { distinctByEmail, supervisorsOf, userById } from './recipients.ts'

/**
 * Break-glass: a user refused a restricted record opens it anyway, for a reason they type, for a
 * limited time (A7: at most 24 hours). Every opening is a high-severity audit entry and an email to
 * the restriction's owner and the user's supervisors. A staff interest cannot be broken.
 */
export const BREAK_GLASS_REASON_MIN = 20
export const BREAK_GLASS_REASON_MAX = 2000

export interface BreakGlassInput {
  personId: number
  purpose: string
  reason: string
}

export interface BreakGlassContext {
  now: Date
  hours: number
  requestId?: string | null
  ip?: string | null
}

export const BREAK_GLASS_EVENT = 'BREAK_GLASS'

export type BreakGlassResult =
  | { kind: 'broken'; id: number; expiresAt: Date }
  /** The record opens for the user already: nothing was written. */
  | { kind: 'open' }
  | { kind: 'refused'; reason: string }

export function checkBreakGlassInput(input: { purpose: string; reason: string }): Record<string, string> {
  const errors: Record<string, string> = {}
  const reason = input.reason.trim()
  if (!isPurpose(input.purpose)) errors.purpose = 'Choose why you are viewing this person'
  if (reason === '') errors.reason = 'Enter why you need to open this restricted record'
  else if (reason.length < BREAK_GLASS_REASON_MIN)
    errors.reason = `The reason must be at least ${BREAK_GLASS_REASON_MIN} characters: say what you need the record for`
  else if (reason.length > BREAK_GLASS_REASON_MAX)
    errors.reason = `The reason must be ${BREAK_GLASS_REASON_MAX} characters or fewer`
  return errors
}

export async function breakGlass(
  db: Kysely<Database>,
  viewer: AccessingUser,
  input: BreakGlassInput,
  context: BreakGlassContext,
): Promise<BreakGlassResult> {
  const errors = checkBreakGlassInput(input)
  if (Object.keys(errors).length) throw invalid(errors)
  const { now } = context
  return db.transaction().execute(async (trx) => {
    const identity = outsideOwnCases(
      await mayAccess(trx, viewer, 'person-identity', input.purpose, now),
      'the agreement covers only the people of the user’s own cases',
    )
    const person = identity.allowed
      ? await trx
          .selectFrom('person')
          .select('id')
          .where('id', '=', input.personId)
          .where('merged_into', 'is', null)
          .executeTakeFirst()
      : undefined
    if (!person) throw new DomainError('not_found', 'The person was not found')
    const gate = await restrictionGate(trx, viewer, input.personId, now, {
      purpose: input.purpose,
      requestId: context.requestId,
      ip: context.ip,
    })
    if (gate.allowed) return { kind: 'open' }
    // Returned, not thrown: the refusal's alert to the supervisors must commit.
    if (!gate.canBreakGlass || gate.restrictionId === undefined)
      return { kind: 'refused', reason: gate.reason }

    const expiresAt = new Date(now.getTime() + context.hours * 60 * 60_000)
    const row = await trx
      .insertInto('break_glass_access')
      .values({
        user_id: viewer.id,
        person_id: input.personId,
        restriction_id: gate.restrictionId,
        reason: input.reason.trim(),
        started_at: now,
        expires_at: expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()

    const restriction = await trx
      .selectFrom('person_restriction')
      .select('set_by')
      .where('id', '=', gate.restrictionId)
      .executeTakeFirstOrThrow()
    const owner = await userById(trx, restriction.set_by)
    const recipients = distinctByEmail([
      ...(owner && !owner.disabled ? [owner] : []),
      ...(await supervisorsOf(trx, viewer.id)),
    ]).filter((recipient) => recipient.id !== viewer.id)
    const user = await userById(trx, viewer.id)
    const link = `${PUBLIC_URL}/people/restrictions/${gate.restrictionId}`
    for (const recipient of recipients) {
      await enqueueMail(
        trx,
        {
          kind: 'break-glass',
          to: recipient.email,
          subject: 'A restricted record was opened by break-glass',
          text:
            `Restricted record R-${gate.restrictionId} was opened by break-glass by ${user?.displayName ?? 'a user'}, ` +
            `reason recorded; see ${link}`,
          subjectPersonId: input.personId,
        },
        now,
      )
    }
    await recordAudit(trx, {
      action: 'security',
      event: BREAK_GLASS_EVENT,
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      recordType: 'person',
      recordIds: [String(input.personId)],
      purpose: input.purpose,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: {
        ...HIGH_SEVERITY,
        restrictionId: gate.restrictionId,
        breakGlassId: row.id,
        hours: context.hours,
        expiresAt: expiresAt.toISOString(),
        notified: recipients.length,
      },
    })
    return { kind: 'broken', id: row.id, expiresAt }
  })
}
