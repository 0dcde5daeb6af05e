import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { DataClassName, Purpose } from '../../platform/data-classes.ts'
import { mayAccess, type AccessingUser } from '../../platform/sharing.ts'
import { INCIDENT_KINDS, type IncidentKind } from '../tables.ts'

/**
 * Whose data each kind of incident is. Police-recorded kinds are incident summaries; A&E
 * attendances are the NHS trust's health data and missing episodes their own class, so police
 * staff see them only under an agreement, as partners see police data only under one.
 */
export const KIND_DATA_CLASS: Record<IncidentKind, DataClassName> = {
  crime: 'incident-summary',
  'anti-social-behaviour': 'incident-summary',
  'stop-and-search': 'incident-summary',
  'call-for-service': 'incident-summary',
  'ae-assault': 'health-injury',
  'missing-episode': 'missing-episode',
}

/** The data pages, map, API and exports serve problem solving: seeing where harm concentrates. */
export const DATA_HUB_PURPOSE: Purpose = 'problem-solving'

/** The kinds of incident this user may see in the data hub today, decided by the sharing rules. */
export async function visibleKinds(
  db: Kysely<Database>,
  user: AccessingUser,
  on: Date,
): Promise<IncidentKind[]> {
  const decisions = new Map<DataClassName, boolean>()
  for (const dataClass of new Set(Object.values(KIND_DATA_CLASS))) {
    decisions.set(dataClass, (await mayAccess(db, user, dataClass, DATA_HUB_PURPOSE, on)).allowed)
  }
  return INCIDENT_KINDS.filter((kind) => decisions.get(KIND_DATA_CLASS[kind]))
}

/** The signed-in user of a data hub request: every data hub route needs a permission, so there is one. */
export function viewerKinds(
  db: Kysely<Database>,
  request: { user?: AccessingUser | null },
  on: Date,
): Promise<IncidentKind[]> {
  if (!request.user) return Promise.resolve([])
  return visibleKinds(db, request.user, on)
}
