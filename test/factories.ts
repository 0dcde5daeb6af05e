import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../src/db/schema.ts'
import { hashPassword } from '../src/modules/platform/auth/passwords.ts'
import type { Role } from '../src/modules/platform/roles.ts'

/** Rows for tests, written through the database like any other. */
const unique = () => randomBytes(4).toString('hex')

export async function createOrganisation(
  db: Kysely<Database>,
  values: { name?: string; kind?: string } = {},
): Promise<{ id: string; name: string; kind: string }> {
  const name = values.name ?? `Test organisation ${unique()}`
  const kind = values.kind ?? 'police_force'
  const row = await db
    .insertInto('organisation')
    .values({ name, kind, oidc_issuer: null, oidc_client_id: null, oidc_client_secret: null, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id, name, kind }
}

export interface TestUser {
  id: string
  email: string
  password: string
  role: Role
  organisationId: string
}

export async function createUser(
  db: Kysely<Database>,
  values: { role?: Role; organisationId?: string; email?: string; password?: string; displayName?: string } = {},
): Promise<TestUser> {
  const organisationId = values.organisationId ?? (await createOrganisation(db)).id
  const email = values.email ?? `user-${unique()}@example.test`
  const password = values.password ?? `correct horse ${unique()} staple`
  const role = values.role ?? 'officer'
  const row = await db
    .insertInto('app_user')
    .values({
      email,
      display_name: values.displayName ?? `Test ${role}`,
      role,
      organisation_id: organisationId,
      password_hash: await hashPassword(password),
      oidc_issuer: null,
      oidc_subject: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id, email, password, role, organisationId }
}

export async function createTeam(
  db: Kysely<Database>,
  organisationId: string,
  values: { name?: string; kind?: string; memberIds?: string[] } = {},
): Promise<{ id: string }> {
  const row = await db
    .insertInto('team')
    .values({ organisation_id: organisationId, name: values.name ?? `Team ${unique()}`, kind: values.kind ?? 'neighbourhood_team' })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const userId of values.memberIds ?? []) {
    await db.insertInto('team_membership').values({ team_id: row.id, user_id: userId }).execute()
  }
  return row
}
