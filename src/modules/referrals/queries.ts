import { sql, type Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { isBeyondUse, notBeyondUse } from '../people/subject-rights/index.ts'
import type { Purpose } from '../platform/data-classes.ts'
import type { AccessingUser } from '../platform/sharing.ts'
import { closedTo, restrictionGate } from '../people/restrictions/index.ts'
import type { DataSubjectCategory } from '../platform/data-subject-categories.ts'
import { capacityOf, fieldAccess, isParty, purposesAllowed } from './access.ts'
import { assessmentsOf, type ReferralAssessment } from './assessments.ts'
import type { InboxQuery } from './inbox-query.ts'
import { dueDescription, isOverdue } from './time-limits.ts'
import {
  allowedActions,
  OPEN_STATUSES,
  type ActionKind,
  type ActorCapacity,
  type Outcome,
  type Priority,
  type ReferralStatus,
} from './workflow.ts'

/**
 * THE read path to referrals: every page, API answer and command reads a referral through
 * here, so that each read is checked against the sharing agreements at that moment (for the
 * referral's own purpose) and audited with that purpose. A referral the viewer's organisation
 * is not party to is "not found", exactly as one that does not exist.
 */

export interface ViewContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

export interface ReferralEvidenceItem {
  incidentId: number
  incidentDate: string
  why: string
  ruleKey: string | null
  ruleVersion: number | null
  addedAt: Date
  /** The referral's person's category of data subject in the incident (C3). */
  category: DataSubjectCategory
  /** Where the item came from: the incident's data source and import run, and who recorded the category. */
  source: { kind: string; name: string; importRunId: number; recordedBy: string | null }
  /** The date of the incident, YYYY-MM-DD. */
  date: string
}

export interface ReferralHistoryItem {
  id: number
  version: number
  occurredAt: Date
  kind: string
  actorName: string | null
  actorOrganisationName: string | null
  fromStatus: string | null
  toStatus: string | null
  text: string
  details: Record<string, unknown>
}

export interface ReferralSummary {
  id: number
  reference: string
  purpose: string
  status: ReferralStatus
  priority: Priority
  dueAt: Date | null
  overdue: boolean
  due: string
  createdAt: Date
  fromOrganisationName: string
  toOrganisationName: string
  toTeamName: string | null
  assignedToName: string | null
  /** Absent when the viewer may not see who the person is; "subject" describes a place or group. */
  personName?: string
  subject: string
  personWithheld: boolean
  ruleKey: string | null
}

export interface ReferralView extends Omit<ReferralSummary, 'personName'> {
  version: number
  reason: string
  fromOrganisationId: string
  toOrganisationId: string
  toTeamId: string | null
  fromTeamName: string | null
  fromUserName: string | null
  assignedUserId: string | null
  outcome: Outcome | null
  closedAt: Date | null
  trigger: { ruleKey: string; ruleVersion: number } | null
  onwardFrom: { id: number; reference: string } | null
  person?: { id: number; displayName: string; dateOfBirth: string | null }
  /** Absent when the agreement does not cover the evidence for this purpose. */
  evidence?: ReferralEvidenceItem[]
  evidenceCount: number
  /** Opinions, never facts: each with its source, author and date (C3). */
  assessments: ReferralAssessment[]
  /** Police staff only. */
  policeNote?: string
  history: ReferralHistoryItem[]
  capacity: ActorCapacity
  actions: ActionKind[]
  withheld: string[]
}

export type ReferralRead =
  { kind: 'found'; referral: ReferralView } | { kind: 'not-found' } | { kind: 'denied'; reason: string }

const referralColumns = [
  'r.id',
  'r.reference',
  'r.person_id',
  'r.subject',
  'r.purpose',
  'r.reason',
  'r.police_note',
  'r.from_organisation_id',
  'r.to_organisation_id',
  'r.to_team_id',
  'r.status',
  'r.priority',
  'r.due_at',
  'r.assigned_user_id',
  'r.outcome',
  'r.closed_at',
  'r.trigger_rule_key',
  'r.trigger_rule_version',
  'r.onward_from_referral_id',
  'r.version',
  'r.created_at',
  'from_org.name as from_organisation_name',
  'to_org.name as to_organisation_name',
  'to_team.name as to_team_name',
  'from_team.name as from_team_name',
  'from_user.display_name as from_user_name',
  'assignee.display_name as assigned_to_name',
  'person.display_name as person_name',
  'person.date_of_birth as person_date_of_birth',
] as const

function referralQuery(db: Kysely<Database>) {
  return db
    .selectFrom('referral as r')
    .innerJoin('organisation as from_org', 'from_org.id', 'r.from_organisation_id')
    .innerJoin('organisation as to_org', 'to_org.id', 'r.to_organisation_id')
    .leftJoin('team as to_team', 'to_team.id', 'r.to_team_id')
    .leftJoin('team as from_team', 'from_team.id', 'r.from_team_id')
    .leftJoin('app_user as from_user', 'from_user.id', 'r.from_user_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'r.assigned_user_id')
    .leftJoin('person', 'person.id', 'r.person_id')
}

export const referralId = (value: unknown): number | null =>
  typeof value === 'string' && /^\d{1,15}$/.test(value)
    ? Number(value)
    : typeof value === 'number' && Number.isSafeInteger(value) && value > 0
      ? value
      : null

export async function referralHistory(
  db: Kysely<Database>,
  id: number,
  afterVersion = 0,
): Promise<ReferralHistoryItem[]> {
  const rows = await db
    .selectFrom('referral_event as e')
    .leftJoin('app_user as actor', 'actor.id', 'e.actor_user_id')
    .leftJoin('organisation as org', 'org.id', 'e.actor_organisation_id')
    .select([
      'e.id',
      'e.referral_version',
      'e.occurred_at',
      'e.kind',
      'e.from_status',
      'e.to_status',
      'e.text',
      'e.details',
      'actor.display_name as actor_name',
      'org.name as actor_organisation_name',
    ])
    .where('e.referral_id', '=', id)
    .where('e.referral_version', '>', afterVersion)
    .orderBy('e.id')
    .execute()
  return rows.map((row) => ({
    id: Number(row.id),
    version: row.referral_version,
    occurredAt: row.occurred_at,
    kind: row.kind,
    actorName: row.actor_name,
    actorOrganisationName: row.actor_organisation_name,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    text: row.text,
    details: row.details,
  }))
}

/**
 * One referral as the viewer may see it, audited: a consultation by the controller's staff,
 * a disclosure with its agreement and recipient for a partner, a denial when no agreement
 * covers the referral's purpose. Unknown ids and other organisations' referrals are audited
 * as not found and answered alike.
 */
export async function viewReferral(
  db: Kysely<Database>,
  viewer: AccessingUser,
  id: number | null,
  context: ViewContext = {},
): Promise<ReferralRead> {
  const now = (context.clock ?? systemClock).now()
  const audit = {
    actorUserId: viewer.id,
    actorOrganisationId: viewer.organisationId,
    requestId: context.requestId ?? null,
    ip: context.ip ?? null,
    occurredAt: now,
    recordType: 'referral',
  }
  return withViewerScope(db, { ...viewer, on: now }, null, async (trx) => {
    const row =
      id === null
        ? undefined
        : await referralQuery(trx).select(referralColumns).where('r.id', '=', id).executeTakeFirst()
    if (
      !row ||
      !isParty(viewer, {
        fromOrganisationId: row.from_organisation_id,
        toOrganisationId: row.to_organisation_id,
      }) ||
      (row.person_id !== null && (await isBeyondUse(trx, row.person_id)))
    ) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        event: 'VIEW_REFERRAL',
        outcome: 'denied',
        recordIds: id === null ? [] : [String(id)],
        details: { reason: 'not found' },
      })
      return { kind: 'not-found' }
    }
    const access = await fieldAccess(trx, viewer, row.purpose, row.person_id !== null, now)
    if (!access.referral.allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        event: 'VIEW_REFERRAL',
        outcome: 'denied',
        purpose: row.purpose,
        recordIds: [String(row.id)],
        details: { dataClass: 'referral', reason: access.referral.reason },
      })
      return { kind: 'denied', reason: access.referral.reason }
    }
    if (row.person_id !== null) {
      const gate = await restrictionGate(trx, viewer, Number(row.person_id), now, {
        ...context,
        purpose: row.purpose,
      })
      if (!gate.allowed) {
        await recordAudit(trx, {
          ...audit,
          action: 'consult',
          event: 'VIEW_REFERRAL',
          outcome: 'denied',
          purpose: row.purpose,
          recordIds: [String(row.id)],
          details: { reason: gate.reason, restriction: gate.cause },
        })
        return { kind: 'denied', reason: gate.reason }
      }
    }
    const parties = { fromOrganisationId: row.from_organisation_id, toOrganisationId: row.to_organisation_id }
    const capacity = capacityOf(viewer, parties)
    const evidenceRows = await trx
      .selectFrom('referral_evidence as e')
      .innerJoin('data_source as source', 'source.kind', 'e.source_kind')
      .select([
        'e.incident_id',
        'e.incident_date',
        'e.why',
        'e.rule_key',
        'e.rule_version',
        'e.added_at',
        'e.category',
        'e.source_kind',
        'source.name as source_name',
        'e.import_run_id',
        'e.category_source_system',
      ])
      .where('e.referral_id', '=', row.id)
      .orderBy('e.incident_date', 'desc')
      .orderBy('e.incident_id')
      .execute()
    const onward = row.onward_from_referral_id
      ? await trx
          .selectFrom('referral')
          .select(['id', 'reference'])
          .where('id', '=', row.onward_from_referral_id)
          .executeTakeFirst()
      : undefined
    const withheld: string[] = []
    if (row.person_id !== null && !access.identity.allowed)
      withheld.push(`The person's identity: ${access.identity.reason}`)
    if (!access.evidence.allowed) withheld.push(`The evidence: ${access.evidence.reason}`)
    const status = row.status
    const dueAt = row.due_at
    const view: ReferralView = {
      id: Number(row.id),
      reference: row.reference,
      purpose: row.purpose,
      status,
      priority: row.priority,
      dueAt,
      overdue: isOverdue({ status, dueAt }, now),
      due: dueDescription(dueAt, now),
      createdAt: row.created_at,
      closedAt: row.closed_at,
      version: row.version,
      reason: row.reason,
      subject: row.subject,
      fromOrganisationId: row.from_organisation_id,
      fromOrganisationName: row.from_organisation_name,
      fromTeamName: row.from_team_name,
      fromUserName: row.from_user_name,
      toOrganisationId: row.to_organisation_id,
      toOrganisationName: row.to_organisation_name,
      toTeamId: row.to_team_id,
      toTeamName: row.to_team_name,
      assignedUserId: row.assigned_user_id,
      assignedToName: row.assigned_to_name,
      outcome: row.outcome,
      ruleKey: row.trigger_rule_key,
      trigger: row.trigger_rule_key
        ? { ruleKey: row.trigger_rule_key, ruleVersion: Number(row.trigger_rule_version) }
        : null,
      onwardFrom: onward ? { id: Number(onward.id), reference: onward.reference } : null,
      personWithheld: row.person_id !== null && !access.identity.allowed,
      ...(row.person_id !== null && access.identity.allowed
        ? {
            person: {
              id: Number(row.person_id),
              displayName: row.person_name ?? '',
              dateOfBirth: row.person_date_of_birth ?? null,
            },
          }
        : {}),
      ...(access.evidence.allowed
        ? {
            evidence: evidenceRows.map((e) => ({
              incidentId: Number(e.incident_id),
              incidentDate: e.incident_date,
              why: e.why,
              ruleKey: e.rule_key,
              ruleVersion: e.rule_version,
              addedAt: e.added_at,
              category: e.category,
              source: {
                kind: e.source_kind,
                name: e.source_name,
                importRunId: Number(e.import_run_id),
                recordedBy: e.category_source_system,
              },
              date: e.incident_date,
            })),
          }
        : {}),
      evidenceCount: evidenceRows.length,
      assessments: await assessmentsOf(trx, Number(row.id), { evidenceShown: access.evidence.allowed }),
      ...(access.policeOnly ? { policeNote: row.police_note } : {}),
      history: await referralHistory(trx, Number(row.id)),
      capacity,
      actions: allowedActions(status, capacity),
      withheld,
    }
    const shown = [
      'referral',
      ...(view.person ? ['person-identity'] : []),
      ...(view.evidence ? [row.person_id !== null ? 'person-involvement' : 'incident-summary'] : []),
    ]
    const disclosed = access.referral.basis === 'agreement'
    await recordAudit(trx, {
      ...audit,
      action: disclosed ? 'disclose' : 'consult',
      event: 'VIEW_REFERRAL',
      purpose: row.purpose,
      recordIds: [String(row.id)],
      sharingAgreementId: access.referral.agreementId ?? null,
      ...(disclosed ? { recipients: [{ organisationId: viewer.organisationId }] } : {}),
      details: {
        dataClasses: shown,
        personId: view.person ? String(view.person.id) : null,
        evidenceIncidents: view.evidence ? view.evidence.length : 0,
        assessments: view.assessments.length,
        withheld: withheld.length ? withheld.map((item) => item.split(':')[0]!) : null,
      },
    })
    return { kind: 'found', referral: view }
  })
}

