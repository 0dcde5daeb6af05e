import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * One incident model for every source: police.uk crimes and anti-social behaviour, stop and
 * search, calls for service, A&E assault attendances and missing episodes. Each keeps the
 * month (all a police.uk file gives) and, where the source has it, the exact time and its own
 * reference. Source-specific details live in tables of their own, keyed by the incident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table incident drop constraint incident_kind_check`,
    `alter table incident add constraint incident_kind_check check (kind in
      ('crime', 'anti-social-behaviour', 'stop-and-search', 'call-for-service', 'ae-assault', 'missing-episode'))`,
    `alter table incident add column source_reference text`,
    `alter table incident add column occurred_at timestamptz`,
    `update incident set source_reference = crime_id where crime_id is not null`,
  ])
}
