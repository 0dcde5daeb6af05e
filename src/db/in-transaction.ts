import type { Kysely, Transaction } from 'kysely'

/**
 * Runs work in a transaction: the caller's, when it passes one, or a new one. Lets a
 * domain function and the audit entry of the same change commit together.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<DB>)
  return db.transaction().execute(work)
}
