import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { enqueueMail, PUBLIC_URL } from '../../platform/mail/outbox.ts'
import type { AccessingUser } from '../../platform/sharing.ts'
import { distinctByEmail, userById } from './recipients.ts'
import { usersByEmail, type WriteContext } from './restrictions.ts'
import { GRANT_KINDS, type GrantKind } from './tables.ts'

/**
 * Involvement grants: time-limited access to a restricted record for someone working on it
 * (A7: a task 14 days, an involved worker 6 months). Each holder is told 7 days before it ends,
 * once, by the sweep.
 */
export const GRANT_NOTICE_DAYS = 7
const DAY_MS = 24 * 60 * 60_000

export function grantExpiry(kind: GrantKind, from: Date): Date {
  if (kind === 'task') return new Date(from.getTime() + 14 * DAY_MS)
  const end = new Date(from)
  end.setUTCMonth(end.getUTCMonth() + 6)
  return end
}

export const GRANT_KIND_LABELS: Record<GrantKind, string> = {
  task: 'A task (14 days)',
  'involved-worker': 'Involved worker (6 months)',
}

const isGrantKind = (value: string): value is GrantKind => (GRANT_KINDS as readonly string[]).includes(value)

export async function giveGrant(
  db: Kysely<Database>,
  actor: AccessingUser,
  input: { restrictionId: number; userEmail: string; kind: string },
  context: WriteContext,
): Promise<{ id: number; expiresAt: Date }> {
  return db.transaction().execute(async (trx) => {
    const restriction = await trx
      .selectFrom('person_restriction')
      .select(['id', 'person_id'])
      .where('id', '=', input.restrictionId)
      .where('lifted_at', 'is', null)
      .executeTakeFirst()
    if (!restriction) throw notFound('The restriction')
    const errors: Record<string, string> = {}
    const email = input.userEmail.trim()
    const users =
      email === ''
        ? { problem: 'Enter the email address of the user to give access to' }
        : await usersByEmail(trx, email)
    if ('problem' in users) errors.userEmail = users.problem
    else if (users.ids.length !== 1) errors.userEmail = 'Enter one email address'
    if (!isGrantKind(input.kind)) errors.kind = 'Choose what the access is for'
    if (Object.keys(errors).length || 'problem' in users || !isGrantKind(input.kind)) throw invalid(errors)
    const expiresAt = grantExpiry(input.kind, context.now)
    const row = await trx
      .insertInto('involvement_grant')
      .values({
        user_id: users.ids[0]!,
        person_id: restriction.person_id,
        kind: input.kind,
        granted_by: actor.id,
        granted_at: context.now,
        expires_at: expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      action: 'alter',
      event: 'GIVE_INVOLVEMENT_GRANT',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(restriction.person_id)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: context.now,
      details: {
        grantId: row.id,
        restrictionId: restriction.id,
        userId: users.ids[0]!,
        kind: input.kind,
        expiresAt: expiresAt.toISOString(),
      },
    })
    return { id: row.id, expiresAt }
  })
}

/**
 * Tells the holder (and whoever gave it) of every grant ending within 7 days, once: the notice is
 * marked sent in the same transaction as its email is queued, so two sweeps at once send one.
 */
export async function sweepGrantNotices(db: Kysely<Database>, now: Date): Promise<{ noticesSent: number }> {
  const due = await db
    .selectFrom('involvement_grant')
    .select(['id'])
    .where('notice_sent_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<=', new Date(now.getTime() + GRANT_NOTICE_DAYS * DAY_MS))
    .orderBy('id')
    .execute()
  let noticesSent = 0
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      const grant = await trx
        .updateTable('involvement_grant')
        .set({ notice_sent_at: now })
        .where('id', '=', id)
        .where('notice_sent_at', 'is', null)
        .returning(['id', 'user_id', 'granted_by', 'person_id', 'expires_at'])
        .executeTakeFirst()
      if (!grant) return
      const holder = await userById(trx, grant.user_id)
      const giver = await userById(trx, grant.granted_by)
      const recipients = distinctByEmail(
        [holder, giver].filter((u) => u !== undefined && !u.disabled) as { id: string; email: string }[],
      )
      const day = grant.expires_at.toISOString().slice(0, 10)
      for (const recipient of recipients) {
        await enqueueMail(
          trx,
          {
            kind: 'involvement-grant-ending',
            to: recipient.email,
            subject: 'Access to a restricted record ends in 7 days',
            text:
              `Involvement grant G-${grant.id} to a restricted record ends on ${day}. ` +
              `If the work still needs it, ask a supervisor for a new grant. See ${PUBLIC_URL}/people/${grant.person_id}`,
            subjectPersonId: grant.person_id,
          },
          now,
        )
      }
      noticesSent += 1
    })
  }
  return { noticesSent }
}
