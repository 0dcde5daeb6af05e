import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * TOTP for local accounts (checklist A8). The last step used is kept so that a code works
 * once only. A sign-in waiting for its code is a row of its own, not a session: nothing is
 * reachable until the code is right.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table app_user add column totp_secret text`,
    `alter table app_user add column totp_pending_secret text`,
    `alter table app_user add column totp_enabled_at timestamptz`,
    `alter table app_user add column totp_last_used_step bigint`,
    `create table mfa_challenge (
      id text primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      next_path text,
      created_at timestamptz not null,
      expires_at timestamptz not null
    )`,
    `create index mfa_challenge_expires on mfa_challenge (expires_at)`,
    `grant select, insert, update, delete on mfa_challenge to upstream_app`,
  ])
}
