import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { rm } from 'node:fs/promises'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { openPostgres } from '../../../db/connect.ts'
import { MAX_LISTED_RECORD_IDS, recordAudit, sha256 } from './audit-log.ts'
import { checkpointFileIn, writeAuditCheckpoint } from './checkpoints.ts'
import { recomputeChainFrom, recordEntries, temporaryFolder, withoutTriggers } from './test-support.ts'
import { verifyAuditChain } from './verify.ts'

const quiet = { log: () => undefined }

for (const backend of backends()) {
  describe(`audit chain verification on ${backend.name}`, () => {
    let database: TestDatabase
    let checkpointDir: string
    beforeEach(async () => {
      database = await backend.create()
      checkpointDir = await temporaryFolder()
    })
    afterEach(async () => {
      await database.close()
      await rm(checkpointDir, { recursive: true, force: true })
    })

    test('an untouched log verifies, with its checkpoints', async () => {
      await recordEntries(database.db, 12)
      await writeAuditCheckpoint(database.db, checkpointDir, 'test', quiet)
      const result = await verifyAuditChain(database.db, { checkpointFile: checkpointFileIn(checkpointDir) })
      assert.deepEqual(result, { ok: true, entries: 12, checkpoints: 1, message: 'Audit chain verified: 12 entries, 1 checkpoints' })
    })

    test('editing one field of entry k breaks the chain at entry k', async () => {
      await recordEntries(database.db, 20)
      await withoutTriggers(database.db, async (trx) => {
        await trx.updateTable('audit_event').set({ event: 'NOTHING_TO_SEE' }).where('seq', '=', 7).execute()
      })
      const result = await verifyAuditChain(database.db)
      assert.equal(result.ok, false)
      assert.equal(result.firstBrokenSeq, 7)
      assert.equal(result.problem, 'hash')
      assert.match(result.message, /^Audit chain broken at entry 7: /)
    })

    test('editing a jsonb column of entry k breaks the chain at entry k', async () => {
      await recordEntries(database.db, 10)
      await withoutTriggers(database.db, async (trx) => {
        await trx.updateTable('audit_event').set({ record_ids: JSON.stringify(['someone-else']) }).where('seq', '=', 4).execute()
      })
      const result = await verifyAuditChain(database.db)
      assert.equal(result.firstBrokenSeq, 4)
      assert.equal(result.problem, 'hash')
    })

    test('deleting an entry from the middle is reported as a gap at that entry', async () => {
      await recordEntries(database.db, 10)
      await withoutTriggers(database.db, async (trx) => {
        await trx.deleteFrom('audit_event').where('seq', '=', 5).execute()
      })
      const result = await verifyAuditChain(database.db, { pageSize: 3 })
      assert.equal(result.problem, 'gap')
      assert.equal(result.firstBrokenSeq, 5)
    })

    test('deleting the last 10 entries is reported as truncation against the checkpoint', async () => {
      await recordEntries(database.db, 30)
      await writeAuditCheckpoint(database.db, checkpointDir, 'test', quiet)
      await withoutTriggers(database.db, async (trx) => {
        await trx.deleteFrom('audit_event').where('seq', '>', 20).execute()
      })
      assert.equal((await verifyAuditChain(database.db)).ok, true, 'without checkpoints the shorter chain looks whole')
      const result = await verifyAuditChain(database.db, { checkpointFile: checkpointFileIn(checkpointDir) })
      assert.equal(result.ok, false)
      assert.equal(result.problem, 'truncated')
      assert.equal(result.firstBrokenSeq, 21)
      assert.match(result.message, /ends at entry 20 but the checkpoint .* names entry 30/)
    })

    test('a rewritten and recomputed chain passes alone but fails against the checkpoints', async () => {
      await recordEntries(database.db, 25)
      await writeAuditCheckpoint(database.db, checkpointDir, 'test', quiet)
      await withoutTriggers(database.db, async (trx) => {
        await trx.updateTable('audit_event').set({ actor_user_id: null, event: 'REWRITTEN' }).where('seq', '=', 9).execute()
        await recomputeChainFrom(trx, 9)
      })
      const alone = await verifyAuditChain(database.db)
      assert.equal(alone.ok, true, 'a recomputed chain is self-consistent: this is why checkpoints exist')
      const result = await verifyAuditChain(database.db, { checkpointFile: checkpointFileIn(checkpointDir) })
      assert.equal(result.ok, false)
      assert.equal(result.problem, 'checkpoint-mismatch')
      assert.equal(result.firstBrokenSeq, 25)
    })

    test('8 concurrent writers of 500 entries each leave one contiguous chain that verifies', async () => {
      // On PostgreSQL each writer gets its own connection, so the advisory lock is what orders them.
      const pool = backend.name === 'postgres' ? await openPostgres(database.url!, 8) : undefined
      const db = pool?.db ?? database.db
      try {
        await Promise.all(
          Array.from({ length: 8 }, async (_, writer) => {
            for (let index = 0; index < 500; index += 1) {
              await recordAudit(db, { action: 'consult', event: 'VIEW_PERSON', recordType: 'person', recordIds: [`${writer}-${index}`] })
            }
          }),
        )
      } finally {
        await pool?.close()
      }
      const { rows } = await sql<{ count: number; min: number; max: number }>`
        select count(*)::int as count, min(seq)::int as min, max(seq)::int as max from audit_event`.execute(database.db)
      assert.deepEqual(rows[0], { count: 4000, min: 1, max: 4000 })
      const result = await verifyAuditChain(database.db)
      assert.equal(result.ok, true, result.message)
      assert.equal(result.entries, 4000)
    })

    test('a bulk entry keeps the count and the SHA-256 of the sorted ids, not the ids', async () => {
      const ids = Array.from({ length: MAX_LISTED_RECORD_IDS + 25 }, (_, index) => `person-${String(1000 - index)}`)
      await recordAudit(database.db, { action: 'consult', event: 'LIST_PEOPLE', recordType: 'person', recordIds: ids })
      const row = await database.db.selectFrom('audit_event').selectAll().executeTakeFirstOrThrow()
      assert.deepEqual(row.record_ids, [])
      assert.equal(row.record_count, ids.length)
      assert.equal(row.record_ids_sha256, sha256([...ids].sort().join('\n')))
      assert.equal((await verifyAuditChain(database.db)).ok, true)
    })
  })
}
