import type { ColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>

/** An OpenID Connect sign-in between the redirect to the identity provider and its answer. */
export interface OidcLoginStateTable {
  /** SHA-256 of the state sent to the provider, so a reader of the database cannot finish a sign-in. */
  state_hash: string
  organisation_id: string
  issuer: string
  nonce: string
  code_verifier: string
  created_at: Timestamp
  expires_at: Timestamp
}

export interface OidcTables {
  oidc_login_state: OidcLoginStateTable
}