export interface InboxPage {
  referrals: ReferralSummary[]
  total: number
  page: number
  pageCount: number
  /** Purposes the viewer may see referrals for: empty means the inbox shows nothing for want of an agreement. */
  purposes: Purpose[]
}

const PRIORITY_RANK = sql<number>`case r.priority when 'urgent' then 4 when 'high' then 3 when 'normal' then 2 else 1 end`
const STATUS_RANK = sql<number>`array_position(array['new','needs_information','accepted','assigned','in_progress','declined','closed']::text[], r.status)`

/**
 * A team inbox page: filtered, sorted and paged in the database. Only referrals the sharing
 * agreements let the viewer see for their purpose are counted or listed; names only where the
 * identity class is shared for that purpose. Audited once per purpose shown.
 */
export async function referralInbox(
  db: Kysely<Database>,
  viewer: AccessingUser,
  query: InboxQuery,
  context: ViewContext = {},
): Promise<InboxPage> {
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...viewer, on: now }, null, async (trx) => {
    const allowed = await purposesAllowed(trx, viewer, now)
    const purposes = [...allowed.referral.keys()]
    let filtered = referralQuery(trx)
      .where(
        query.box === 'received' ? 'r.to_organisation_id' : 'r.from_organisation_id',
        '=',
        viewer.organisationId,
      )
      .where('r.purpose', 'in', purposes.length ? purposes : ['-'])
      .where(notBeyondUse('r.person_id'))
    if (query.status === 'open') filtered = filtered.where('r.status', 'in', OPEN_STATUSES)
    else if (query.status !== 'all') filtered = filtered.where('r.status', '=', query.status)
    if (query.priority) filtered = filtered.where('r.priority', '=', query.priority)
    if (query.teamId) filtered = filtered.where('r.to_team_id', '=', query.teamId)
    if (query.overdue) filtered = filtered.where('r.status', 'in', OPEN_STATUSES).where('r.due_at', '<', now)
    if (query.assigned === 'me') filtered = filtered.where('r.assigned_user_id', '=', viewer.id)
    if (query.assigned === 'nobody') filtered = filtered.where('r.assigned_user_id', 'is', null)

    const counted = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const total = Number(counted.n)
    const pageCount = Math.max(1, Math.ceil(total / query.pageSize))
    const direction = query.direction
    let ordered = filtered.select(referralColumns)
    switch (query.sort) {
      case 'due':
        ordered = ordered.orderBy('r.due_at', (ob) =>
          (direction === 'asc' ? ob.asc() : ob.desc()).nullsLast(),
        )
        break
      case 'created':
        ordered = ordered.orderBy('r.created_at', direction)
        break
      case 'priority':
        ordered = ordered
          .orderBy(PRIORITY_RANK, direction === 'asc' ? 'desc' : 'asc')
          .orderBy('r.due_at', (ob) => ob.asc().nullsLast())
        break
      case 'reference':
        ordered = ordered.orderBy('r.id', direction)
        break
      case 'status':
        ordered = ordered.orderBy(STATUS_RANK, direction).orderBy('r.due_at', (ob) => ob.asc().nullsLast())
        break
    }
    const rows = await ordered
      .orderBy('r.id', direction)
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute()
    const closed = await closedTo(
      trx,
      viewer,
      rows.flatMap((row) => (row.person_id === null ? [] : [Number(row.person_id)])),
      now,
    )
    const referrals = rows.map((row): ReferralSummary => {
      const restricted = row.person_id !== null && closed.has(Number(row.person_id))
      const identityShown =
        row.person_id !== null && !restricted && allowed.identity.has(row.purpose as Purpose)
      return {
        id: Number(row.id),
        reference: row.reference,
        purpose: row.purpose,
        status: row.status,
        priority: row.priority,
        dueAt: row.due_at,
        overdue: isOverdue({ status: row.status, dueAt: row.due_at }, now),
        due: dueDescription(row.due_at, now),
        createdAt: row.created_at,
        fromOrganisationName: row.from_organisation_name,
        toOrganisationName: row.to_organisation_name,
        toTeamName: row.to_team_name,
        assignedToName: row.assigned_to_name,
        ...(identityShown ? { personName: row.person_name ?? '' } : {}),
        subject: row.subject,
        personWithheld: row.person_id !== null && !identityShown,
        ruleKey: row.trigger_rule_key,
      }
    })
    const audit = {
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      event: 'LIST_REFERRALS',
      recordType: 'referral',
    }
    const byPurpose = new Map<string, ReferralSummary[]>()
    for (const referral of referrals)
      byPurpose.set(referral.purpose, [...(byPurpose.get(referral.purpose) ?? []), referral])
    if (byPurpose.size === 0) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        recordIds: [],
        details: { box: query.box, page: query.page, total },
      })
    }
    for (const [purpose, listed] of byPurpose) {
      const decision = allowed.referral.get(purpose as Purpose)!
      const disclosed = decision.basis === 'agreement'
      await recordAudit(trx, {
        ...audit,
        action: disclosed ? 'disclose' : 'consult',
        purpose,
        recordIds: listed.map((referral) => String(referral.id)),
        sharingAgreementId: decision.agreementId ?? null,
        ...(disclosed ? { recipients: [{ organisationId: viewer.organisationId }] } : {}),
        details: {
          box: query.box,
          page: query.page,
          total,
          dataClasses: allowed.identity.has(purpose as Purpose)
            ? ['referral', 'person-identity']
            : ['referral'],
        },
      })
    }
    return { referrals, total, page: query.page, pageCount, purposes }
  })
}

