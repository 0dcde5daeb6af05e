import { randomInt } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid, notFound, staleVersion } from '../../../errors.ts'
import { endSessionsOfUser } from '../auth/sessions.ts'
import { hashPassword } from '../auth/passwords.ts'
import { isRole, ROLE_LABELS, type Role } from '../roles.ts'
import { changedFields, checkEmail, checkText, isUniqueViolation, isUuid, type FieldErrors } from './validation.ts'
import { inTransaction } from '../../../db/in-transaction.ts'

export interface User {
  id: string
  email: string
  displayName: string
  role: Role
  roleLabel: string
  organisationId: string
  organisationName: string
  teamIds: string[]
  disabled: boolean
  signsInWith: 'password' | 'oidc'
  lastSignInAt: Date | null
  openSessions: number
  version: number
}

export interface UserInput {
  email: string
  displayName: string
  role: string
  organisationId: string
  teamIds: string[]
}

export const emptyUserInput = (): UserInput => ({ email: '', displayName: '', role: '', organisationId: '', teamIds: [] })

export const USERS_PER_PAGE = 25

// No 0/O or 1/l/I: the password is read from a screen and typed or passed on by hand.
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Four groups of five: 23 characters, about 116 bits. */
export function generateInitialPassword(): string {
  const group = () => Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('')
  return [group(), group(), group(), group()].join('-')
}

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.role',
      'u.organisation_id',
      'o.name as organisation_name',
      'u.disabled',
      'u.password_hash',
      'u.oidc_subject',
      'u.last_sign_in_at',
      'u.version',
    ])
}

type UserRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>

async function toUsers(db: Kysely<Database>, rows: UserRow[], now?: Date): Promise<User[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const memberships = await db.selectFrom('team_membership').select(['team_id', 'user_id']).where('user_id', 'in', ids).execute()
  const sessions = now
    ? await db
        .selectFrom('user_session')
        .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('user_id', 'in', ids)
        .where('ended_at', 'is', null)
        .where('absolute_expires_at', '>', now)
        .groupBy('user_id')
        .execute()
    : []
  return rows.map((row) => {
    const role = isRole(row.role) ? row.role : 'officer'
    return {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role,
      roleLabel: isRole(row.role) ? ROLE_LABELS[role] : row.role,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      teamIds: memberships.filter((m) => m.user_id === row.id).map((m) => m.team_id).sort(),
      disabled: row.disabled,
      signsInWith: row.oidc_subject && !row.password_hash ? 'oidc' : 'password',
      lastSignInAt: row.last_sign_in_at,
      openSessions: Number(sessions.find((s) => s.user_id === row.id)?.n ?? 0),
      version: row.version,
    }
  })
}

export interface UserFilters {
  organisationId?: string
  role?: Role
  search?: string
  disabled?: boolean
}

export interface UserPage {
  users: User[]
  total: number
  page: number
  pageCount: number
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export async function listUsers(db: Kysely<Database>, filters: UserFilters = {}, page = 1): Promise<UserPage> {
  let query = baseQuery(db)
  if (filters.organisationId && isUuid(filters.organisationId)) query = query.where('u.organisation_id', '=', filters.organisationId)
  if (filters.role) query = query.where('u.role', '=', filters.role)
  if (filters.disabled !== undefined) query = query.where('u.disabled', '=', filters.disabled)
  // PostgreSQL text cannot hold NUL, and no name or email holds a control character: drop them from the search.
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const search = filters.search?.replace(/[\u0000-\u001F\u007F]/g, '').trim()
  if (search) {
    const pattern = likePattern(search)
    query = query.where((eb) => eb.or([eb('u.display_name', 'ilike', pattern), eb('u.email', 'ilike', pattern)]))
  }
  const counted = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const total = Number(counted.n)
  const pageCount = Math.max(1, Math.ceil(total / USERS_PER_PAGE))
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount)
  const rows = await query
    .orderBy(sql`lower(u.display_name)`)
    .orderBy('u.id')
    .limit(USERS_PER_PAGE)
    .offset((current - 1) * USERS_PER_PAGE)
    .execute()
  return { users: await toUsers(db, rows), total, page: current, pageCount }
}

export async function getUser(db: Kysely<Database>, id: string, now?: Date): Promise<User> {
  if (!isUuid(id)) throw notFound('User')
  const row = await baseQuery(db).where('u.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('User')
  return (await toUsers(db, [row], now))[0]!
}

/** Every user, for the team form's member list. */
export async function listUserChoices(db: Kysely<Database>) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.display_name', 'u.email', 'o.name as organisation_name', 'u.disabled'])
    .orderBy(sql`lower(u.display_name)`)
    .execute()
}

interface CleanUser {
  display_name: string
  role: Role
  organisation_id: string
  teamIds: string[]
}

async function validateCommon(db: Kysely<Database>, input: Omit<UserInput, 'email'>, errors: FieldErrors): Promise<CleanUser> {
  const displayName = checkText(errors, 'displayName', input.displayName, { label: 'Full name', required: true, max: 200 })
  if (!isRole(input.role)) errors.role = 'Select a role'
  const organisation = isUuid(input.organisationId)
    ? await db.selectFrom('organisation').select('id').where('id', '=', input.organisationId).executeTakeFirst()
    : undefined
  if (!organisation) errors.organisationId = 'Select the organisation the user works for'
  const teamIds = [...new Set(input.teamIds)].sort()
  if (teamIds.some((id) => !isUuid(id))) errors.teamIds = 'Select teams from the list'
  else if (teamIds.length) {
    const found = await db.selectFrom('team').select('id').where('id', 'in', teamIds).execute()
    if (found.length !== teamIds.length) errors.teamIds = 'Select teams from the list'
  }
  return { display_name: displayName, role: input.role as Role, organisation_id: input.organisationId, teamIds }
}

