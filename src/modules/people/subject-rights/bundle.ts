import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { ROLE_LABELS, isRole } from '../../platform/roles.ts'
import { disclosuresOf } from './disclosures.ts'

/**
 * Everything Upstream holds about one person, for their subject access request (DPA 2018 s.45,
 * UK GDPR Art 15): their records, involvements with a summary of each incident, referrals with
 * evidence and history, disclosures with their recipients, and the links that made them one
 * person (linkage and households). Other people appear only as "another person" and staff only
 * by role, so that no third party is disclosed. Items the DPO withholds (s.45(4)) are left out
 * and listed by key with the reason.
 */

export const ANOTHER_PERSON = 'another person'

export type BundleItemKind = 'record' | 'involvement' | 'referral' | 'disclosure' | 'linkage' | 'household'

export interface BundleField {
  label: string
  value: string
}

export interface BundleTable {
  title: string
  headers: string[]
  rows: string[][]
}

export interface BundleItem {
  key: string
  kind: BundleItemKind
  title: string
  fields: BundleField[]
  tables: BundleTable[]
}

export interface SubjectAccessBundle {
  personId: number
  items: BundleItem[]
  withheld: { key: string; kind: BundleItemKind; reason: string }[]
}

const text = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '—'
    : value instanceof Date
      ? value.toISOString()
      : String(value)

const staffRole = (role: string | null | undefined, organisation: string | null | undefined): string => {
  if (!role) return organisation ? `staff of ${organisation}` : 'the system'
  const label = isRole(role) ? ROLE_LABELS[role] : role
  return organisation ? `${label}, ${organisation}` : label
}

/** A trigger's reason names a household member by id and age (evaluate.ts): the subject sees "another person". */
export const redactedWhy = (why: string) => why.replace(/\(person \d+, aged \d+\)/g, `(${ANOTHER_PERSON})`)

