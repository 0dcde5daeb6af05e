import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely, type Transaction } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from './audit-log.ts'
import { recordEntries } from './test-support.ts'
import { verifyAuditChain } from './verify.ts'

/** Runs work as the application's plain role; SET LOCAL reverts at the end of the transaction. */
function asApplication<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local role upstream_app`.execute(trx)
    return work(trx)
  })
}

const permissionDenied = (error: unknown) => {
  assert.equal((error as { code?: string }).code, '42501', String(error))
  return true
}
const appendOnly = /audit_event is append-only/

for (const backend of backends()) {
  describe(`the audit log is append-only on ${backend.name}`, () => {
    let database: TestDatabase
    before(async () => {
      database = await backend.create()
      await recordEntries(database.db, 3)
    })
    after(async () => {
      await database.close()
    })

    test('the application role cannot update audit entries', async () => {
      await assert.rejects(
        asApplication(database.db, (trx) => trx.updateTable('audit_event').set({ event: 'CHANGED' }).where('seq', '=', 1).execute()),
        permissionDenied,
      )
    })

    test('the application role cannot delete audit entries', async () => {
      await assert.rejects(
        asApplication(database.db, (trx) => trx.deleteFrom('audit_event').where('seq', '=', 1).execute()),
        permissionDenied,
      )
    })

    test('the application role cannot truncate the audit log', async () => {
      await assert.rejects(asApplication(database.db, (trx) => sql`truncate audit_event`.execute(trx)), permissionDenied)
    })

    test('the application role can append and read audit entries', async () => {
      const seq = await asApplication(database.db, (trx) => recordAudit(trx, { action: 'consult', event: 'VIEW_PERSON' }))
      const rows = await asApplication(database.db, (trx) => trx.selectFrom('audit_event').select('seq').orderBy('seq').execute())
      assert.equal(rows.at(-1)?.seq, seq)
    })

    test('even the superuser is refused an update by the trigger', async () => {
      await assert.rejects(database.db.updateTable('audit_event').set({ event: 'CHANGED' }).where('seq', '=', 1).execute(), appendOnly)
    })

    test('even the superuser is refused a delete by the trigger', async () => {
      await assert.rejects(database.db.deleteFrom('audit_event').where('seq', '=', 2).execute(), appendOnly)
    })

    test('even the superuser is refused a truncate by the trigger', async () => {
      await assert.rejects(sql`truncate audit_event`.execute(database.db), appendOnly)
    })

    test('after every refused attempt the chain is still whole', async () => {
      const result = await verifyAuditChain(database.db)
      assert.equal(result.ok, true, result.message)
    })
  })
}
