import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { readHeadSeq } from './queries.ts'
import { temporaryFolder } from './test-support.ts'

/** B6: each refused request leaves exactly one security entry, and the request's secrets never reach it. */
for (const backend of backends()) {
  describe(`security events in the audit log on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    const securityEntriesAfter = (seq: number) =>
      database.db.selectFrom('audit_event').selectAll().where('seq', '>', seq).where('action', '=', 'security').execute()

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database, {
        config: { auditCheckpointDir: await temporaryFolder() },
        extraRoutes: (instance) => {
          const route = defineRoutes(instance)
          route.post('/test/signed-in-form', { permission: 'signed-in', handler: () => ({ saved: true }) })
          route.post('/test/public-form', { permission: 'public', handler: () => ({ saved: true }) })
        },
      }))
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('a signed-in form sent with a wrong CSRF token is refused with exactly one security entry', async () => {
      const user = await createUser(database.db, { role: 'analyst' })
      const client = await clientSignedInAs(app, database.db, clock, user.id)
      const head = await readHeadSeq(database.db)
      const response = await client.postForm('/test/signed-in-form', { _csrf: 'forged-token-value' })
      assert.equal(response.statusCode, 403)
      const entries = await securityEntriesAfter(head)
      assert.deepEqual(
        entries.map((entry) => [entry.event, entry.outcome, entry.actor_user_id, entry.details]),
        [['CSRF_REJECTED', 'denied', user.id, { route: '/test/signed-in-form' }]],
      )
      assert.doesNotMatch(JSON.stringify(entries), /forged-token-value/)
    })

    test('a form sent without any CSRF cookie or token is refused with exactly one security entry', async () => {
      const head = await readHeadSeq(database.db)
      const response = await new TestClient(app).postForm('/test/public-form', {}, { withCsrf: false })
      assert.equal(response.statusCode, 403)
      const entries = await securityEntriesAfter(head)
      assert.deepEqual(entries.map((entry) => [entry.event, entry.actor_user_id]), [['CSRF_REJECTED', null]])
    })

    test('a page the role may not open is refused with exactly one security entry', async () => {
      const user = await createUser(database.db, { role: 'strategic_lead' })
      const client = await clientSignedInAs(app, database.db, clock, user.id)
      const head = await readHeadSeq(database.db)
      assert.equal((await client.get('/audit/anomalies')).statusCode, 403)
      const entries = await securityEntriesAfter(head)
      assert.deepEqual(
        entries.map((entry) => [entry.event, entry.outcome, entry.actor_user_id, entry.details]),
        [['ACCESS_DENIED', 'denied', user.id, { route: '/audit/anomalies', permission: 'audit:read-all' }]],
      )
      assert.match(entries[0]!.occurred_at.toISOString(), /Z$/)
    })
  })
}
