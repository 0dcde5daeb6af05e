import { sql, type Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { KIND_DATA_CLASS, type IncidentKind } from '../data-hub/index.ts'
import type { InvolvementRole } from '../data-hub/people/index.ts'
import type { DataSubjectCategory } from '../platform/data-subject-categories.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { mayAccess, outsideOwnCases, type AccessDecision, type AccessingUser } from '../platform/sharing.ts'
import { restrictionGate, type GateDecision } from './restrictions/gate.ts'
import { isBeyondUse, notBeyondUse } from './subject-rights/beyond-use.ts'

/**
 * THE read path to a linked person: identity, source records, households and the timeline of
 * their involvements across sources. Every view is checked against the sharing agreements at
 * that moment for the purpose the viewer gave, and audited with it, a denial too. A person the
 * viewer may not see and a person who does not exist give the same answer (null).
 */

export interface PersonSourceRecord {
  id: number
  sourceSystem: string
  sourcePersonId: string
  firstNames: string
  lastName: string
  dateOfBirth: string | null
  address: string | null
  postcode: string | null
  matchProbability: number | null
  /** The match probability is an assessment (C3): made by this linkage run, started by whom, when. */
  matchAssessment: { linkageRunId: number; startedByName: string | null; assessedAt: Date }
}

export interface TimelineEntry {
  date: string
  incidentId: number
  kind: IncidentKind
  categoryLabel: string
  role: InvolvementRole
  category: DataSubjectCategory
  sourceSystem: string
  lsoaName: string | null
}

export interface HouseholdView {
  address: string
  postcode: string | null
  presentFrom: string
  presentTo: string
  childFrom: string | null
  others: {
    personId: number
    displayName: string
    dateOfBirth: string | null
    presentFrom: string
    presentTo: string
    childFrom: string | null
  }[]
}

export interface PersonView {
  id: number
  displayName: string
  dateOfBirth: string | null
  records: PersonSourceRecord[]
  households: HouseholdView[]
  timeline: TimelineEntry[]
  /** Kinds of incident left out of the timeline because the viewer may not see them for this purpose. */
  withheldKinds: IncidentKind[]
}

/** restriction: the sharing decision let the viewer in, the restricted-record gate did not. */
export type PersonLookup =
  | { found: true; person: PersonView }
  | { found: false; restriction?: Extract<GateDecision, { allowed: false }> }
  | { mergedInto: number }

export interface ViewContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

const effective = (decision: AccessDecision): AccessDecision =>
  outsideOwnCases(decision, 'the agreement covers only the people of the user’s own cases')

export async function viewPerson(
  db: Kysely<Database>,
  viewer: AccessingUser,
  purpose: string,
  personId: number,
  context: ViewContext = {},
): Promise<PersonLookup> {
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...viewer, on: now }, purpose, async (trx) => {
    const identity = effective(await mayAccess(trx, viewer, 'person-identity', purpose, now))
    const involvement = identity.allowed
      ? effective(await mayAccess(trx, viewer, 'person-involvement', purpose, now))
      : identity
    const audit = {
      event: 'VIEW_PERSON',
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      purpose,
      recordType: 'person',
      recordIds: [String(personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
    }
    if (!identity.allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'denied',
        details: { reason: identity.reason },
      })
      return { found: false }
    }
    const person = await trx
      .selectFrom('person')
      .select(['id', 'display_name', 'date_of_birth', 'merged_into'])
      .where('id', '=', personId)
      .executeTakeFirst()
    if (!person) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'failure',
        details: { reason: 'no such person' },
      })
      return { found: false }
    }
    if (person.merged_into !== null) return { mergedInto: person.merged_into }
    // Beyond use (restriction of processing): only the DPO's subject-rights pages show the person.
    if (await isBeyondUse(trx, personId)) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'denied',
        details: { reason: 'beyond use' },
      })
      return { found: false }
    }
    const gate = await restrictionGate(trx, viewer, personId, now, { ...context, purpose })
    if (!gate.allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'denied',
        details: { reason: gate.reason, restriction: gate.cause },
      })
      return { found: false, restriction: gate }
    }

    const records = await trx
      .selectFrom('person_record as r')
      .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
      .innerJoin('linkage_run as run', 'run.id', 'l.linkage_run_id')
      .leftJoin('app_user as run_starter', 'run_starter.id', 'run.started_by')
      .select([
        'l.linkage_run_id',
        'run_starter.display_name as run_started_by',
        sql<Date>`coalesce(run.finished_at, run.started_at)`.as('run_at'),
        'r.id',
        'r.source_system',
        'r.source_person_id',
        'r.first_names',
        'r.last_name',
        'r.date_of_birth',
        'r.address',
        'r.postcode',
        'l.match_probability',
      ])
      .where('l.person_id', '=', personId)
      .orderBy('r.source_system')
      .orderBy('r.id')
      .execute()
    const kindsAllowed = new Map<IncidentKind, boolean>()
    for (const [kind, dataClass] of Object.entries(KIND_DATA_CLASS) as [IncidentKind, string][]) {
      kindsAllowed.set(
        kind,
        involvement.allowed && (await mayAccess(trx, viewer, dataClass, purpose, now)).allowed,
      )
    }
    const visible = [...kindsAllowed].filter(([, allowed]) => allowed).map(([kind]) => kind)
    const timelineRows = visible.length
      ? await trx
          .selectFrom('person_involvement as v')
          .innerJoin('person_record_link as l', 'l.person_record_id', 'v.person_record_id')
          .innerJoin('person_record as r', 'r.id', 'v.person_record_id')
          .innerJoin('incident as i', 'i.id', 'v.incident_id')
          .select([
            sql<string>`to_char(coalesce(i.occurred_at::date, i.month), 'YYYY-MM-DD')`.as('date'),
            'i.id as incident_id',
            'i.kind',
            'i.category_label',
            'v.role',
            'v.category',
            'r.source_system',
            'i.lsoa_name',
          ])
          .where('l.person_id', '=', personId)
          .where('i.kind', 'in', visible)
          .orderBy(sql`coalesce(i.occurred_at::date, i.month)`, 'desc')
          .orderBy('i.id', 'desc')
          .execute()
      : []
    const withheldKinds = [...kindsAllowed].filter(([, allowed]) => !allowed).map(([kind]) => kind)
    const households = await householdsOf(trx, personId)
    await recordAudit(trx, {
      ...audit,
      action: identity.basis === 'agreement' ? 'disclose' : 'consult',
      sharingAgreementId: identity.agreementId ?? null,
      ...(identity.basis === 'agreement' ? { recipients: [{ organisationId: viewer.organisationId }] } : {}),
      details: {
        dataClasses: involvement.allowed ? ['person-identity', 'person-involvement'] : ['person-identity'],
        records: records.length,
        timelineEntries: timelineRows.length,
        householdMembersShown: households.reduce((sum, h) => sum + h.others.length, 0),
        withheldKinds,
        ...(gate.basis === 'unrestricted' ? {} : { restrictionBasis: gate.basis }),
      },
    })
    return {
      found: true,
      person: {
        id: person.id,
        displayName: person.display_name,
        dateOfBirth: person.date_of_birth,
        records: records.map((r) => ({
          id: r.id,
          sourceSystem: r.source_system,
          sourcePersonId: r.source_person_id,
          firstNames: r.first_names,
          lastName: r.last_name,
          dateOfBirth: r.date_of_birth,
          address: r.address,
          postcode: r.postcode,
          matchProbability: r.match_probability,
          matchAssessment: {
            linkageRunId: Number(r.linkage_run_id),
            startedByName: r.run_started_by,
            assessedAt: r.run_at,
          },
        })),
        households,
        timeline: timelineRows.map((row) => ({
          date: row.date,
          incidentId: row.incident_id,
          kind: row.kind,
          categoryLabel: row.category_label,
          role: row.role,
          category: row.category,
          sourceSystem: row.source_system,
          lsoaName: row.lsoa_name,
        })),
        withheldKinds,
      },
    }
  })
}

