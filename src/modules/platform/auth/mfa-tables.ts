import type { ColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>

/** The columns migration 0002-auth-mfa adds to app_user. */
export interface AppUserMfaColumns {
  /** Base32 TOTP key once enrolment is confirmed; null when the user has no second factor. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>
  /** A key shown on the set-up page and not yet confirmed with a code. */
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>
  totp_enabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  totp_last_used_step: ColumnType<number | null, number | null | undefined, number | null>
}

/** A sign-in whose password was right, waiting for its TOTP code. */
export interface MfaChallengeTable {
  /** SHA-256 of the token in the browser's cookie. */
  id: string
  user_id: string
  next_path: string | null
  created_at: Timestamp
  expires_at: Timestamp
}

export interface MfaTables {
  app_user: AppUserMfaColumns
  mfa_challenge: MfaChallengeTable
}
