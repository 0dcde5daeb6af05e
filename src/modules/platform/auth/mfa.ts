import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { accountKeyOf, checkSignInThrottle, clearAccountFailures, recordSignInFailure } from './throttling.ts'
import { newTotpSecret, verifyTotp } from './totp.ts'

/** How long a sign-in may wait between the right password and its code. */
export const MFA_CHALLENGE_MS = 5 * 60_000

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex')

export interface TotpStatus {
  enabled: boolean
  pendingSecret: string | null
}

export async function totpStatus(db: Kysely<Database>, userId: string): Promise<TotpStatus> {
  const row = await db
    .selectFrom('app_user')
    .select(['totp_secret', 'totp_pending_secret'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  return { enabled: row.totp_secret !== null, pendingSecret: row.totp_secret ? null : row.totp_pending_secret }
}

/** A new key for the set-up page. It works only once a code from it has been typed back (confirmTotpEnrolment). */
export async function startTotpEnrolment(db: Kysely<Database>, userId: string): Promise<string> {
  const secret = newTotpSecret()
  await db.updateTable('app_user').set({ totp_pending_secret: secret }).where('id', '=', userId).where('totp_secret', 'is', null).execute()
  return secret
}

export async function confirmTotpEnrolment(db: Kysely<Database>, clock: Clock, userId: string, code: string): Promise<boolean> {
  const status = await totpStatus(db, userId)
  if (!status.pendingSecret) return false
  const step = verifyTotp(status.pendingSecret, code, clock.now(), null)
  if (step === null) return false
  const now = clock.now()
  await db
    .updateTable('app_user')
    .set((eb) => ({
      totp_secret: status.pendingSecret,
      totp_pending_secret: null,
      totp_enabled_at: now,
      totp_last_used_step: step,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', userId)
    .execute()
  return true
}

/**
 * Accepts a code once: the step is recorded in the same statement that checks it is newer
 * than the last one used, so two requests racing with one code cannot both succeed.
 */
export async function useTotpCode(db: Kysely<Database>, clock: Clock, userId: string, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('app_user')
    .select(['totp_secret', 'totp_last_used_step'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  if (!row.totp_secret) return false
  const step = verifyTotp(row.totp_secret, code, clock.now(), row.totp_last_used_step)
  if (step === null) return false
  const result = await db
    .updateTable('app_user')
    .set({ totp_last_used_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_used_step', 'is', null), eb('totp_last_used_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function turnOffTotp(db: Kysely<Database>, clock: Clock, userId: string, code: string): Promise<boolean> {
  if (!(await useTotpCode(db, clock, userId, code))) return false
  const now = clock.now()
  await db
    .updateTable('app_user')
    .set((eb) => ({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', userId)
    .execute()
  return true
}

export async function userHasTotp(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await totpStatus(db, userId)).enabled
}

/** Starts the second step of a sign-in; the token goes in a cookie and only its hash is stored. */
export async function createMfaChallenge(db: Kysely<Database>, clock: Clock, userId: string, nextPath: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  const now = clock.now()
  await db.deleteFrom('mfa_challenge').where('expires_at', '<=', now).execute()
  await db
    .insertInto('mfa_challenge')
    .values({ id: hashOf(token), user_id: userId, next_path: nextPath, created_at: now, expires_at: new Date(now.getTime() + MFA_CHALLENGE_MS) })
    .execute()
  return token
}

export async function findMfaChallenge(db: Kysely<Database>, clock: Clock, token: string | undefined) {
  if (!token) return undefined
  return db
    .selectFrom('mfa_challenge as c')
    .innerJoin('app_user as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.user_id', 'c.next_path', 'u.email', 'u.organisation_id', 'u.disabled'])
    .where('c.id', '=', hashOf(token))
    .where('c.expires_at', '>', clock.now())
    .executeTakeFirst()
}

export type MfaChallengeResult =
  | { outcome: 'signed-in'; userId: string; organisationId: string; nextPath: string | null }
  | { outcome: 'wrong code'; accountKey: string }
  | { outcome: 'no challenge' }
  | { outcome: 'throttled'; retryAfterSeconds: number; accountKey: string }

/** The second step of a sign-in. Wrong codes count as failed sign-ins, under the same throttle. */
export async function completeMfaChallenge(
  db: Kysely<Database>,
  clock: Clock,
  attempt: { token: string | undefined; code: string; ip: string },
): Promise<MfaChallengeResult> {
  const challenge = await findMfaChallenge(db, clock, attempt.token)
  if (!challenge || challenge.disabled) return { outcome: 'no challenge' }
  const accountKey = accountKeyOf(challenge.email)
  const throttle = await checkSignInThrottle(db, clock, { accountKey, ip: attempt.ip })
  if (throttle.throttled) return { outcome: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds, accountKey }
  if (!(await useTotpCode(db, clock, challenge.user_id, attempt.code))) {
    await recordSignInFailure(db, clock, { accountKey, ip: attempt.ip })
    return { outcome: 'wrong code', accountKey }
  }
  await db.deleteFrom('mfa_challenge').where('id', '=', challenge.id).execute()
  await clearAccountFailures(db, accountKey)
  return { outcome: 'signed-in', userId: challenge.user_id, organisationId: challenge.organisation_id, nextPath: challenge.next_path }
}
