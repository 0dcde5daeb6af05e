import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely'
import { migrations } from './migrations/index.ts'

export class MigrationError extends Error {
  override name = 'MigrationError'
}

// Any fixed number: the session-level advisory lock that serialises migrators across processes.
const MIGRATION_LOCK = 738_201_601

/**
 * Brings the schema to the latest version. Safe to run twice and from two processes at
 * once: the whole run holds one advisory lock on one connection, and each migration runs
 * in its own transaction.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator is schema-agnostic
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(connection)
    try {
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: async () => migrations },
      })
      const { error, results = [] } = await migrator.migrateToLatest()
      if (error) {
        const failed = results.find((result) => result.status === 'Error')
        throw new MigrationError(
          `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`,
        )
      }
      return results
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(connection)
    }
  })
}
