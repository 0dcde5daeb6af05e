import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { PURPOSES, type Purpose } from '../platform/data-classes.ts'
import { roleHasPermission, isRole } from '../platform/roles.ts'
import { mayAccess, type AccessDecision, type AccessingUser } from '../platform/sharing.ts'
import type { ActorCapacity } from './workflow.ts'

/**
 * Who may see which part of a referral. A viewer sees the referrals sent to or made by their own
 * organisation, and only under a sharing decision for the referral's purpose (sharing.ts): the
 * referral class for the referral itself, person-identity for the person's name, and for the
 * evidence person-involvement (a person's referral) or incident-summary (a place's). The
 * referral being addressed to the viewer's organisation is the case involvement an agreement
 * may require. The police note is for the police force's staff only, whatever any agreement says.
 */
export interface ReferralParties {
  fromOrganisationId: string
  toOrganisationId: string
}

export const isParty = (viewer: AccessingUser, parties: ReferralParties) =>
  viewer.organisationId === parties.fromOrganisationId || viewer.organisationId === parties.toOrganisationId

export interface FieldAccess {
  referral: AccessDecision
  identity: AccessDecision
  evidence: AccessDecision
  /** Police staff: the controller of referral data sees the police note. */
  policeOnly: boolean
}

const withheld = (reason: string): AccessDecision => ({ allowed: false, basis: 'none', reason })

export async function fieldAccess(
  db: Kysely<Database>,
  viewer: AccessingUser,
  purpose: string,
  hasPerson: boolean,
  on: Date,
): Promise<FieldAccess> {
  const referral = await mayAccess(db, viewer, 'referral', purpose, on)
  if (!referral.allowed) return { referral, identity: referral, evidence: referral, policeOnly: false }
  const identity = hasPerson
    ? await mayAccess(db, viewer, 'person-identity', purpose, on)
    : withheld('the referral names no person')
  const evidence = await mayAccess(
    db,
    viewer,
    hasPerson ? 'person-involvement' : 'incident-summary',
    purpose,
    on,
  )
  return { referral, identity, evidence, policeOnly: referral.basis === 'controller' }
}

/** For lists: the purposes under which the viewer may see referrals, and under which names. */
export async function purposesAllowed(
  db: Kysely<Database>,
  viewer: AccessingUser,
  on: Date,
): Promise<{ referral: Map<Purpose, AccessDecision>; identity: Set<Purpose> }> {
  const referral = new Map<Purpose, AccessDecision>()
  const identity = new Set<Purpose>()
  for (const purpose of PURPOSES) {
    const decision = await mayAccess(db, viewer, 'referral', purpose, on)
    if (!decision.allowed) continue
    referral.set(purpose, decision)
    if ((await mayAccess(db, viewer, 'person-identity', purpose, on)).allowed) identity.add(purpose)
  }
  return { referral, identity }
}

export function capacityOf(viewer: AccessingUser, parties: ReferralParties): ActorCapacity {
  const has = (permission: Parameters<typeof roleHasPermission>[1]) =>
    isRole(viewer.role) && roleHasPermission(viewer.role, permission)
  const receives = viewer.organisationId === parties.toOrganisationId
  return {
    screener: receives && has('referrals:screen'),
    worker: receives && has('referrals:work'),
    referrer: viewer.organisationId === parties.fromOrganisationId && has('referrals:make'),
  }
}
