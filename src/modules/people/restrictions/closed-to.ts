import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AccessingUser } from '../../platform/sharing.ts'

/**
 * Of these people, the ones the viewer may not open: a declared staff interest, or a restriction
 * that names someone else and that no grant or break-glass of the viewer's opens now. Lists (the
 * people search, the referral inbox) show such a person as a restricted record, without name or
 * date of birth, so that the list does not give away what the record page refuses. Read-only:
 * unlike restrictionGate it raises no alert, because listing is not opening.
 */
export async function closedTo(
  db: Kysely<Database>,
  viewer: AccessingUser,
  personIds: readonly number[],
  now: Date,
): Promise<Set<number>> {
  if (personIds.length === 0) return new Set()
  const ids = [...new Set(personIds)]
  const interests = await db
    .selectFrom('staff_interest')
    .select('person_id')
    .where('user_id', '=', viewer.id)
    .where('person_id', 'in', ids)
    .execute()
  const restricted = await db
    .selectFrom('person_restriction as r')
    .select('r.person_id')
    .where('r.person_id', 'in', ids)
    .where('r.lifted_at', 'is', null)
    .where('r.set_by', '<>', viewer.id)
    .where((eb) =>
      eb.not(
        eb.or([
          eb.exists(
            eb
              .selectFrom('person_restriction_user as u')
              .select('u.user_id')
              .whereRef('u.restriction_id', '=', 'r.id')
              .where('u.user_id', '=', viewer.id),
          ),
          eb.exists(
            eb
              .selectFrom('involvement_grant as g')
              .select('g.id')
              .whereRef('g.person_id', '=', 'r.person_id')
              .where('g.user_id', '=', viewer.id)
              .where('g.granted_at', '<=', now)
              .where('g.expires_at', '>', now),
          ),
          eb.exists(
            eb
              .selectFrom('break_glass_access as b')
              .select('b.id')
              .whereRef('b.person_id', '=', 'r.person_id')
              .where('b.user_id', '=', viewer.id)
              .where('b.started_at', '<=', now)
              .where('b.expires_at', '>', now),
          ),
        ]),
      ),
    )
    .execute()
  return new Set([...interests, ...restricted].map((row) => Number(row.person_id)))
}