/** The staff of an organisation a screener may assign a referral to. */
export async function assignableUsers(
  db: Kysely<Database>,
  organisationId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'display_name', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('disabled', '=', false)
    .where('role', 'in', ['officer', 'partner_practitioner', 'supervisor'])
    .orderBy('display_name')
    .execute()
  return rows.map((row) => ({ id: row.id, name: row.display_name }))
}

/** Where a referral can be sent: every team (with its organisation), and every organisation as a whole. */
export async function referralDestinations(
  db: Kysely<Database>,
): Promise<{ value: string; text: string; organisationId: string }[]> {
  const organisations = await db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute()
  const teams = await db
    .selectFrom('team')
    .innerJoin('organisation', 'organisation.id', 'team.organisation_id')
    .select([
      'team.id',
      'team.name',
      'organisation.name as organisation_name',
      'organisation.id as organisation_id',
    ])
    .orderBy('organisation.name')
    .orderBy('team.name')
    .execute()
  return [
    ...organisations.map((o) => ({ value: `organisation:${o.id}`, text: o.name, organisationId: o.id })),
    ...teams.map((t) => ({
      value: `team:${t.id}`,
      text: `${t.name} (${t.organisation_name})`,
      organisationId: t.organisation_id,
    })),
  ]
}

/** The teams of the viewer's organisation, for the inbox's team filter. */
export async function teamsOf(
  db: Kysely<Database>,
  organisationId: string,
): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('team')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute()
}
