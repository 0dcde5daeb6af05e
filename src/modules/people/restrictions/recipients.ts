import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/** Who hears of a restricted record being opened or refused: the user's supervisors and the restriction's owner. */

export interface Recipient {
  id: string
  email: string
}

/** The supervisors of every team the user is in, other than the user themself; disabled accounts left out. */
export async function supervisorsOf(db: Kysely<Database>, userId: string): Promise<Recipient[]> {
  return db
    .selectFrom('team_membership as own')
    .innerJoin('team_membership as peer', 'peer.team_id', 'own.team_id')
    .innerJoin('app_user as u', 'u.id', 'peer.user_id')
    .select(['u.id', 'u.email'])
    .distinct()
    .where('own.user_id', '=', userId)
    .where('u.role', '=', 'supervisor')
    .where('u.disabled', '=', false)
    .where('u.id', '<>', userId)
    .orderBy('u.email')
    .execute()
}

export async function userById(
  db: Kysely<Database>,
  userId: string,
): Promise<{ id: string; email: string; displayName: string; disabled: boolean } | undefined> {
  const row = await db
    .selectFrom('app_user')
    .select(['id', 'email', 'display_name', 'disabled'])
    .where('id', '=', userId)
    .executeTakeFirst()
  return row && { id: row.id, email: row.email, displayName: row.display_name, disabled: row.disabled }
}

/** The same address once, whatever the roles that brought it. */
export function distinctByEmail(recipients: readonly Recipient[]): Recipient[] {
  const seen = new Map<string, Recipient>()
  for (const recipient of recipients) seen.set(recipient.email.toLowerCase(), recipient)
  return [...seen.values()]
}
