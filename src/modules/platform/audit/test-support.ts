import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { chainHash, recordAudit } from './audit-log.ts'
import { readEntriesAfter } from './queries.ts'

/** Helpers for the audit tests: write entries, and tamper with them the way an intruder with superuser rights could. */

export async function recordEntries(db: Kysely<Database>, count: number, event = 'VIEW_PERSON'): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await recordAudit(db, {
      action: 'consult',
      event,
      recordType: 'person',
      recordIds: [`person-${index}`],
      details: { index, note: 'a test entry' },
      occurredAt: new Date(Date.UTC(2026, 0, 15, 9, 0, index)),
    })
  }
}

/** Runs work as the superuser with triggers skipped, which is what it takes to change the log. */
export async function withoutTriggers(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await work(trx)
  })
}

/** Rewrites every hash from `fromSeq` on so that the chain is consistent again. */
export async function recomputeChainFrom(trx: Kysely<Database>, fromSeq: number): Promise<void> {
  const entries = await readEntriesAfter(trx, fromSeq - 1, 1_000_000)
  let prevHash = (await trx.selectFrom('audit_event').select('hash').where('seq', '=', fromSeq - 1).executeTakeFirst())?.hash
  for (const { prev_hash: _prev, hash: _hash, ...fields } of entries) {
    const prev = prevHash ?? _prev
    const hash = chainHash(prev, fields)
    await trx.updateTable('audit_event').set({ prev_hash: prev, hash }).where('seq', '=', fields.seq).execute()
    prevHash = hash
  }
}

export const temporaryFolder = (prefix = 'upstream-audit-') => mkdtemp(path.join(tmpdir(), prefix))
