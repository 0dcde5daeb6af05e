import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound, staleVersion } from '../../../errors.ts'
import { isOrganisationKind, ORGANISATION_KIND_LABELS, type OrganisationKind } from '../organisation-kinds.ts'
import { changedFields, checkText, checkUrl, isUniqueViolation, isUuid, type FieldErrors } from './validation.ts'

export interface Organisation {
  id: string
  name: string
  kind: OrganisationKind
  kindLabel: string
  oidcIssuer: string
  oidcClientId: string
  /** The secret itself never leaves this module: pages only learn whether one is set. */
  oidcClientSecretSet: boolean
  oidcRequireMfa: boolean
  version: number
}

export interface OrganisationInput {
  name: string
  kind: string
  oidcIssuer: string
  oidcClientId: string
  /** Empty keeps the current secret; a value replaces it. */
  oidcClientSecret: string
  removeOidcClientSecret?: boolean
  oidcRequireMfa: boolean
}

export const emptyOrganisationInput = (): OrganisationInput => ({
  name: '',
  kind: '',
  oidcIssuer: '',
  oidcClientId: '',
  oidcClientSecret: '',
  oidcRequireMfa: false,
})

interface Row {
  id: string
  name: string
  kind: string
  oidc_issuer: string | null
  oidc_client_id: string | null
  oidc_client_secret: string | null
  oidc_require_mfa: boolean
  version: number
}

const COLUMNS = ['id', 'name', 'kind', 'oidc_issuer', 'oidc_client_id', 'oidc_client_secret', 'oidc_require_mfa', 'version'] as const

function toOrganisation(row: Row): Organisation {
  const kind = isOrganisationKind(row.kind) ? row.kind : 'other'
  return {
    id: row.id,
    name: row.name,
    kind,
    kindLabel: ORGANISATION_KIND_LABELS[kind],
    oidcIssuer: row.oidc_issuer ?? '',
    oidcClientId: row.oidc_client_id ?? '',
    oidcClientSecretSet: Boolean(row.oidc_client_secret),
    oidcRequireMfa: row.oidc_require_mfa,
    version: row.version,
  }
}

interface CleanOrganisation {
  name: string
  kind: OrganisationKind
  oidc_issuer: string | null
  oidc_client_id: string | null
  oidc_require_mfa: boolean
}

function validate(input: OrganisationInput): { values: CleanOrganisation; secret: string | null | undefined } {
  const errors: FieldErrors = {}
  const name = checkText(errors, 'name', input.name, { label: 'Name', required: true, max: 200 })
  if (!isOrganisationKind(input.kind)) errors.kind = 'Select the kind of organisation'
  const issuer = checkUrl(errors, 'oidcIssuer', input.oidcIssuer, 'Issuer URL')
  const clientId = checkText(errors, 'oidcClientId', input.oidcClientId, { label: 'Client ID', max: 300 })
  const newSecret = checkText(errors, 'oidcClientSecret', input.oidcClientSecret, { label: 'Client secret', max: 500 })
  if (!errors.oidcIssuer && !errors.oidcClientId) {
    if (issuer && !clientId) errors.oidcClientId = 'Enter the client ID the identity provider gave you, or remove the issuer URL'
    if (clientId && !issuer) errors.oidcIssuer = 'Enter the issuer URL of the identity provider, or remove the client ID'
  }
  if (input.oidcRequireMfa && !issuer && !errors.oidcIssuer) {
    errors.oidcIssuer = 'Multi-factor sign-in is checked by the identity provider: enter its issuer URL, or untick the box'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  const secret = input.removeOidcClientSecret ? null : newSecret ? newSecret : undefined
  return {
    values: {
      name,
      kind: input.kind as OrganisationKind,
      oidc_issuer: issuer || null,
      oidc_client_id: clientId || null,
      oidc_require_mfa: input.oidcRequireMfa,
    },
    secret,
  }
}

const duplicateName = (name: string) => invalid({ name: `An organisation called '${name}' already exists` })

async function nameTaken(db: Kysely<Database>, name: string, exceptId?: string): Promise<boolean> {
  let query = db
    .selectFrom('organisation')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
  if (exceptId) query = query.where('id', '!=', exceptId)
  return Boolean(await query.executeTakeFirst())
}

export async function listOrganisations(db: Kysely<Database>): Promise<Organisation[]> {
  const rows = await db.selectFrom('organisation').select(COLUMNS).orderBy('name').execute()
  return rows.map(toOrganisation)
}

export async function getOrganisation(db: Kysely<Database>, id: string): Promise<Organisation> {
  if (!isUuid(id)) throw notFound('Organisation')
  const row = await db.selectFrom('organisation').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Organisation')
  return toOrganisation(row)
}

/** By id, or by exact name (case-insensitive), for the CLI. */
export async function findOrganisation(db: Kysely<Database>, idOrName: string): Promise<Organisation | undefined> {
  const row = await db
    .selectFrom('organisation')
    .select(COLUMNS)
    .where((eb) =>
      isUuid(idOrName)
        ? eb.or([eb('id', '=', idOrName), eb(eb.fn('lower', ['name']), '=', idOrName.toLowerCase())])
        : eb(eb.fn('lower', ['name']), '=', idOrName.trim().toLowerCase()),
    )
    .executeTakeFirst()
  return row ? toOrganisation(row) : undefined
}

export async function createOrganisation(db: Kysely<Database>, input: OrganisationInput, now: Date): Promise<Organisation> {
  const { values, secret } = validate(input)
  if (await nameTaken(db, values.name)) throw duplicateName(values.name)
  try {
    const row = await db
      .insertInto('organisation')
      .values({ ...values, oidc_client_secret: secret ?? null, created_at: now, updated_at: now })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow()
    return toOrganisation(row)
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(values.name)
    throw error
  }
}

export interface Updated<T> {
  value: T
  changedFields: string[]
}

const FIELD_NAMES: Record<keyof CleanOrganisation, string> = {
  name: 'name',
  kind: 'kind',
  oidc_issuer: 'oidcIssuer',
  oidc_client_id: 'oidcClientId',
  oidc_require_mfa: 'oidcRequireMfa',
}

export async function updateOrganisation(
  db: Kysely<Database>,
  id: string,
  version: number,
  input: OrganisationInput,
  now: Date,
): Promise<Updated<Organisation>> {
  if (!isUuid(id)) throw notFound('Organisation')
  const current = await db.selectFrom('organisation').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!current) throw notFound('Organisation')
  const { values, secret } = validate(input)
  if (await nameTaken(db, values.name, id)) throw duplicateName(values.name)
  const changed = changedFields(current as unknown as Record<string, unknown>, values as unknown as Record<string, unknown>).map(
    (column) => FIELD_NAMES[column as keyof CleanOrganisation],
  )
  if (secret !== undefined && secret !== current.oidc_client_secret) changed.push('oidcClientSecret')
  try {
    const result = await db
      .updateTable('organisation')
      .set((eb) => ({
        ...values,
        ...(secret !== undefined ? { oidc_client_secret: secret } : {}),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', version)
      .returning(COLUMNS)
      .executeTakeFirst()
    if (!result) throw staleVersion('This organisation')
    return { value: toOrganisation(result), changedFields: changed }
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(values.name)
    throw error
  }
}
