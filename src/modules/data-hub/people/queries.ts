import type { Kysely } from 'kysely'
import { systemClock, type Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import {
  mayAccess,
  outsideOwnCases,
  type AccessDecision,
  type AccessingUser,
} from '../../platform/sharing.ts'
import type { InvolvementRole } from './tables.ts'

/**
 * THE read path to people and their involvements: every other module reads personal data
 * through here, never from the tables, so that each read is checked against the sharing
 * agreements at that moment and audited with its purpose.
 */

export interface PersonIdentity {
  sourceSystem: string
  sourcePersonId: string
  firstNames: string
  lastName: string
  dateOfBirth: string | null
  address: string | null
  postcode: string | null
}

export interface PersonInvolved {
  involvementId: number
  /** Stable within one source system: the same person on another incident has the same id. */
  personRecordId: number
  role: InvolvementRole
  /** Null when the viewer may see involvements but not who the people are. */
  person: PersonIdentity | null
}

export interface PeopleInvolved {
  allowed: boolean
  /** Why allowed or not, for the page or the command to show. */
  reason: string
  identityShown: boolean
  people: PersonInvolved[]
}

export interface ViewContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

// An agreement limited to the viewer's own cases cannot be honoured here: no case involves an incident.
const effective = (decision: AccessDecision): AccessDecision =>
  outsideOwnCases(
    decision,
    "the agreement covers only the people of the user's own cases, and no case involves this incident",
  )

/**
 * The people involved in an incident, as far as the viewer may see them for the purpose:
 * involvements need the person-involvement class, names and details the person-identity class
 * as well (a name against an incident already says the person was involved). Every call is
 * audited, a denial too; a view by a partner under an agreement is recorded as a disclosure.
 */
export async function peopleInvolvedIn(
  db: Kysely<Database>,
  viewer: AccessingUser,
  purpose: string,
  incidentId: number,
  context: ViewContext = {},
): Promise<PeopleInvolved> {
  const now = (context.clock ?? systemClock).now()
  return db.transaction().execute(async (trx) => {
    const involvementAccess = effective(await mayAccess(trx, viewer, 'person-involvement', purpose, now))
    const identityAccess = involvementAccess.allowed
      ? effective(await mayAccess(trx, viewer, 'person-identity', purpose, now))
      : involvementAccess
    const audit = {
      event: 'VIEW_PEOPLE_INVOLVED',
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      purpose,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
    }
    if (!involvementAccess.allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'denied',
        recordType: 'incident',
        recordIds: [String(incidentId)],
        details: { dataClass: 'person-involvement', reason: involvementAccess.reason },
      })
      return { allowed: false, reason: involvementAccess.reason, identityShown: false, people: [] }
    }

    const rows = await trx
      .selectFrom('person_involvement as involvement')
      .innerJoin('person_record as person', 'person.id', 'involvement.person_record_id')
      .select([
        'involvement.id as involvement_id',
        'involvement.role',
        'person.id as person_record_id',
        'person.source_system',
        'person.source_person_id',
        'person.first_names',
        'person.last_name',
        'person.date_of_birth',
        'person.address',
        'person.postcode',
      ])
      .where('involvement.incident_id', '=', incidentId)
      .orderBy('involvement.role')
      .orderBy('person.last_name')
      .orderBy('involvement.id')
      .execute()
    const identityShown = identityAccess.allowed
    const people = rows.map((row) => ({
      involvementId: Number(row.involvement_id),
      personRecordId: Number(row.person_record_id),
      role: row.role,
      person: identityShown
        ? {
            sourceSystem: row.source_system,
            sourcePersonId: row.source_person_id,
            firstNames: row.first_names,
            lastName: row.last_name,
            dateOfBirth: row.date_of_birth,
            address: row.address,
            postcode: row.postcode,
          }
        : null,
    }))
    const agreementId = involvementAccess.agreementId ?? identityAccess.agreementId ?? null
    await recordAudit(trx, {
      ...audit,
      action: involvementAccess.basis === 'agreement' ? 'disclose' : 'consult',
      recordType: 'person_involvement',
      recordIds: people.map((person) => String(person.involvementId)),
      sharingAgreementId: agreementId,
      ...(involvementAccess.basis === 'agreement'
        ? { recipients: [{ organisationId: viewer.organisationId }] }
        : {}),
      details: {
        incidentId: String(incidentId),
        dataClasses: identityShown ? ['person-involvement', 'person-identity'] : ['person-involvement'],
        identityWithheld: identityShown ? null : identityAccess.reason,
        identityAgreementId: identityShown ? (identityAccess.agreementId ?? null) : null,
      },
    })
    return {
      allowed: true,
      reason: identityShown
        ? involvementAccess.reason
        : `${involvementAccess.reason}; identities withheld: ${identityAccess.reason}`,
      identityShown,
      people,
    }
  })
}
