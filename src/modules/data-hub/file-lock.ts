import { sql, type Kysely } from 'kysely'
import { driverOf } from '../../db/connect.ts'
import type { Database } from '../../db/schema.ts'

/** Advisory lock namespace of import runs (the second key is the file's hash). */
const IMPORT_LOCK_NAMESPACE = 7301

const inThisProcess = new Set<string>()

/**
 * Runs `work` while no other import of the same file (by checksum) runs, in this process or,
 * on PostgreSQL, in any other; returns null without running it when one does. On PGlite no
 * other process can hold the data folder, so the in-process guard is the whole lock.
 */
export async function whileNoOtherImport<T>(
  db: Kysely<Database>,
  fileSha256: string,
  work: () => Promise<T>,
): Promise<T | null> {
  if (inThisProcess.has(fileSha256)) return null
  inThisProcess.add(fileSha256)
  try {
    if (driverOf(db) !== 'postgres') return await work()
    // A session lock on a reserved connection: held while the batches commit on others, and
    // released by the server if this process dies.
    return await db.connection().execute(async (connection) => {
      const key = sql`${IMPORT_LOCK_NAMESPACE}::int, hashtext(${fileSha256})`
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(
        connection,
      )
      if (!rows[0]?.locked) return null
      try {
        return await work()
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(connection)
      }
    })
  } finally {
    inThisProcess.delete(fileSha256)
  }
}
