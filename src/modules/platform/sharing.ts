import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { DATA_CLASSES, isDataClass, isPurpose, PURPOSE_LABELS } from './data-classes.ts'
import { ORGANISATION_KIND_LABELS, isOrganisationKind } from './organisation-kinds.ts'

/**
 * THE one place that answers "may this user see this class of data for this purpose".
 * Every module asks here, on every request, so that suspending an agreement or ending it
 * takes effect at once (SECURITY-CHECKLIST A5).
 */
export interface AccessDecision {
  allowed: boolean
  basis: 'controller' | 'agreement' | 'none'
  agreementId?: string
  /** The agreement only covers people the user's case involves: the caller must check involvement. */
  requiresInvolvement?: boolean
  reason: string
}

export interface AccessingUser {
  id: string
  organisationId: string
  role: string
}

const deny = (reason: string): AccessDecision => ({ allowed: false, basis: 'none', reason })

/** The calendar date in the partnership's time zone: an agreement ending "on 31 March" covers all of that day in the UK. */
export function partnershipDate(on: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(on)
}

export async function mayAccess(
  db: Kysely<Database>,
  user: AccessingUser,
  dataClass: string,
  purpose: string,
  on: Date,
): Promise<AccessDecision> {
  if (!isDataClass(dataClass)) return deny(`'${dataClass}' is not a known class of data`)
  if (!isPurpose(purpose)) return deny(`'${purpose}' is not a known purpose`)
  const definition = DATA_CLASSES[dataClass]
  const organisation = await db
    .selectFrom('organisation')
    .select(['kind'])
    .where('id', '=', user.organisationId)
    .executeTakeFirst()
  if (!organisation) return deny('the user belongs to no known organisation')

  if (organisation.kind === definition.controller) {
    return {
      allowed: true,
      basis: 'controller',
      reason: `${ORGANISATION_KIND_LABELS[definition.controller]} staff control ${definition.label.toLowerCase()}`,
    }
  }
  if (!definition.shareable)
    return deny(`${definition.label} is never shared outside the controlling organisation`)

  const date = partnershipDate(on)
  const agreements = await db
    .selectFrom('sharing_agreement as a')
    .innerJoin('organisation as provider', 'provider.id', 'a.provider_organisation_id')
    .select([
      'a.id',
      'a.data_classes',
      'a.purposes',
      'a.requires_involvement',
      'provider.kind as provider_kind',
    ])
    .where('a.recipient_organisation_id', '=', user.organisationId)
    .where('a.status', '=', 'active')
    .where('a.starts_on', '<=', date)
    .where((eb) => eb.or([eb('a.ends_on', 'is', null), eb('a.ends_on', '>=', date)]))
    .orderBy('a.requires_involvement')
    .orderBy('a.reference')
    .execute()
  const covering = agreements.find(
    (agreement) =>
      agreement.data_classes.includes(dataClass) &&
      agreement.purposes.includes(purpose) &&
      isOrganisationKind(agreement.provider_kind) &&
      agreement.provider_kind === definition.controller,
  )
  if (!covering) {
    return deny(
      `no active sharing agreement gives this organisation ${definition.label.toLowerCase()} for ${PURPOSE_LABELS[purpose].toLowerCase()} on ${date}`,
    )
  }
  return {
    allowed: true,
    basis: 'agreement',
    agreementId: covering.id,
    requiresInvolvement: covering.requires_involvement,
    reason: `shared under an active agreement for ${PURPOSE_LABELS[purpose].toLowerCase()}`,
  }
}

/**
 * The decision for a read that involves no case of the viewer's (a person page, a search, the
 * linkage queue, the people of an incident): an agreement that covers only the people of the
 * viewer's own cases gives nothing there. Referrals are cases, and honour such agreements.
 */
export function outsideOwnCases(decision: AccessDecision, reason: string): AccessDecision {
  return decision.allowed && decision.requiresInvolvement ? { ...decision, allowed: false, reason } : decision
}
