import { sql, type Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { runTriggers } from '../triggers/trigger-run.ts'
import { runLinkage } from './link-run.ts'

/**
 * After the demo's data is imported: link its person records into people, give the demo's
 * neighbourhood team the areas of the demo's incidents, and run the shipped trigger rules as of
 * the end of the latest month of data, so the inbox and person pages have something to show.
 */
export async function loadDemoLinkageAndTriggers(db: Kysely<Database>, clock: Clock): Promise<string> {
  const linkage = await runLinkage(db, { clock })
  const team = await db
    .selectFrom('team')
    .select('id')
    .where('kind', '=', 'neighbourhood_team')
    .orderBy('name')
    .executeTakeFirst()
  if (team) {
    await sql`insert into team_area (team_id, area_code)
      select distinct ${team.id}::uuid, lsoa_code from incident where lsoa_code is not null
      on conflict do nothing`.execute(db)
  }
  const latest = await db
    .selectFrom('incident')
    .select(
      sql<string | null>`to_char(max(month) + interval '1 month' - interval '1 day', 'YYYY-MM-DD')`.as('day'),
    )
    .executeTakeFirstOrThrow()
  const triggers = latest.day ? await runTriggers(db, { asOf: latest.day, clock }) : null
  const raised = triggers
    ? `, and the trigger rules raised ${triggers.referralsRaised} referrals as of ${triggers.asOf}`
    : ''
  return `${linkage.records} person records linked into ${linkage.identities} people (${linkage.reviewPairs} pairs to review)${raised}`
}
