import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { OPEN_STATUSES } from './workflow.ts'

/**
 * Routing a referral raised by a trigger to the neighbourhood team of the person's address:
 * the teams that cover the area, least loaded first. Load is the open caseload against the
 * team's capacity; a team without a capacity setting is treated as having room for
 * DEFAULT_CAPACITY. A full team still receives work if every covering team is full: a
 * referral is never dropped for want of room, it is marked as routed over capacity.
 */
export const DEFAULT_CAPACITY = 25

export interface TeamLoad {
  teamId: string
  organisationId: string
  name: string
  openCaseload: number
  capacity: number
}

export interface RoutingChoice {
  team: TeamLoad
  overCapacity: boolean
}

/** Pure: the team with the lowest share of its capacity in use; ties go to the smaller caseload, then the name. */
export function chooseTeam(candidates: readonly TeamLoad[]): RoutingChoice | null {
  if (candidates.length === 0) return null
  const sorted = [...candidates].sort(
    (a, b) =>
      a.openCaseload / a.capacity - b.openCaseload / b.capacity ||
      a.openCaseload - b.openCaseload ||
      a.name.localeCompare(b.name) ||
      a.teamId.localeCompare(b.teamId),
  )
  const team = sorted[0]!
  return { team, overCapacity: team.openCaseload >= team.capacity }
}

export async function teamLoads(
  db: Kysely<Database>,
  where: { areaCode?: string; teamId?: string },
): Promise<TeamLoad[]> {
  let query = db
    .selectFrom('team')
    .leftJoin('referral_team_setting as setting', 'setting.team_id', 'team.id')
    .select((eb) => [
      'team.id as teamId',
      'team.organisation_id as organisationId',
      'team.name',
      'setting.capacity',
      eb
        .selectFrom('referral')
        .select((inner) => inner.fn.countAll<string>().as('n'))
        .whereRef('referral.to_team_id', '=', 'team.id')
        .where('referral.status', 'in', OPEN_STATUSES)
        .as('openCaseload'),
    ])
  if (where.teamId) query = query.where('team.id', '=', where.teamId)
  if (where.areaCode) {
    const areaCode = where.areaCode
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('team_area')
          .select('team_area.team_id')
          .whereRef('team_area.team_id', '=', 'team.id')
          .where('team_area.area_code', '=', areaCode),
      ),
    )
  }
  const rows = await query.execute()
  return rows.map((row) => ({
    teamId: row.teamId,
    organisationId: row.organisationId,
    name: row.name,
    openCaseload: Number(row.openCaseload ?? 0),
    capacity: row.capacity ?? DEFAULT_CAPACITY,
  }))
}

/** The team a trigger's referral goes to: the one named, or the least loaded team covering the area. */
export async function routeReferral(
  db: Kysely<Database>,
  target: { routeToTeamId?: string; homeLsoaCode?: string },
): Promise<RoutingChoice | null> {
  if (target.routeToTeamId) return chooseTeam(await teamLoads(db, { teamId: target.routeToTeamId }))
  if (target.homeLsoaCode) return chooseTeam(await teamLoads(db, { areaCode: target.homeLsoaCode }))
  return null
}
