import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound, staleVersion } from '../../../errors.ts'
import { changedFields, checkText, isUniqueViolation, isUuid, type FieldErrors } from './validation.ts'
import { inTransaction } from '../../../db/in-transaction.ts'

export const TEAM_KIND_LABELS = {
  neighbourhood_team: 'Neighbourhood team',
  problem_solving_hub: 'Problem-solving hub',
  safeguarding_team: 'Safeguarding team',
  other: 'Other',
} as const
export type TeamKind = keyof typeof TEAM_KIND_LABELS
const isTeamKind = (value: unknown): value is TeamKind => typeof value === 'string' && Object.hasOwn(TEAM_KIND_LABELS, value)

export interface Team {
  id: string
  name: string
  kind: TeamKind
  kindLabel: string
  organisationId: string
  organisationName: string
  memberIds: string[]
  version: number
}

export interface TeamInput {
  name: string
  kind: string
  organisationId: string
  memberIds: string[]
}

export const emptyTeamInput = (): TeamInput => ({ name: '', kind: '', organisationId: '', memberIds: [] })

async function validate(db: Kysely<Database>, input: TeamInput) {
  const errors: FieldErrors = {}
  const name = checkText(errors, 'name', input.name, { label: 'Name', required: true, max: 200 })
  if (!isTeamKind(input.kind)) errors.kind = 'Select the kind of team'
  const organisation = isUuid(input.organisationId)
    ? await db.selectFrom('organisation').select('id').where('id', '=', input.organisationId).executeTakeFirst()
    : undefined
  if (!organisation) errors.organisationId = 'Select the organisation the team belongs to'
  const memberIds = [...new Set(input.memberIds)].sort()
  if (memberIds.some((id) => !isUuid(id))) errors.memberIds = 'Select members from the list'
  else if (memberIds.length) {
    const found = await db.selectFrom('app_user').select('id').where('id', 'in', memberIds).execute()
    if (found.length !== memberIds.length) errors.memberIds = 'Select members from the list'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return { name, kind: input.kind as TeamKind, organisation_id: input.organisationId, memberIds }
}

const duplicateName = (name: string) => invalid({ name: `This organisation already has a team called '${name}'` })

async function nameTaken(db: Kysely<Database>, organisationId: string, name: string, exceptId?: string) {
  let query = db.selectFrom('team').select('id').where('organisation_id', '=', organisationId).where('name', '=', name)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return Boolean(await query.executeTakeFirst())
}

export async function listTeams(db: Kysely<Database>, onlyId?: string): Promise<Team[]> {
  let query = db
    .selectFrom('team as t')
    .innerJoin('organisation as o', 'o.id', 't.organisation_id')
    .select(['t.id', 't.name', 't.kind', 't.organisation_id', 'o.name as organisation_name', 't.version'])
    .orderBy('o.name')
    .orderBy('t.name')
  if (onlyId) query = query.where('t.id', '=', onlyId)
  const rows = await query.execute()
  let membershipQuery = db.selectFrom('team_membership').select(['team_id', 'user_id'])
  if (onlyId) membershipQuery = membershipQuery.where('team_id', '=', onlyId)
  const memberships = await membershipQuery.execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: isTeamKind(row.kind) ? row.kind : 'other',
    kindLabel: TEAM_KIND_LABELS[isTeamKind(row.kind) ? row.kind : 'other'],
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    memberIds: memberships.filter((m) => m.team_id === row.id).map((m) => m.user_id).sort(),
    version: row.version,
  }))
}

export async function getTeam(db: Kysely<Database>, id: string): Promise<Team> {
  if (!isUuid(id)) throw notFound('Team')
  const [team] = await listTeams(db, id)
  if (!team) throw notFound('Team')
  return team
}

export async function createTeam(db: Kysely<Database>, input: TeamInput): Promise<Team> {
  const { memberIds, ...values } = await validate(db, input)
  if (await nameTaken(db, values.organisation_id, values.name)) throw duplicateName(values.name)
  try {
    const id = await inTransaction(db, async (trx) => {
      const row = await trx.insertInto('team').values(values).returning('id').executeTakeFirstOrThrow()
      if (memberIds.length) await trx.insertInto('team_membership').values(memberIds.map((user_id) => ({ team_id: row.id, user_id }))).execute()
      return row.id
    })
    return getTeam(db, id)
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(values.name)
    throw error
  }
}

export async function updateTeam(
  db: Kysely<Database>,
  id: string,
  version: number,
  input: TeamInput,
): Promise<{ value: Team; changedFields: string[] }> {
  const current = await getTeam(db, id)
  const { memberIds, ...values } = await validate(db, input)
  if (await nameTaken(db, values.organisation_id, values.name, id)) throw duplicateName(values.name)
  const changed = changedFields(
    { name: current.name, kind: current.kind, organisationId: current.organisationId, memberIds: current.memberIds },
    { name: values.name, kind: values.kind, organisationId: values.organisation_id, memberIds },
  )
  try {
    await inTransaction(db, async (trx) => {
      const updated = await trx
        .updateTable('team')
        .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This team')
      await trx.deleteFrom('team_membership').where('team_id', '=', id).execute()
      if (memberIds.length) await trx.insertInto('team_membership').values(memberIds.map((user_id) => ({ team_id: id, user_id }))).execute()
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(values.name)
    throw error
  }
  return { value: await getTeam(db, id), changedFields: changed }
}
