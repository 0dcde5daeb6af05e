import { sql, type Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import {
  accountKeyOf,
  checkSignInThrottle,
  clearAccountFailures,
  recordSignInFailure,
  type ThrottleScope,
} from './throttling.ts'

/** Why a sign-in failed, for the audit log only: the person is always told the same thing. */
export type SignInFailureReason = 'unknown account' | 'wrong password' | 'account disabled' | 'no local password'

export type SignInResult =
  | { outcome: 'signed-in'; userId: string; organisationId: string; accountKey: string }
  /** The password was right and the account has a second factor: no session until its code is. */
  | { outcome: 'needs code'; userId: string; accountKey: string }
  | { outcome: 'failed'; reason: SignInFailureReason; accountKey: string }
  | { outcome: 'throttled'; scope: ThrottleScope; retryAfterSeconds: number; accountKey: string }

/** Longer than any email address (RFC 5321 allows 254): such input names no account and is not looked up. */
const MAX_EMAIL_LENGTH = 320

let dummyHash: Promise<string> | undefined

/**
 * Checks an email and password. An unknown account costs the same argon2 verification as a
 * known one, so the answer's timing does not tell which accounts exist.
 */
export async function signInWithPassword(
  db: Kysely<Database>,
  clock: Clock,
  attempt: { email: string; password: string; ip: string },
): Promise<SignInResult> {
  const email = attempt.email.trim().toLowerCase()
  const accountKey = accountKeyOf(email)
  const throttle = await checkSignInThrottle(db, clock, { accountKey, ip: attempt.ip })
  if (throttle.throttled) return { outcome: 'throttled', scope: throttle.scope, retryAfterSeconds: throttle.retryAfterSeconds, accountKey }

  const user = await findAccount(db, email)
  dummyHash ??= hashPassword('no account has this password')
  const passwordMatches = await verifyPassword(user?.password_hash ?? (await dummyHash), attempt.password)
  const reason: SignInFailureReason | null = !user
    ? 'unknown account'
    : !user.password_hash
      ? 'no local password'
      : !passwordMatches
        ? 'wrong password'
        : user.disabled
          ? 'account disabled'
          : null
  if (reason || !user) {
    await recordSignInFailure(db, clock, { accountKey, ip: attempt.ip })
    return { outcome: 'failed', reason: reason ?? 'unknown account', accountKey }
  }
  // Failures are forgiven only once the sign-in is complete, or codes could be guessed without limit.
  if (user.totp_secret) return { outcome: 'needs code', userId: user.id, accountKey }
  await clearAccountFailures(db, accountKey)
  await recordSignedIn(db, clock, user.id)
  return { outcome: 'signed-in', userId: user.id, organisationId: user.organisation_id, accountKey }
}

export async function recordSignedIn(db: Kysely<Database>, clock: Clock, userId: string): Promise<void> {
  await db.updateTable('app_user').set({ last_sign_in_at: clock.now() }).where('id', '=', userId).execute()
}

async function findAccount(db: Kysely<Database>, email: string) {
  // PostgreSQL text cannot hold NUL, and no stored address contains a control character.
  if (email === '' || email.length > MAX_EMAIL_LENGTH || /\p{Cc}/u.test(email)) return undefined
  return db
    .selectFrom('app_user')
    .select(['id', 'organisation_id', 'password_hash', 'disabled', 'totp_secret'])
    .where(sql<string>`lower(email)`, '=', email)
    .executeTakeFirst()
}
