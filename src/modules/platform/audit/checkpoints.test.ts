import assert from 'node:assert/strict'
import { appendFile, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import { checkpointFileIn, checkpointIfDue, readCheckpoints, writeAuditCheckpoint } from './checkpoints.ts'
import { readChainHead } from './queries.ts'
import { recordEntries, temporaryFolder } from './test-support.ts'

for (const backend of backends()) {
  describe(`audit checkpoints on ${backend.name}`, () => {
    let database: TestDatabase
    let dir: string
    const logged: string[] = []
    const options = { log: (line: string) => void logged.push(line), now: () => new Date('2026-01-15T10:00:00.000Z') }
    beforeEach(async () => {
      database = await backend.create()
      // A folder that does not exist yet: the first checkpoint creates it.
      dir = path.join(await temporaryFolder(), 'checkpoints')
      logged.length = 0
    })
    afterEach(async () => {
      await database.close()
      await rm(path.dirname(dir), { recursive: true, force: true })
    })

    test('a checkpoint appends the committed head as one JSON line and logs one line for syslog', async () => {
      await recordEntries(database.db, 3)
      const head = await readChainHead(database.db)
      const written = await writeAuditCheckpoint(database.db, dir, 'shutdown', options)
      const expected = { seq: 3, hash: head!.hash, at: '2026-01-15T10:00:00.000Z', reason: 'shutdown' }
      assert.deepEqual(written, expected)
      assert.equal(await readFile(checkpointFileIn(dir), 'utf8'), `${JSON.stringify(expected)}\n`)
      assert.deepEqual(logged, [`upstream audit checkpoint seq=3 hash=${head!.hash} at=2026-01-15T10:00:00.000Z reason=shutdown`])
    })

    test('no line is written when the head has not moved since the last checkpoint', async () => {
      await recordEntries(database.db, 2)
      await writeAuditCheckpoint(database.db, dir, 'periodic', options)
      assert.equal(await writeAuditCheckpoint(database.db, dir, 'periodic', options), null)
      await recordEntries(database.db, 1)
      await writeAuditCheckpoint(database.db, dir, 'periodic', options)
      assert.deepEqual((await readCheckpoints(checkpointFileIn(dir))).map((c) => c.seq), [2, 3])
    })

    test('an empty log writes no checkpoint', async () => {
      assert.equal(await writeAuditCheckpoint(database.db, dir, 'shutdown', options), null)
      await assert.rejects(readCheckpoints(checkpointFileIn(dir)), /There is no checkpoint file/)
    })

    test('a checkpoint refuses to run inside a transaction, where it could name uncommitted entries', async () => {
      await recordEntries(database.db, 1)
      await assert.rejects(
        database.db.transaction().execute((trx) => writeAuditCheckpoint(trx, dir, 'periodic', options)),
        /must name committed entries/,
      )
    })

    test('a line torn by a crash does not swallow the next checkpoint', async () => {
      await recordEntries(database.db, 1)
      await writeAuditCheckpoint(database.db, dir, 'periodic', options)
      await appendFile(checkpointFileIn(dir), '{"seq":2,"ha')
      await recordEntries(database.db, 1)
      await writeAuditCheckpoint(database.db, dir, 'periodic', options)
      const lines = (await readFile(checkpointFileIn(dir), 'utf8')).split('\n')
      assert.equal(lines.length, 4)
      assert.equal(JSON.parse(lines[2]!).seq, 2)
      await assert.rejects(readCheckpoints(checkpointFileIn(dir)), /Line 2 of .* is not a checkpoint/)
    })

    test('a checkpoint is due after 100 new entries and not before', async () => {
      await recordEntries(database.db, 99)
      assert.equal(await checkpointIfDue(database.db, dir, options), null)
      await recordEntries(database.db, 1)
      assert.equal((await checkpointIfDue(database.db, dir, options))?.seq, 100)
      await recordEntries(database.db, 99)
      assert.equal(await checkpointIfDue(database.db, dir, options), null)
    })

    test('the server writes a checkpoint once a response brings the log to 100 entries', async () => {
      const { app, clock } = await testApp(database, { config: { auditCheckpointDir: dir } })
      try {
        const partner = await createUser(database.db, { role: 'partner_practitioner' })
        await recordEntries(database.db, 99)
        const client = await clientSignedInAs(app, database.db, clock, partner.id)
        // A refused page writes one security entry: the 100th.
        assert.equal((await client.get('/audit')).statusCode, 403)
        await new Promise((resolve) => setImmediate(resolve))
        await app.auditCheckpoints.idle()
        const checkpoints = await readCheckpoints(checkpointFileIn(dir))
        assert.deepEqual(checkpoints.map((c) => [c.seq, c.reason]), [[100, 'every-100-entries']])
      } finally {
        await app.close()
      }
    })
  })
}
