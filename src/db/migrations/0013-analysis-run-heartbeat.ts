import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * A heartbeat on each analysis run: the process running it writes the database's now() every few
 * seconds, so a run whose process died (a restart, a crash) can be told from one still working and
 * be marked failed instead of showing "running" for ever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table analysis_run add column heartbeat_at timestamptz`,
    // Runs left queued or running before this migration get one heartbeat now: if no process
    // beats for them within the stale limit, they are marked failed like any other stopped run.
    `update analysis_run set heartbeat_at = now() where status in ('queued', 'running')`,
    // Finding stale runs reads only the unfinished ones.
    `create index analysis_run_unfinished on analysis_run (heartbeat_at) where status in ('queued', 'running')`,
  ])
}
