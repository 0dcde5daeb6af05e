import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * The state of OpenID Connect sign-ins in progress. Kept in the database rather than in a
 * signed cookie because a state must work once only: a cookie can be replayed until it
 * expires, a row is deleted as it is used. The PKCE verifier and nonce never reach the browser.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table oidc_login_state (
      state_hash text primary key,
      organisation_id uuid not null references organisation (id) on delete cascade,
      issuer text not null,
      nonce text not null,
      code_verifier text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null
    )`,
    `create index oidc_login_state_expires on oidc_login_state (expires_at)`,
    `grant select, insert, update, delete on oidc_login_state to upstream_app`,
  ])
}
