import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Priority, ReferralStatus } from './workflow.ts'
import { dueAtFor } from './time-limits.ts'

/** The pieces every change to a referral shares: where it goes, its first row, its history. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface Destination {
  organisationId: string
  teamId: string | null
}

/** 'team:<id>' or 'organisation:<id>', as the forms send it; null when it names nothing that exists. */
export async function resolveDestination(db: Kysely<Database>, value: string): Promise<Destination | null> {
  const [kind, id] = value.split(':')
  if (!id || !UUID.test(id)) return null
  if (kind === 'team') {
    const team = await db
      .selectFrom('team')
      .select(['id', 'organisation_id'])
      .where('id', '=', id)
      .executeTakeFirst()
    return team ? { organisationId: team.organisation_id, teamId: team.id } : null
  }
  if (kind === 'organisation') {
    const organisation = await db
      .selectFrom('organisation')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst()
    return organisation ? { organisationId: organisation.id, teamId: null } : null
  }
  return null
}

export interface NewReferral {
  personId: number | null
  subject: string
  purpose: string
  reason: string
  policeNote?: string
  from: { organisationId: string; teamId?: string | null; userId?: string | null }
  to: Destination
  priority: Priority
  trigger?: { ruleKey: string; ruleVersion: number }
  onwardFromReferralId?: number
  now: Date
}

export async function insertReferral(
  trx: Transaction<Database>,
  referral: NewReferral,
): Promise<{ id: number; reference: string }> {
  const row = await trx
    .insertInto('referral')
    .values({
      person_id: referral.personId,
      subject: referral.subject,
      purpose: referral.purpose,
      reason: referral.reason,
      police_note: referral.policeNote ?? '',
      from_organisation_id: referral.from.organisationId,
      from_team_id: referral.from.teamId ?? null,
      from_user_id: referral.from.userId ?? null,
      to_organisation_id: referral.to.organisationId,
      to_team_id: referral.to.teamId,
      status: 'new',
      priority: referral.priority,
      due_at: dueAtFor('new', referral.priority, referral.now, null),
      assigned_user_id: null,
      outcome: null,
      accepted_at: null,
      screened_at: null,
      closed_at: null,
      trigger_rule_key: referral.trigger?.ruleKey ?? null,
      trigger_rule_version: referral.trigger?.ruleVersion ?? null,
      onward_from_referral_id: referral.onwardFromReferralId ?? null,
      created_at: referral.now,
      updated_at: referral.now,
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow()
  return { id: Number(row.id), reference: row.reference }
}

export interface NewEvent {
  referralId: number
  version: number
  kind: string
  now: Date
  actor?: { userId: string | null; organisationId: string | null }
  fromStatus?: ReferralStatus | null
  toStatus?: ReferralStatus | null
  text?: string
  details?: Record<string, unknown>
}

export async function appendEvent(trx: Transaction<Database>, event: NewEvent): Promise<void> {
  await trx
    .insertInto('referral_event')
    .values({
      referral_id: event.referralId,
      referral_version: event.version,
      occurred_at: event.now,
      actor_user_id: event.actor?.userId ?? null,
      actor_organisation_id: event.actor?.organisationId ?? null,
      kind: event.kind,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      text: event.text ?? '',
      details: JSON.stringify(event.details ?? {}),
    })
    .execute()
}
