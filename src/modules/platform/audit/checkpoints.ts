import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/** Appends the chain head (seq, hash, time) to the checkpoint file outside the database. */
export async function writeAuditCheckpoint(_db: Kysely<Database>, _dir: string, _reason: string): Promise<void> {
  // Written by the audit work (issue 2, B3).
}
