import assert from 'node:assert/strict'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { openPostgres } from '../../db/connect.ts'
import { fileDigest, importPoliceUkStreetFile } from './import-run.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../samples/police-uk/2023-04-city-of-london-street.csv',
)

const incidentCount = async (database: TestDatabase) =>
  (await sql<{ n: number }>`select count(*)::int as n from incident`.execute(database.db)).rows[0]!.n

for (const backend of backends()) {
  describe(`one import of a file at a time on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock()

    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('two imports of the same file started together: one runs, the other is told it is busy and does nothing', async () => {
      const [first, second] = await Promise.all([
        importPoliceUkStreetFile(database.db, { file: APRIL, clock, batchSize: 100 }),
        importPoliceUkStreetFile(database.db, { file: APRIL, clock, batchSize: 100 }),
      ])
      assert.deepEqual([first.status, second.status].sort(), ['busy', 'completed'])
      const busy = first.status === 'busy' ? first : second
      assert.match(busy.message ?? '', /Another import of 2023-04-city-of-london-street\.csv is running/)
      assert.equal(busy.rowsInserted, 0)
      assert.equal(await incidentCount(database), 738)
      const runs = await database.db.selectFrom('import_run').select('status').execute()
      assert.deepEqual(runs, [{ status: 'completed' }])
    })

    test('once the first import is over, the same file can be imported again (and is already imported)', async () => {
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
      const again = await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
      assert.equal(again.status, 'already-imported')
    })

    if (backend.name === 'postgres') {
      test('an import of the file held by another process (its advisory lock) is refused and writes nothing', async () => {
        const other = await openPostgres(database.url!, 2)
        try {
          const { sha256 } = await fileDigest(APRIL)
          await other.db.connection().execute(async (connection) => {
            await sql`select pg_advisory_lock(7301, hashtext(${sha256}))`.execute(connection)
            const result = await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
            assert.equal(result.status, 'busy')
            assert.equal(await incidentCount(database), 0)
            assert.equal((await database.db.selectFrom('import_run').selectAll().execute()).length, 0)
            await sql`select pg_advisory_unlock(7301, hashtext(${sha256}))`.execute(connection)
          })
          const after = await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
          assert.equal(after.status, 'completed')
          assert.equal(await incidentCount(database), 738)
        } finally {
          await other.close()
        }
      })
    }
  })
}
