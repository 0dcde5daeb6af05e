import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

export interface OidcSignInOption {
  organisationId: string
  organisationName: string
  /** Where the sign-in page's button goes to start the OpenID Connect flow. */
  href: string
}

/** Organisations whose staff sign in with their own identity provider, for the sign-in page. */
export async function listOidcSignInOptions(db: Kysely<Database>): Promise<OidcSignInOption[]> {
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('oidc_issuer', 'is not', null)
    .where('oidc_client_id', 'is not', null)
    .orderBy('name')
    .execute()
  return rows.map((row) => ({ organisationId: row.id, organisationName: row.name, href: `/sign-in/oidc/${row.id}` }))
}
