import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/** Placeholder, filled in by the work it is named after. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [])
}