/** The whole bundle, before any withholding. */
export async function bundleItems(db: Kysely<Database>, personId: number): Promise<BundleItem[]> {
  const items: BundleItem[] = []
  const records = await db
    .selectFrom('person_record as r')
    .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
    .innerJoin('linkage_run as run', 'run.id', 'l.linkage_run_id')
    .select([
      'r.id',
      'r.source_system',
      'r.source_person_id',
      'r.first_names',
      'r.last_name',
      'r.date_of_birth',
      'r.address',
      'r.postcode',
      'l.match_probability',
      'l.linkage_run_id',
      'run.started_at as linked_at',
    ])
    .where('l.person_id', '=', personId)
    .orderBy('r.id')
    .execute()
  const recordIds = records.map((r) => r.id)
  const corrections = recordIds.length
    ? await db
        .selectFrom('person_rectification as c')
        .innerJoin('person_rectification_field as f', 'f.rectification_id', 'c.id')
        .select(['c.person_record_id', 'c.rectified_at', 'f.field', 'f.old_value', 'f.new_value'])
        .where('c.person_record_id', 'in', recordIds)
        .orderBy('c.id')
        .orderBy('f.field')
        .execute()
    : []
  for (const record of records) {
    items.push({
      key: `record:${record.id}`,
      kind: 'record',
      title: `Record ${record.source_person_id} from ${record.source_system}`,
      fields: [
        { label: 'First names', value: record.first_names },
        { label: 'Last name', value: record.last_name },
        { label: 'Date of birth', value: text(record.date_of_birth) },
        { label: 'Address', value: text(record.address) },
        { label: 'Postcode', value: text(record.postcode) },
      ],
      tables: corrections.some((c) => c.person_record_id === record.id)
        ? [
            {
              title: 'Corrections',
              headers: ['When', 'Field', 'Was', 'Now'],
              rows: corrections
                .filter((c) => c.person_record_id === record.id)
                .map((c) => [text(c.rectified_at), c.field, text(c.old_value), text(c.new_value)]),
            },
          ]
        : [],
    })
  }

  const involvements = recordIds.length
    ? await db
        .selectFrom('person_involvement as v')
        .innerJoin('person_record as r', 'r.id', 'v.person_record_id')
        .leftJoin('incident as i', 'i.id', 'v.incident_id')
        .select([
          'v.id',
          'v.role',
          'v.incident_id',
          'v.incident_source_kind',
          'v.incident_reference',
          'r.source_system',
          'i.kind',
          'i.category_label',
          'i.lsoa_name',
          'i.last_outcome_label',
          sql<string | null>`to_char(coalesce(i.occurred_at::date, i.month), 'YYYY-MM-DD')`.as('date'),
        ])
        .where('v.person_record_id', 'in', recordIds)
        .orderBy('v.id')
        .execute()
    : []
  const incidentIds = [
    ...new Set(involvements.flatMap((v) => (v.incident_id === null ? [] : [v.incident_id]))),
  ]
  // Everyone else on the same incidents, by role only.
  const others = incidentIds.length
    ? await db
        .selectFrom('person_involvement as v')
        .select(['v.incident_id', 'v.role'])
        .where('v.incident_id', 'in', incidentIds)
        .where('v.person_record_id', 'not in', recordIds)
        .orderBy('v.incident_id')
        .orderBy('v.role')
        .execute()
    : []
  for (const involvement of involvements) {
    const alongside = others.filter((o) => o.incident_id === involvement.incident_id)
    items.push({
      key: `involvement:${involvement.id}`,
      kind: 'involvement',
      title: involvement.incident_id
        ? `${text(involvement.category_label)} on ${text(involvement.date)}`
        : `Incident ${involvement.incident_reference} (not yet imported)`,
      fields: [
        { label: 'Role', value: involvement.role },
        { label: 'Recorded by', value: involvement.source_system },
        { label: 'Kind of incident', value: text(involvement.kind ?? involvement.incident_source_kind) },
        { label: 'Date', value: text(involvement.date) },
        { label: 'Area', value: text(involvement.lsoa_name) },
        { label: 'Latest outcome', value: text(involvement.last_outcome_label) },
      ],
      tables: alongside.length
        ? [
            {
              title: 'Others involved',
              headers: ['Who', 'Role'],
              rows: alongside.map((o) => [ANOTHER_PERSON, o.role]),
            },
          ]
        : [],
    })
  }

  const referrals = await db
    .selectFrom('referral as r')
    .innerJoin('organisation as from_org', 'from_org.id', 'r.from_organisation_id')
    .innerJoin('organisation as to_org', 'to_org.id', 'r.to_organisation_id')
    .leftJoin('team as to_team', 'to_team.id', 'r.to_team_id')
    .leftJoin('app_user as maker', 'maker.id', 'r.from_user_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'r.assigned_user_id')
    .select([
      'r.id',
      'r.reference',
      'r.purpose',
      'r.reason',
      'r.police_note',
      'r.status',
      'r.priority',
      'r.outcome',
      'r.created_at',
      'r.closed_at',
      'r.trigger_rule_key',
      'from_org.name as from_organisation',
      'to_org.name as to_organisation',
      'to_team.name as to_team',
      'maker.role as maker_role',
      'assignee.role as assignee_role',
    ])
    .where('r.person_id', '=', personId)
    .orderBy('r.id')
    .execute()
  const referralIds = referrals.map((r) => r.id)
  const evidence = referralIds.length
    ? await db
        .selectFrom('referral_evidence as e')
        .innerJoin('incident as i', 'i.id', 'e.incident_id')
        .select(['e.referral_id', 'e.incident_date', 'i.category_label', 'e.why', 'e.added_at'])
        .where('e.referral_id', 'in', referralIds)
        .orderBy('e.incident_date')
        .orderBy('e.id')
        .execute()
    : []
  const history = referralIds.length
    ? await db
        .selectFrom('referral_event as e')
        .leftJoin('app_user as actor', 'actor.id', 'e.actor_user_id')
        .leftJoin('organisation as org', 'org.id', 'e.actor_organisation_id')
        .select([
          'e.referral_id',
          'e.occurred_at',
          'e.kind',
          'e.from_status',
          'e.to_status',
          'e.text',
          'actor.role as actor_role',
          'org.name as actor_organisation',
        ])
        .where('e.referral_id', 'in', referralIds)
        .orderBy('e.id')
        .execute()
    : []
  for (const referral of referrals) {
    items.push({
      key: `referral:${referral.id}`,
      kind: 'referral',
      title: `Referral ${referral.reference}`,
      fields: [
        { label: 'Purpose', value: referral.purpose },
        { label: 'Reason', value: referral.reason },
        { label: 'Police note', value: text(referral.police_note) },
        { label: 'From', value: staffRole(referral.maker_role, referral.from_organisation) },
        {
          label: 'To',
          value: referral.to_team
            ? `${referral.to_team}, ${referral.to_organisation}`
            : referral.to_organisation,
        },
        { label: 'Status', value: referral.status },
        { label: 'Priority', value: referral.priority },
        {
          label: 'Assigned to',
          value: referral.assignee_role ? staffRole(referral.assignee_role, null) : '—',
        },
        { label: 'Outcome', value: text(referral.outcome) },
        { label: 'Made', value: text(referral.created_at) },
        { label: 'Closed', value: text(referral.closed_at) },
        { label: 'Raised by trigger rule', value: text(referral.trigger_rule_key) },
      ],
      tables: [
        {
          title: 'Evidence',
          headers: ['Incident date', 'Category', 'Why'],
          rows: evidence
            .filter((e) => e.referral_id === referral.id)
            .map((e) => [e.incident_date, e.category_label, redactedWhy(e.why)]),
        },
        {
          title: 'History',
          headers: ['When', 'What', 'By', 'Status', 'Text'],
          rows: history
            .filter((e) => e.referral_id === referral.id)
            .map((e) => [
              text(e.occurred_at),
              e.kind,
              staffRole(e.actor_role, e.actor_organisation),
              e.to_status && e.to_status !== e.from_status ? `${text(e.from_status)} → ${e.to_status}` : '—',
              text(e.text),
            ]),
        },
      ],
    })
  }

  for (const disclosure of await disclosuresOf(db, personId)) {
    items.push({
      key: disclosure.key,
      kind: 'disclosure',
      title: `Disclosed to ${disclosure.organisationName}`,
      fields: [
        { label: 'Recipient', value: disclosure.organisationName },
        { label: 'Date', value: text(disclosure.disclosedAt) },
        { label: 'Purpose', value: text(disclosure.purpose) },
        { label: 'How', value: disclosure.via },
      ],
      tables: [],
    })
  }

  const decisions = recordIds.length
    ? await db
        .selectFrom('link_decision as d')
        .leftJoin('app_user as reviewer', 'reviewer.id', 'd.decided_by')
        .select(['d.record_a', 'd.record_b', 'd.decision', 'd.decided_at', 'd.undone_at', 'reviewer.role'])
        .where((eb) => eb.or([eb('d.record_a', 'in', recordIds), eb('d.record_b', 'in', recordIds)]))
        .orderBy('d.id')
        .execute()
    : []
  const own = new Set(recordIds)
  const recordName = (id: number) => {
    const record = records.find((r) => r.id === id)
    return record
      ? `record ${record.source_person_id} from ${record.source_system}`
      : 'another person’s record'
  }
  for (const record of records) {
    const about = decisions.filter((d) => d.record_a === record.id || d.record_b === record.id)
    items.push({
      key: `linkage:${record.id}`,
      kind: 'linkage',
      title: `How record ${record.source_person_id} from ${record.source_system} was linked`,
      fields: [
        { label: 'Linked by run', value: String(record.linkage_run_id) },
        { label: 'Linked on', value: text(record.linked_at) },
        {
          label: 'Match probability',
          value: record.match_probability === null ? '—' : record.match_probability.toFixed(4),
        },
      ],
      tables: about.length
        ? [
            {
              title: 'Reviewers’ decisions',
              headers: ['When', 'Other record', 'Decision', 'By', 'Undone'],
              rows: about.map((d) => {
                const other = d.record_a === record.id ? d.record_b : d.record_a
                return [
                  text(d.decided_at),
                  own.has(other) ? recordName(other) : 'another person’s record',
                  d.decision,
                  staffRole(d.role, null),
                  text(d.undone_at),
                ]
              }),
            },
          ]
        : [],
    })
  }

  const households = await db
    .selectFrom('household_member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['h.id', 'h.address', 'h.postcode', 'm.present_from', 'm.present_to', 'm.child_from'])
    .where('m.person_id', '=', personId)
    .orderBy('h.id')
    .execute()
  const members = households.length
    ? await db
        .selectFrom('household_member')
        .select(['household_id', 'present_from', 'present_to'])
        .where(
          'household_id',
          'in',
          households.map((h) => h.id),
        )
        .where('person_id', '<>', personId)
        .orderBy('household_id')
        .orderBy('present_from')
        .execute()
    : []
  for (const household of households) {
    const alongside = members.filter((m) => m.household_id === household.id)
    items.push({
      key: `household:${household.id}`,
      kind: 'household',
      title: `Household at ${household.address}`,
      fields: [
        { label: 'Address', value: household.address },
        { label: 'Postcode', value: text(household.postcode) },
        { label: 'Seen there from', value: household.present_from },
        { label: 'Seen there to', value: household.present_to },
        { label: 'As a child from', value: text(household.child_from) },
      ],
      tables: alongside.length
        ? [
            {
              title: 'Others seen there',
              headers: ['Who', 'From', 'To'],
              rows: alongside.map((m) => [ANOTHER_PERSON, m.present_from, m.present_to]),
            },
          ]
        : [],
    })
  }
  return items
}

/** The bundle as the subject receives it: withheld items out, listed with their reasons. */
export function applyWithholdings(
  personId: number,
  items: readonly BundleItem[],
  withholdings: readonly { itemKey: string; reason: string }[],
): SubjectAccessBundle {
  const reasons = new Map(withholdings.map((w) => [w.itemKey, w.reason]))
  return {
    personId,
    items: items.filter((item) => !reasons.has(item.key)),
    withheld: items
      .filter((item) => reasons.has(item.key))
      .map((item) => ({ key: item.key, kind: item.kind, reason: reasons.get(item.key)! })),
  }
}