const duplicateEmail = () => invalid({ email: 'A user with this email address already exists' })

export interface CreatedUser {
  user: User
  /** Shown once to the administrator; only its hash is kept. Absent when the caller chose the password. */
  initialPassword?: string
}

export async function createUser(
  db: Kysely<Database>,
  input: UserInput,
  now: Date,
  options: { password?: string } = {},
): Promise<CreatedUser> {
  const errors: FieldErrors = {}
  const email = checkEmail(errors, 'email', input.email)
  const values = await validateCommon(db, input, errors)
  if (!errors.email) {
    const existing = await db
      .selectFrom('app_user')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
      .executeTakeFirst()
    if (existing) errors.email = 'A user with this email address already exists'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  const initialPassword = options.password === undefined ? generateInitialPassword() : undefined
  const passwordHash = await hashPassword(options.password ?? initialPassword!)
  const { teamIds, ...columns } = values
  try {
    const id = await inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto('app_user')
        .values({
          ...columns,
          email,
          password_hash: passwordHash,
          oidc_issuer: null,
          oidc_subject: null,
          created_at: now,
          updated_at: now,
          // An initial password is the administrator's, not the user's: they should change it.
          password_changed_at: initialPassword ? null : now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (teamIds.length) await trx.insertInto('team_membership').values(teamIds.map((team_id) => ({ team_id, user_id: row.id }))).execute()
      return row.id
    })
    return { user: await getUser(db, id), initialPassword }
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateEmail()
    throw error
  }
}

export type UserChanges = Omit<UserInput, 'email'>

export async function updateUser(
  db: Kysely<Database>,
  id: string,
  version: number,
  input: UserChanges,
  now: Date,
  actorUserId?: string,
): Promise<{ value: User; changedFields: string[] }> {
  const current = await getUser(db, id)
  const errors: FieldErrors = {}
  const { teamIds, ...columns } = await validateCommon(db, input, errors)
  if (!errors.role && actorUserId === id && current.role === 'administrator' && columns.role !== 'administrator') {
    errors.role = 'You cannot take the administrator role away from yourself: ask another administrator'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  const changed = changedFields(
    { displayName: current.displayName, role: current.role, organisationId: current.organisationId, teamIds: current.teamIds },
    { displayName: columns.display_name, role: columns.role, organisationId: columns.organisation_id, teamIds },
  )
  await inTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('app_user')
      .set((eb) => ({ ...columns, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This user')
    await trx.deleteFrom('team_membership').where('user_id', '=', id).execute()
    if (teamIds.length) await trx.insertInto('team_membership').values(teamIds.map((team_id) => ({ team_id, user_id: id }))).execute()
  })
  return { value: await getUser(db, id), changedFields: changed }
}

/** Disabling ends every session of the user at once; enabling lets them sign in again. */
export async function setUserDisabled(
  db: Kysely<Database>,
  clock: Clock,
  id: string,
  version: number,
  disabled: boolean,
  actorUserId?: string,
): Promise<{ user: User; endedSessions: number }> {
  const current = await getUser(db, id)
  if (disabled && actorUserId === id) throw new DomainError('invalid', 'You cannot disable your own account: ask another administrator')
  const updated = await db
    .updateTable('app_user')
    .set((eb) => ({ disabled, updated_at: clock.now(), version: eb('version', '+', 1) }))
    .where('id', '=', current.id)
    .where('version', '=', version)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This user')
  const endedSessions = disabled ? await endSessionsOfUser(db, clock, id, 'account disabled') : 0
  return { user: await getUser(db, id), endedSessions }
}

export async function endAllSessionsOfUser(db: Kysely<Database>, clock: Clock, id: string): Promise<number> {
  const user = await getUser(db, id)
  return endSessionsOfUser(db, clock, user.id, 'ended by an administrator')
}

/** A new one-time initial password; the old one stops working and every session ends. */
export async function resetPassword(
  db: Kysely<Database>,
  clock: Clock,
  id: string,
  version: number,
): Promise<{ user: User; initialPassword: string; endedSessions: number }> {
  const current = await getUser(db, id)
  if (current.signsInWith === 'oidc') {
    throw new DomainError('invalid', `${current.displayName} signs in with their organisation's identity provider, which keeps their password`)
  }
  const initialPassword = generateInitialPassword()
  const passwordHash = await hashPassword(initialPassword)
  const updated = await db
    .updateTable('app_user')
    .set((eb) => ({ password_hash: passwordHash, password_changed_at: null, updated_at: clock.now(), version: eb('version', '+', 1) }))
    .where('id', '=', current.id)
    .where('version', '=', version)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This user')
  const endedSessions = await endSessionsOfUser(db, clock, id, 'password reset by an administrator')
  return { user: await getUser(db, id), initialPassword, endedSessions }
}
