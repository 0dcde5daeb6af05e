import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'

/**
 * Checklist A8: at most 10 failed sign-ins per account and 100 per address in any 5 minutes.
 * A throttled attempt is not itself a failure, so the block lifts by itself when the window
 * moves on: there is no permanent lock-out for an attacker to inflict on someone.
 */
export const THROTTLE_WINDOW_MS = 5 * 60_000
export const MAX_FAILURES_PER_ACCOUNT = 10
export const MAX_FAILURES_PER_ADDRESS = 100

export type ThrottleScope = 'account' | 'address'

export type ThrottleDecision = { throttled: false } | { throttled: true; scope: ThrottleScope; retryAfterSeconds: number }

/** The account as the failure table and the audit log know it: a SHA-256 of the lower-cased email, never the email. */
export function accountKeyOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
}

export interface SignInAttempt {
  accountKey: string
  ip: string
}

export async function checkSignInThrottle(db: Kysely<Database>, clock: Clock, attempt: SignInAttempt): Promise<ThrottleDecision> {
  const now = clock.now()
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS)
  // The window frees when the Nth most recent failure leaves it.
  const limits = [
    { scope: 'account' as const, column: 'account_key' as const, value: attempt.accountKey, max: MAX_FAILURES_PER_ACCOUNT },
    { scope: 'address' as const, column: 'ip' as const, value: attempt.ip, max: MAX_FAILURES_PER_ADDRESS },
  ]
  for (const limit of limits) {
    const nth = await db
      .selectFrom('sign_in_failure')
      .select('failed_at')
      .where(limit.column, '=', limit.value)
      .where('failed_at', '>', windowStart)
      .orderBy('failed_at', 'desc')
      .offset(limit.max - 1)
      .limit(1)
      .executeTakeFirst()
    if (nth) {
      const freesAt = nth.failed_at.getTime() + THROTTLE_WINDOW_MS
      return { throttled: true, scope: limit.scope, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) }
    }
  }
  return { throttled: false }
}

export async function recordSignInFailure(db: Kysely<Database>, clock: Clock, attempt: SignInAttempt): Promise<void> {
  const now = clock.now()
  await db.insertInto('sign_in_failure').values({ account_key: attempt.accountKey, ip: attempt.ip, failed_at: now }).execute()
  // Rows older than the window decide nothing any more.
  await db.deleteFrom('sign_in_failure').where('failed_at', '<=', new Date(now.getTime() - THROTTLE_WINDOW_MS)).execute()
}

/** A successful sign-in proves the account holder is here: their earlier failures no longer count against them. */
export async function clearAccountFailures(db: Kysely<Database>, accountKey: string): Promise<void> {
  await db.deleteFrom('sign_in_failure').where('account_key', '=', accountKey).execute()
}
