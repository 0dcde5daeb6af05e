import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { Clock } from '../../../clock.ts'
import { isRole, type Role } from '../roles.ts'

/** Decision 0002: 30 minutes idle and 12 hours absolute, following NIST SP 800-63B AAL2. */
export const IDLE_TIMEOUT_MS = 30 * 60_000
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000
/** last_seen_at is written at most this often, so every request is not a write. */
const TOUCH_INTERVAL_MS = 60_000

export interface SignedInUser {
  id: string
  email: string
  displayName: string
  role: Role
  organisationId: string
  organisationName: string
  organisationKind: string
  teamIds: string[]
}

export interface ActiveSession {
  id: string
  csrfToken: string
  createdAt: Date
  lastSeenAt: Date
  absoluteExpiresAt: Date
}

export type SessionLookup =
  | { status: 'active'; session: ActiveSession; user: SignedInUser }
  | { status: 'expired' | 'missing' }

const newToken = () => randomBytes(32).toString('base64url')
const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex')

export async function createSession(
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
  client: { ip?: string; userAgent?: string } = {},
): Promise<{ token: string; session: ActiveSession }> {
  const token = newToken()
  const now = clock.now()
  const session: ActiveSession = {
    id: sessionIdOf(token),
    csrfToken: newToken(),
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS),
  }
  await db
    .insertInto('user_session')
    .values({
      id: session.id,
      user_id: userId,
      csrf_token: session.csrfToken,
      created_at: now,
      last_seen_at: now,
      absolute_expires_at: session.absoluteExpiresAt,
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    })
    .execute()
  return { token, session }
}

/** Finds the session for a cookie token, ending it if it has timed out. */
export async function lookupSession(db: Kysely<Database>, clock: Clock, token: string): Promise<SessionLookup> {
  const row = await db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select([
      's.id',
      's.csrf_token',
      's.created_at',
      's.last_seen_at',
      's.absolute_expires_at',
      's.ended_at',
      'u.id as user_id',
      'u.email',
      'u.display_name',
      'u.role',
      'u.disabled',
      'u.organisation_id',
      'o.name as organisation_name',
      'o.kind as organisation_kind',
    ])
    .where('s.id', '=', sessionIdOf(token))
    .executeTakeFirst()
  if (!row || row.ended_at) return { status: 'missing' }
  const now = clock.now()
  if (row.disabled || !isRole(row.role)) {
    await endSession(db, clock, row.id, 'account disabled')
    return { status: 'missing' }
  }
  const idleFor = now.getTime() - row.last_seen_at.getTime()
  if (idleFor > IDLE_TIMEOUT_MS || now >= row.absolute_expires_at) {
    await endSession(db, clock, row.id, idleFor > IDLE_TIMEOUT_MS ? 'idle timeout' : 'absolute timeout')
    return { status: 'expired' }
  }
  if (idleFor > TOUCH_INTERVAL_MS) {
    await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', row.id).execute()
  }
  const teams = await db
    .selectFrom('team_membership')
    .select('team_id')
    .where('user_id', '=', row.user_id)
    .execute()
  return {
    status: 'active',
    session: {
      id: row.id,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      lastSeenAt: idleFor > TOUCH_INTERVAL_MS ? now : row.last_seen_at,
      absoluteExpiresAt: row.absolute_expires_at,
    },
    user: {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      organisationKind: row.organisation_kind,
      teamIds: teams.map((t) => t.team_id),
    },
  }
}

export async function endSession(db: Kysely<Database>, clock: Clock, sessionId: string, reason: string) {
  await db
    .updateTable('user_session')
    .set({ ended_at: clock.now(), ended_reason: reason })
    .where('id', '=', sessionId)
    .where('ended_at', 'is', null)
    .execute()
}

/** Ends every open session of a user, optionally keeping one (the one that changed the password). */
export async function endSessionsOfUser(
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
  reason: string,
  keepSessionId?: string,
): Promise<number> {
  let query = db
    .updateTable('user_session')
    .set({ ended_at: clock.now(), ended_reason: reason })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
  if (keepSessionId) query = query.where('id', '!=', keepSessionId)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
}
