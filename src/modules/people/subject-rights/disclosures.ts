import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/**
 * Every disclosure of a person to another organisation, from the two places they are kept: a
 * referral sent to an organisation other than its maker's, and each audit entry of a disclosure
 * (a partner viewing, finding or listing the person under a sharing agreement). This is the
 * disclosure log a subject access bundle shows and a rectification notifies.
 */

export interface Disclosure {
  /** 'disclosure:referral:12' or 'disclosure:audit:3456'. */
  key: string
  organisationId: string
  organisationName: string
  disclosedAt: Date
  purpose: string | null
  /** What carried the disclosure: a referral's reference, or the audit event. */
  via: string
}

/** Audit events of the subject's own access: the subject is the recipient, not an organisation. */
const OWN_ACCESS_EVENTS = ['SUBJECT_ACCESS_DISCLOSURE']

export async function disclosuresOf(db: Kysely<Database>, personId: number): Promise<Disclosure[]> {
  const referrals = await db
    .selectFrom('referral as r')
    .innerJoin('organisation as o', 'o.id', 'r.to_organisation_id')
    .select(['r.id', 'r.reference', 'r.to_organisation_id', 'o.name', 'r.created_at', 'r.purpose'])
    .where('r.person_id', '=', personId)
    .whereRef('r.to_organisation_id', '<>', 'r.from_organisation_id')
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute()
  const referralIds = (
    await db.selectFrom('referral').select('id').where('person_id', '=', personId).execute()
  ).map((row) => String(row.id))
  const personIds = JSON.stringify([String(personId)])
  const audited = await db
    .selectFrom('audit_event as a')
    .select(['a.seq', 'a.event', 'a.occurred_at', 'a.purpose', 'a.recipients', 'a.actor_organisation_id'])
    .where('a.action', '=', 'disclose')
    .where('a.outcome', '=', 'success')
    .where('a.event', 'not in', OWN_ACCESS_EVENTS)
    .where((eb) =>
      eb.or([
        eb.and([eb('a.record_type', '=', 'person'), sql<boolean>`a.record_ids @> ${personIds}::jsonb`]),
        ...(referralIds.length
          ? [
              eb.and([
                eb('a.record_type', '=', 'referral'),
                sql<boolean>`jsonb_exists_any(a.record_ids, ${sql.val(referralIds)}::text[])`,
                sql<boolean>`jsonb_exists(coalesce(a.details -> 'dataClasses', '[]'::jsonb), 'person-identity')`,
              ]),
            ]
          : []),
      ]),
    )
    .orderBy('a.seq')
    .execute()
  const organisationIds = new Set<string>(referrals.map((r) => r.to_organisation_id))
  const recipientsOf = (row: (typeof audited)[number]) => {
    const listed = (Array.isArray(row.recipients) ? row.recipients : [])
      .map((recipient) => recipient.organisationId)
      .filter((id): id is string => typeof id === 'string')
    return listed.length ? [...new Set(listed)] : row.actor_organisation_id ? [row.actor_organisation_id] : []
  }
  for (const row of audited) for (const id of recipientsOf(row)) organisationIds.add(id)
  const names = new Map(
    organisationIds.size
      ? (
          await db
            .selectFrom('organisation')
            .select(['id', 'name'])
            .where('id', 'in', [...organisationIds])
            .execute()
        ).map((o) => [o.id, o.name])
      : [],
  )
  const fromReferrals: Disclosure[] = referrals.map((r) => ({
    key: `disclosure:referral:${r.id}`,
    organisationId: r.to_organisation_id,
    organisationName: r.name,
    disclosedAt: r.created_at,
    purpose: r.purpose,
    via: `referral ${r.reference}`,
  }))
  const fromAudit: Disclosure[] = audited.flatMap((row) =>
    recipientsOf(row).map((organisationId, index, all) => ({
      key: all.length > 1 ? `disclosure:audit:${row.seq}:${index + 1}` : `disclosure:audit:${row.seq}`,
      organisationId,
      organisationName: names.get(organisationId) ?? 'an organisation no longer listed',
      disclosedAt: row.occurred_at,
      purpose: row.purpose,
      via: row.event,
    })),
  )
  return [...fromReferrals, ...fromAudit].sort(
    (a, b) => a.disclosedAt.getTime() - b.disclosedAt.getTime() || a.key.localeCompare(b.key),
  )
}

/** The organisations the person was disclosed to, with how often and when last. */
export function recipientsOf(
  disclosures: readonly Disclosure[],
): { organisationId: string; organisationName: string; disclosures: number; lastDisclosedAt: Date }[] {
  const byOrganisation = new Map<
    string,
    { organisationId: string; organisationName: string; disclosures: number; lastDisclosedAt: Date }
  >()
  for (const disclosure of disclosures) {
    const known = byOrganisation.get(disclosure.organisationId)
    if (!known)
      byOrganisation.set(disclosure.organisationId, {
        organisationId: disclosure.organisationId,
        organisationName: disclosure.organisationName,
        disclosures: 1,
        lastDisclosedAt: disclosure.disclosedAt,
      })
    else {
      known.disclosures += 1
      if (disclosure.disclosedAt > known.lastDisclosedAt) known.lastDisclosedAt = disclosure.disclosedAt
    }
  }
  return [...byOrganisation.values()].sort((a, b) => a.organisationName.localeCompare(b.organisationName))
}
