import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { checkPasswordPolicy } from './password-policy.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { endSessionsOfUser, IDLE_TIMEOUT_MS } from './sessions.ts'
import { accountKeyOf, checkSignInThrottle, recordSignInFailure, type ThrottleDecision } from './throttling.ts'

export interface OpenSession {
  current: boolean
  createdAt: Date
  lastSeenAt: Date
  ip: string | null
  userAgent: string | null
}

export interface AccountDetails {
  hasLocalPassword: boolean
  teamNames: string[]
  sessions: OpenSession[]
}

export async function loadAccountDetails(
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
  currentSessionId: string,
): Promise<AccountDetails> {
  const user = await db.selectFrom('app_user').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow()
  const teams = await db
    .selectFrom('team_membership as m')
    .innerJoin('team as t', 't.id', 'm.team_id')
    .select('t.name')
    .where('m.user_id', '=', userId)
    .orderBy('t.name')
    .execute()
  const now = clock.now()
  const sessions = await db
    .selectFrom('user_session')
    .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('absolute_expires_at', '>', now)
    .where('last_seen_at', '>=', new Date(now.getTime() - IDLE_TIMEOUT_MS))
    .orderBy('last_seen_at', 'desc')
    .execute()
  return {
    hasLocalPassword: user.password_hash !== null,
    teamNames: teams.map((team) => team.name),
    sessions: sessions.map((session) => ({
      current: session.id === currentSessionId,
      createdAt: session.created_at,
      lastSeenAt: session.last_seen_at,
      ip: session.ip,
      userAgent: session.user_agent,
    })),
  }
}

/** Records activity on a session now (the "Stay signed in" button) and says when it will next time out. */
export async function keepSessionAlive(db: Kysely<Database>, clock: Clock, sessionId: string): Promise<Date> {
  const now = clock.now()
  await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', sessionId).where('ended_at', 'is', null).execute()
  return new Date(now.getTime() + IDLE_TIMEOUT_MS)
}

export interface PasswordChange {
  userId: string
  email: string
  currentPassword: string
  newPassword: string
  confirmPassword: string
  contextWords: string[]
  /** The session that asks for the change stays open; every other session of the user ends. */
  keepSessionId: string
  ip: string
}

export type PasswordChangeResult =
  | { outcome: 'changed'; endedSessions: number }
  | { outcome: 'invalid'; errors: Record<string, string> }
  | { outcome: 'throttled'; retryAfterSeconds: number }

/** Changing a password. A wrong current password counts as a failed sign-in, so it cannot be guessed from a stolen session. */
export async function changePassword(db: Kysely<Database>, clock: Clock, change: PasswordChange): Promise<PasswordChangeResult> {
  const errors: Record<string, string> = {}
  if (change.currentPassword === '') errors.currentPassword = 'Enter your current password'
  const policyProblem =
    change.newPassword === ''
      ? 'Enter a new password'
      : checkPasswordPolicy(change.newPassword, [...change.contextWords, ...emailWords(change.email)])
  if (policyProblem) errors.newPassword = policyProblem
  if (change.confirmPassword === '') errors.confirmPassword = 'Enter the new password again'
  else if (!policyProblem && change.confirmPassword !== change.newPassword) errors.confirmPassword = 'The passwords do not match'
  if (Object.keys(errors).length > 0) return { outcome: 'invalid', errors }

  const attempt = { accountKey: accountKeyOf(change.email), ip: change.ip }
  const throttle: ThrottleDecision = await checkSignInThrottle(db, clock, attempt)
  if (throttle.throttled) return { outcome: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds }
  const user = await db.selectFrom('app_user').select('password_hash').where('id', '=', change.userId).executeTakeFirstOrThrow()
  if (!user.password_hash || !(await verifyPassword(user.password_hash, change.currentPassword))) {
    await recordSignInFailure(db, clock, attempt)
    return { outcome: 'invalid', errors: { currentPassword: 'Your current password is not correct' } }
  }

  const passwordHash = await hashPassword(change.newPassword)
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set((eb) => ({ password_hash: passwordHash, password_changed_at: now, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', change.userId)
      .execute()
    const endedSessions = await endSessionsOfUser(trx, clock, change.userId, 'password changed', change.keepSessionId)
    return { outcome: 'changed' as const, endedSessions }
  })
}

/** The parts of the user's own email address are context words too ("jane.smith" for jane.smith@council.gov.uk). */
function emailWords(email: string): string[] {
  const [local = '', domain = ''] = email.toLowerCase().split('@')
  return [local, ...local.split(/[^\p{L}\p{N}]+/u), ...domain.split('.')].filter((word) => word.length >= 3)
}
