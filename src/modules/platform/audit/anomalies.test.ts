import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import { ManualClock } from '../../../clock.ts'
import { findAnomalies } from './anomalies.ts'
import { recordAudit } from './audit-log.ts'
import { temporaryFolder } from './test-support.ts'

const NOW = new Date('2026-03-01T12:00:00Z')
const at = (iso: string, minutes = 0) => new Date(new Date(iso).getTime() + minutes * 60_000)

/** One case of each anomaly, each beside a near miss that must not be flagged. */
for (const backend of backends()) {
  describe(`audit anomaly reports on ${backend.name}`, () => {
    let database: TestDatabase
    const people: Record<string, TestUser> = {}

    async function viewPeople(actor: TestUser, count: number, start: Date, recordsEach = 1) {
      for (let index = 0; index < count; index += 1) {
        await recordAudit(database.db, {
          action: 'consult',
          event: recordsEach > 1 ? 'LIST_PEOPLE' : 'VIEW_PERSON',
          actorUserId: actor.id,
          recordType: 'person',
          recordIds: Array.from({ length: recordsEach }, (_, id) => `person-${index}-${id}`),
          occurredAt: new Date(start.getTime() + index * 60_000),
        })
      }
    }

    before(async () => {
      database = await backend.create()
      for (const name of ['busy', 'nearlyBusy', 'longAgo', 'nightOwl', 'dayWorker', 'dormant', 'recent', 'neverSignedIn', 'disabled']) {
        people[name] = await createUser(database.db, { role: 'officer', email: `${name.toLowerCase()}@example.test` })
      }
      await viewPeople(people.busy!, 31, at('2026-02-20T10:00:00Z'))
      await viewPeople(people.nearlyBusy!, 30, at('2026-02-20T10:00:00Z'))
      await viewPeople(people.longAgo!, 40, at('2026-01-05T10:00:00Z'))
      await viewPeople(people.nightOwl!, 1, at('2026-02-21T21:30:00Z'), 25)
      await viewPeople(people.nightOwl!, 1, at('2026-02-21T22:00:00Z'), 5)
      await viewPeople(people.dayWorker!, 1, at('2026-02-21T07:00:00Z'), 25)
      await viewPeople(people.dayWorker!, 1, at('2026-02-21T18:59:00Z'), 25)
      const signedIn = (name: string, when: string) =>
        database.db.updateTable('app_user').set({ last_sign_in_at: new Date(when) }).where('id', '=', people[name]!.id).execute()
      await signedIn('dormant', '2025-11-15T09:00:00Z')
      await signedIn('recent', '2026-02-01T09:00:00Z')
      await sql`update app_user set created_at = '2025-10-01T00:00:00Z' where id = ${people.neverSignedIn!.id}`.execute(database.db)
      await sql`update app_user set created_at = '2025-10-01T00:00:00Z', disabled = true where id = ${people.disabled!.id}`.execute(database.db)
    })
    after(async () => {
      await database.close()
    })

    test('the report returns exactly the one case of each anomaly in the fixture', async () => {
      const report = await findAnomalies(database.db, NOW)
      assert.deepEqual(
        report.frequentPersonViews.map((row) => [row.actorEmail, row.hour.toISOString(), row.views]),
        [['busy@example.test', '2026-02-20T10:00:00.000Z', 31]],
      )
      assert.deepEqual(
        report.outOfHoursBulkViews.map((row) => [row.actorEmail, row.occurredAt.toISOString(), row.recordCount]),
        [['nightowl@example.test', '2026-02-21T21:30:00.000Z', 25]],
      )
      assert.deepEqual(report.dormantAccounts.map((row) => row.email), ['dormant@example.test', 'neversignedin@example.test'])
    })

    test('an auditor opens the anomaly report, and opening it is audited', async () => {
      const { app, clock } = await testApp(database, {
        clock: new ManualClock(NOW),
        config: { auditCheckpointDir: await temporaryFolder() },
      })
      try {
        const auditor = await createUser(database.db, { role: 'auditor' })
        const client = await clientSignedInAs(app, database.db, clock, auditor.id)
        const response = await client.get('/audit/anomalies')
        assert.equal(response.statusCode, 200)
        assert.match(response.body, /busy@example\.test/)
        assert.match(response.body, /nightowl@example\.test/)
        assert.match(response.body, /neversignedin@example\.test/)
        assert.doesNotMatch(response.body, /nearlybusy@example\.test|dayworker@example\.test/)
        const entry = await database.db
          .selectFrom('audit_event')
          .selectAll()
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
        assert.deepEqual([entry.action, entry.event, entry.actor_user_id], ['consult', 'VIEW_AUDIT_ANOMALIES', auditor.id])
      } finally {
        await app.close()
      }
    })
  })
}
