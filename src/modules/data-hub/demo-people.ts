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

/** Imports the demo people after the incidents they are involved in, then links what is still unlinked. */
export async function loadDemoPeople(db: Kysely<Database>, clock: Clock): Promise<string> {
  const run = await importFile(db, peopleInvolvementsFormatOn(clock), { file: DEMO_PEOPLE_FILE, clock })
  const { unresolved } = await resolveInvolvements(db, { occurredAt: clock.now() })
  const involvements =
    run.status === 'already-imported' ? 'no new involvements' : `${run.rowsInserted} involvements`
  return `${involvements} of fictional people from the demo people extract (${unresolved} not linked to an incident)`
}
