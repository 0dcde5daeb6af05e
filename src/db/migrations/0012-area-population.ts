import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * The residents of an area (e.g. an ONS mid-year estimate per LSOA) and where the figure came from,
 * for rates per 1,000 residents. Null until a population file is loaded (`upstream areas population`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table area add column population integer check (population >= 0)`,
    `alter table area add column population_source text`,
  ])
}