async function householdsOf(db: Kysely<Database>, personId: number): Promise<HouseholdView[]> {
  const own = await db
    .selectFrom('household_member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['h.id', 'h.address', 'h.postcode', 'm.present_from', 'm.present_to', 'm.child_from'])
    .where('m.person_id', '=', personId)
    .orderBy('m.present_to', 'desc')
    .execute()
  if (own.length === 0) return []
  const others = await db
    .selectFrom('household_member as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .select([
      'm.household_id',
      'p.id',
      'p.display_name',
      'p.date_of_birth',
      'm.present_from',
      'm.present_to',
      'm.child_from',
    ])
    .where(
      'm.household_id',
      'in',
      own.map((h) => h.id),
    )
    .where('m.person_id', '<>', personId)
    .where(notBeyondUse('m.person_id'))
    .orderBy('p.display_name')
    .execute()
  return own.map((household) => ({
    address: household.address,
    postcode: household.postcode,
    presentFrom: household.present_from,
    presentTo: household.present_to,
    childFrom: household.child_from,
    others: others
      .filter((other) => other.household_id === household.id)
      .map((other) => ({
        personId: other.id,
        displayName: other.display_name,
        dateOfBirth: other.date_of_birth,
        presentFrom: other.present_from,
        presentTo: other.present_to,
        childFrom: other.child_from,
      })),
  }))
}
