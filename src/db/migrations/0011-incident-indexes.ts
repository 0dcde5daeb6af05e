import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Two fewer indexes on incident, each of which every imported row paid for (decision 0008):
 * - a crime's latest outcome is found by (source_kind, source_reference), which for police.uk
 *   street rows is the Crime ID, so incident_crime_id duplicated incident_source_reference;
 * - one (import_run_id, id) index serves both "the incidents of a run" and "a run's incidents
 *   a page at a time in id order", which took two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `drop index if exists incident_crime_id`,
    `drop index if exists incident_run_located`,
    `drop index if exists incident_import_run`,
    `create index incident_import_run on incident (import_run_id, id)`,
  ])
}
