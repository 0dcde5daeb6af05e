import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/**
 * Placeholder, filled in by the geography work: after an import run completes, creates the
 * areas its rows name (LSOAs, their local authorities, forces) and assigns its incidents to
 * the areas holding them. Idempotent: a resumed or repeated call adds nothing new.
 */
export async function assignAreasForRun(_db: Kysely<Database>, _runId: number): Promise<void> {}
