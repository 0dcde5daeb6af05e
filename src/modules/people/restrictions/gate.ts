import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { enqueueMail, PUBLIC_URL } from '../../platform/mail/outbox.ts'
import type { AccessingUser } from '../../platform/sharing.ts'
import { supervisorsOf, userById } from './recipients.ts'

/**
 * THE restricted-record gate (SECURITY-CHECKLIST A7), asked after the sharing decision has let
 * the viewer see the person. A user with a declared staff interest in the person never opens the
 * record, and their supervisors are alerted; a restricted record opens only for its owner, its
 * named users, holders of an involvement grant, or through break-glass.
 */
export type GateDecision =
  | {
      allowed: true
      basis: 'unrestricted' | 'owner' | 'named-user' | 'involvement-grant' | 'break-glass'
      restrictionId?: number
      /** When a grant or break-glass that lets the viewer in ends. */
      until?: Date
    }
  | {
      allowed: false
      cause: 'staff-interest' | 'restricted'
      reason: string
      canBreakGlass: boolean
      restrictionId?: number
    }

export interface GateContext {
  purpose?: string | null
  requestId?: string | null
  ip?: string | null
}

/** Stored in the audit row's details: the audit log has no severity column, and B5's reports read this. */
export const HIGH_SEVERITY = { severity: 'high' } as const

export const STAFF_INTEREST_EVENT = 'STAFF_INTEREST_ACCESS_DENIED'

export async function restrictionGate(
  db: Kysely<Database>,
  viewer: AccessingUser,
  personId: number,
  now: Date,
  context: GateContext = {},
): Promise<GateDecision> {
  const interest = await db
    .selectFrom('staff_interest')
    .select(['id', 'relationship'])
    .where('user_id', '=', viewer.id)
    .where('person_id', '=', personId)
    .executeTakeFirst()
  if (interest) {
    await alertSupervisors(db, viewer, personId, interest, now, context)
    return {
      allowed: false,
      cause: 'staff-interest',
      reason: 'you have a declared personal interest in this record, so you cannot open it',
      canBreakGlass: false,
    }
  }

  const restriction = await db
    .selectFrom('person_restriction')
    .select(['id', 'set_by'])
    .where('person_id', '=', personId)
    .where('lifted_at', 'is', null)
    .executeTakeFirst()
  if (!restriction) return { allowed: true, basis: 'unrestricted' }
  const restrictionId = restriction.id
  if (restriction.set_by === viewer.id) return { allowed: true, basis: 'owner', restrictionId }

  const named = await db
    .selectFrom('person_restriction_user')
    .select('user_id')
    .where('restriction_id', '=', restrictionId)
    .where('user_id', '=', viewer.id)
    .executeTakeFirst()
  if (named) return { allowed: true, basis: 'named-user', restrictionId }

  const grant = await db
    .selectFrom('involvement_grant')
    .select('expires_at')
    .where('user_id', '=', viewer.id)
    .where('person_id', '=', personId)
    .where('granted_at', '<=', now)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst()
  if (grant) return { allowed: true, basis: 'involvement-grant', restrictionId, until: grant.expires_at }

  const glass = await db
    .selectFrom('break_glass_access')
    .select('expires_at')
    .where('user_id', '=', viewer.id)
    .where('person_id', '=', personId)
    .where('started_at', '<=', now)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst()
  if (glass) return { allowed: true, basis: 'break-glass', restrictionId, until: glass.expires_at }

  return {
    allowed: false,
    cause: 'restricted',
    reason: 'this record is restricted to named users',
    canBreakGlass: true,
    restrictionId,
  }
}

async function alertSupervisors(
  db: Kysely<Database>,
  viewer: AccessingUser,
  personId: number,
  interest: { id: number; relationship: string },
  now: Date,
  context: GateContext,
): Promise<void> {
  const supervisors = await supervisorsOf(db, viewer.id)
  const user = await userById(db, viewer.id)
  const link = `${PUBLIC_URL}/audit/team?event=${STAFF_INTEREST_EVENT}`
  for (const supervisor of supervisors) {
    await enqueueMail(
      db,
      {
        kind: 'staff-interest-alert',
        to: supervisor.email,
        subject: 'A member of your team tried to open a record they have an interest in',
        text:
          `${user?.displayName ?? 'A user'} tried to open a record in which they have a declared staff interest ` +
          `(interest SI-${interest.id}). They were refused. See ${link}`,
        subjectPersonId: personId,
      },
      now,
    )
  }
  await recordAudit(db, {
    action: 'security',
    event: STAFF_INTEREST_EVENT,
    outcome: 'denied',
    actorUserId: viewer.id,
    actorOrganisationId: viewer.organisationId,
    recordType: 'person',
    recordIds: [String(personId)],
    purpose: context.purpose ?? null,
    requestId: context.requestId ?? null,
    ip: context.ip ?? null,
    occurredAt: now,
    details: {
      ...HIGH_SEVERITY,
      staffInterestId: interest.id,
      relationship: interest.relationship,
      supervisorsAlerted: supervisors.length,
      supervisorIds: supervisors.map((s) => s.id),
    },
  })
}
