import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { peopleInvolvementsFormatOn } from './formats/people-involvements.ts'
import { importFile } from './import-run.ts'
import { resolveInvolvements } from './people/resolve-involvements.ts'

/** Fictional people involved in the demo's real crimes and generated missing episodes (scripts/generate-demo-people.ts). */
export const DEMO_PEOPLE_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../samples/partner/people-involvements.csv',
)

/**
 * The same kind of extract from two fictional partners (the council's children's services and
 * housing, the emergency department), re-recording some of the force's people, so the demo has
 * records to link. Their involvements are in calls and A&E attendances, so they load after those.
 */
export const DEMO_PARTNER_PEOPLE_FILES = ['people-council.csv', 'people-ed.csv'].map((file) =>
  path.join(path.dirname(DEMO_PEOPLE_FILE), file),
)

/** Imports the demo people after the incidents they are involved in, then links what is still unlinked. */
export async function loadDemoPeople(db: Kysely<Database>, clock: Clock): Promise<string> {
  const run = await importFile(db, peopleInvolvementsFormatOn(clock), { file: DEMO_PEOPLE_FILE, clock })
  const { unresolved } = await resolveInvolvements(db, { occurredAt: clock.now() })
  const involvements =
    run.status === 'already-imported' ? 'no new involvements' : `${run.rowsInserted} involvements`
  return `${involvements} of fictional people from the demo people extract (${unresolved} not linked to an incident)`
}

/** Imports the partners' people extracts after the calls and A&E attendances, then links what is still unlinked. */
export async function loadDemoPartnerPeople(db: Kysely<Database>, clock: Clock): Promise<string> {
  let inserted = 0
  for (const file of DEMO_PARTNER_PEOPLE_FILES) {
    const run = await importFile(db, peopleInvolvementsFormatOn(clock), { file, clock })
    if (run.status !== 'already-imported') inserted += run.rowsInserted
  }
  const { unresolved } = await resolveInvolvements(db, { occurredAt: clock.now() })
  return `${inserted} involvements of fictional people from the council's and the emergency department's extracts (${unresolved} not linked to an incident)`
}
