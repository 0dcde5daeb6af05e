import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { withDatabase } from '../../../cli/context.ts'
import { runCliCapturing } from '../../../../test/cli-runner.ts'
import type { Database } from '../../../db/schema.ts'
import { recordEntries, temporaryFolder, withoutTriggers } from './test-support.ts'

const ENV_NAMES = ['DATABASE_URL', 'UPSTREAM_DATA_DIR', 'UPSTREAM_AUDIT_CHECKPOINT_DIR'] as const

const run = runCliCapturing

for (const backend of backends()) {
  describe(`upstream audit on ${backend.name}`, () => {
    const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]))
    let folder: string
    let database: TestDatabase | undefined
    /** Works on the database the CLI will open: the test server's database, or the PGlite data folder. */
    let onDatabase: (work: (db: Kysely<Database>) => Promise<void>) => Promise<void>

    beforeEach(async () => {
      folder = await temporaryFolder('upstream-audit-cli-')
      process.env.UPSTREAM_AUDIT_CHECKPOINT_DIR = path.join(folder, 'checkpoints')
      if (backend.name === 'postgres') {
        database = await backend.create()
        process.env.DATABASE_URL = database.url
        onDatabase = (work) => work(database!.db)
      } else {
        delete process.env.DATABASE_URL
        process.env.UPSTREAM_DATA_DIR = path.join(folder, 'data')
        onDatabase = (work) => withDatabase('audit test', (handle) => work(handle.db))
      }
      await onDatabase((db) => recordEntries(db, 6))
    })
    afterEach(async () => {
      await database?.close()
      database = undefined
      for (const name of ENV_NAMES) {
        if (savedEnv[name] === undefined) delete process.env[name]
        else process.env[name] = savedEnv[name]
      }
      await rm(folder, { recursive: true, force: true })
    })

    test('audit verify exits 0 on an untouched log, counting its checkpoints', async () => {
      const checkpoint = await run('audit', 'checkpoint')
      assert.equal(checkpoint.code, 0, checkpoint.stderr)
      assert.match(checkpoint.stdout, /^Wrote checkpoint of entry 6 /)
      const verify = await run('audit', 'verify')
      assert.equal(verify.code, 0, verify.stderr)
      assert.equal(verify.stdout, 'Audit chain verified: 6 entries, 1 checkpoints')
    })

    test('audit verify exits 2 and names the entry on a tampered log', async () => {
      await onDatabase((db) =>
        withoutTriggers(db, async (trx) => {
          await trx.updateTable('audit_event').set({ outcome: 'denied' }).where('seq', '=', 4).execute()
        }),
      )
      const verify = await run('audit', 'verify')
      assert.equal(verify.code, 2)
      assert.match(verify.stderr, /^upstream: Audit chain broken at entry 4: /)
    })

    test('audit verify --json prints the result for scripts', async () => {
      const verify = await run('audit', 'verify', '--json')
      assert.equal(verify.code, 0, verify.stderr)
      assert.deepEqual(JSON.parse(verify.stdout), {
        ok: true,
        entries: 6,
        checkpoints: 0,
        message: 'Audit chain verified: 6 entries, 0 checkpoints',
      })
    })

    test('audit verify reports truncation against checkpoints in the folder given', async () => {
      assert.equal((await run('audit', 'checkpoint')).code, 0)
      await onDatabase((db) => withoutTriggers(db, async (trx) => void (await trx.deleteFrom('audit_event').where('seq', '>', 3).execute())))
      const verify = await run('audit', 'verify', '--checkpoints', path.join(folder, 'checkpoints'))
      assert.equal(verify.code, 2)
      assert.match(verify.stderr, /^upstream: Audit chain broken at entry 4: the log ends at entry 3/)
    })

    test('audit verify on a database that was never migrated says so', async () => {
      process.env.UPSTREAM_DATA_DIR = path.join(folder, 'empty-data')
      if (backend.name === 'postgres') {
        await onDatabase((db) => sql`drop table audit_event`.execute(db).then(() => undefined))
      } else {
        delete process.env.DATABASE_URL
      }
      const verify = await run('audit', 'verify')
      assert.equal(verify.code, 1)
      assert.match(verify.stderr, /has no audit log yet: run upstream db migrate first/)
    })

    test('audit verify with a checkpoint folder that has no file fails with a clear message', async () => {
      const verify = await run('audit', 'verify', '--checkpoints', path.join(folder, 'nowhere'))
      assert.equal(verify.code, 1)
      assert.match(verify.stderr, /There is no checkpoint file at .*nowhere\/audit-checkpoints\.jsonl/)
    })
  })
}
