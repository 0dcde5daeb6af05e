import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

/**
 * What the rules pages read besides the rules themselves: the trigger runs, and the names that
 * make ids readable (who wrote a version, what an LSOA is called). Counts and names only.
 */

export interface TriggerRunRow {
  id: number
  status: 'running' | 'completed' | 'failed'
  asOf: string
  startedBy: string | null
  startedAt: Date
  finishedAt: Date | null
  people: number
  hits: number
  referralsRaised: number
  evidenceAdded: number
  hitsByRule: Record<string, number>
  stoppedRules: { ruleKey: string; ruleVersion: number; message: string }[]
  unrouted: number
  error: string | null
}

/** The newest trigger runs, newest first (only those that finished, if asked). */
export async function recentTriggerRuns(
  db: Kysely<Database>,
  limit: number,
  options: { completedOnly?: boolean } = {},
): Promise<TriggerRunRow[]> {
  let query = db
    .selectFrom('trigger_run as r')
    .leftJoin('app_user as u', 'u.id', 'r.started_by')
    .select([
      'r.id',
      'r.status',
      'r.as_of',
      'u.display_name',
      'r.started_at',
      'r.finished_at',
      'r.people',
      'r.hits',
      'r.referrals_raised',
      'r.evidence_added',
      'r.hits_by_rule',
      'r.stopped_rules',
      'r.unrouted',
      'r.error',
    ])
  if (options.completedOnly) query = query.where('r.status', '=', 'completed')
  const rows = await query.orderBy('r.id', 'desc').limit(limit).execute()
  return rows.map((row) => ({
    id: Number(row.id),
    status: row.status,
    asOf: String(row.as_of),
    startedBy: row.display_name,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    people: row.people,
    hits: row.hits,
    referralsRaised: row.referrals_raised,
    evidenceAdded: row.evidence_added,
    hitsByRule: row.hits_by_rule,
    // The person a stopped rule was reading is left out: these pages show counts only.
    stoppedRules: row.stopped_rules.map(({ ruleKey, ruleVersion, message }) => ({
      ruleKey,
      ruleVersion,
      message,
    })),
    unrouted: row.unrouted.length,
    error: row.error,
  }))
}

/** The newest run that finished, whose hits the rules list shows. */
export async function lastCompletedRun(db: Kysely<Database>): Promise<TriggerRunRow | null> {
  return (await recentTriggerRuns(db, 1, { completedOnly: true }))[0] ?? null
}

/** Display names of users by id (unknown ids are left out). */
export async function userNames(
  db: Kysely<Database>,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'display_name'])
    .where('id', 'in', wanted)
    .execute()
  return new Map(rows.map((row) => [row.id, row.display_name]))
}

/** Names of LSOAs from the loaded geography, by code (codes without a loaded area are left out). */
export async function lsoaNames(
  db: Kysely<Database>,
  codes: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((code): code is string => code !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db
    .selectFrom('area')
    .select(['code', 'name'])
    .where('level', '=', 'lsoa')
    .where('code', 'in', wanted)
    .execute()
  return new Map(rows.map((row) => [row.code, row.name]))
}
