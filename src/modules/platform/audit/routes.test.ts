import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createTeam, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { recordAudit } from './audit-log.ts'
import { readHeadSeq } from './queries.ts'
import { temporaryFolder } from './test-support.ts'

for (const backend of backends()) {
  describe(`the audit search pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let auditor: TestUser
    let supervisor: TestUser
    let teamMember: TestUser
    let outsider: TestUser
    let auditorClient: TestClient

    const entriesAfter = (seq: number) =>
      database.db.selectFrom('audit_event').selectAll().where('seq', '>', seq).orderBy('seq').execute()
    const shownSeqs = (body: string) => [...body.matchAll(/<a class="govuk-link" href="\/audit(?:\/team)?\/(\d+)">/g)].map((m) => Number(m[1]))

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database, { config: { auditCheckpointDir: await temporaryFolder() } }))
      const police = await createOrganisation(database.db, { name: 'Test Police' })
      auditor = await createUser(database.db, { role: 'auditor', organisationId: police.id, email: 'auditor@example.test' })
      supervisor = await createUser(database.db, { role: 'supervisor', organisationId: police.id })
      teamMember = await createUser(database.db, { role: 'officer', organisationId: police.id, email: 'member@example.test' })
      outsider = await createUser(database.db, { role: 'officer', organisationId: police.id, email: 'outsider@example.test' })
      await createTeam(database.db, police.id, { memberIds: [supervisor.id, teamMember.id] })
      for (const [actor, event, recordIds] of [
        [teamMember, 'VIEW_PERSON', ['person-1']],
        [outsider, 'VIEW_PERSON', ['person-2']],
        [teamMember, 'UPDATE_PERSON', ['person-1']],
        [outsider, 'EXPORT_PEOPLE', ['person-1', 'person-2']],
      ] as const) {
        await recordAudit(database.db, {
          action: event.startsWith('UPDATE') ? 'alter' : event.startsWith('EXPORT') ? 'disclose' : 'consult',
          event,
          actorUserId: actor.id,
          actorOrganisationId: actor.organisationId,
          recordType: 'person',
          recordIds,
          occurredAt: new Date('2026-01-10T12:00:00Z'),
        })
      }
      auditorClient = await clientSignedInAs(app, database.db, clock, auditor.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('a partner practitioner is refused the audit log, and the refusal is audited', async () => {
      const partnerOrganisation = await createOrganisation(database.db, { kind: 'charity' })
      const partner = await createUser(database.db, { role: 'partner_practitioner', organisationId: partnerOrganisation.id })
      const client = await clientSignedInAs(app, database.db, clock, partner.id)
      const head = await readHeadSeq(database.db)
      const response = await client.get('/audit')
      assert.equal(response.statusCode, 403)
      assert.match(response.body, /You do not have access to this page/)
      const rows = await entriesAfter(head)
      assert.deepEqual(
        rows.map((row) => [row.action, row.event, row.outcome, row.actor_user_id]),
        [['security', 'ACCESS_DENIED', 'denied', partner.id]],
      )
    })

    test("an auditor's search is shown and is itself recorded as a consultation of the audit log", async () => {
      const head = await readHeadSeq(database.db)
      const response = await auditorClient.get('/audit?recordType=person&action=consult')
      assert.equal(response.statusCode, 200)
      const shown = shownSeqs(response.body)
      assert.equal(shown.length, 2)
      const rows = await entriesAfter(head)
      assert.equal(rows.length, 1)
      const [search] = rows
      assert.equal(search!.action, 'consult')
      assert.equal(search!.event, 'SEARCH_AUDIT')
      assert.equal(search!.record_type, 'audit_event')
      assert.equal(search!.actor_user_id, auditor.id)
      assert.deepEqual(search!.record_ids, shown.map(String))
      assert.deepEqual(search!.details, { recordType: 'person', action: 'consult', page: 1, scope: 'all', matches: 2 })
    })

    test('the results list newest first, with time in UTC, actor, organisation and record', async () => {
      const response = await auditorClient.get('/audit?recordType=person')
      const shown = shownSeqs(response.body)
      assert.deepEqual(shown, [...shown].sort((a, b) => b - a))
      assert.match(response.body, /2026-01-10 12:00:00 UTC/)
      assert.match(response.body, /outsider@example\.test/)
      assert.match(response.body, /Test Police/)
      assert.match(response.body, /person: person-1, person-2/)
    })

    test('an actor can be given by email address or by user id', async () => {
      const byEmail = shownSeqs((await auditorClient.get('/audit?actor=MEMBER@example.test')).body)
      const byId = shownSeqs((await auditorClient.get(`/audit?actor=${teamMember.id}`)).body)
      assert.equal(byEmail.length, 2)
      assert.deepEqual(byId, byEmail)
    })

    test('a record id finds every entry that names it', async () => {
      const response = await auditorClient.get('/audit?recordId=person-2')
      assert.equal(shownSeqs(response.body).length, 2)
    })

    test('a date range keeps entries of the days given, whole days included', async () => {
      assert.equal(shownSeqs((await auditorClient.get('/audit?from=2026-01-10&to=2026-01-10&recordType=person')).body).length, 4)
      assert.equal(shownSeqs((await auditorClient.get('/audit?from=2026-01-11&recordType=person')).body).length, 0)
    })

    test("a supervisor sees only their team's actions", async () => {
      const client = await clientSignedInAs(app, database.db, clock, supervisor.id)
      const response = await client.get('/audit/team?recordType=person')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /member@example\.test/)
      assert.doesNotMatch(response.body, /outsider@example\.test/)
      assert.equal(shownSeqs(response.body).length, 2)
    })

    test('a supervisor is refused the whole audit log and entries outside their teams', async () => {
      const client = await clientSignedInAs(app, database.db, clock, supervisor.id)
      assert.equal((await client.get('/audit')).statusCode, 403)
      const outsiderEntry = await database.db
        .selectFrom('audit_event')
        .select('seq')
        .where('actor_user_id', '=', outsider.id)
        .executeTakeFirstOrThrow()
      assert.equal((await client.get(`/audit/team/${outsiderEntry.seq}`)).statusCode, 404)
    })

    test('viewing one entry shows its fields and is recorded as a consultation', async () => {
      const entry = await database.db.selectFrom('audit_event').selectAll().where('event', '=', 'EXPORT_PEOPLE').executeTakeFirstOrThrow()
      const head = await readHeadSeq(database.db)
      const response = await auditorClient.get(`/audit/${entry.seq}`)
      assert.equal(response.statusCode, 200)
      assert.match(response.body, new RegExp(entry.hash))
      const rows = await entriesAfter(head)
      assert.deepEqual(
        rows.map((row) => [row.action, row.event, row.record_type, row.record_ids]),
        [['consult', 'VIEW_AUDIT_ENTRY', 'audit_event', [String(entry.seq)]]],
      )
    })

    test('an entry number that does not exist is a 404 page', async () => {
      assert.equal((await auditorClient.get('/audit/99999999')).statusCode, 404)
      assert.equal((await auditorClient.get('/audit/not-a-number')).statusCode, 404)
    })

    test('a search is paged 50 at a time, and a page past the end is empty', async () => {
      for (let index = 0; index < 60; index += 1) {
        await recordAudit(database.db, { action: 'combine', event: 'LINK_PEOPLE', recordType: 'paging-test', recordIds: [`p-${index}`] })
      }
      const first = await auditorClient.get('/audit?recordType=paging-test')
      assert.equal(shownSeqs(first.body).length, 50)
      assert.match(first.body, /Showing 1 to 50 of 60 entries/)
      assert.match(first.body, /href="\/audit\?recordType=paging-test&amp;page=2"/)
      const second = await auditorClient.get('/audit?recordType=paging-test&page=2')
      assert.equal(shownSeqs(second.body).length, 10)
      const beyond = await auditorClient.get('/audit?recordType=paging-test&page=999999')
      assert.equal(beyond.statusCode, 200)
      assert.equal(shownSeqs(beyond.body).length, 0)
      assert.match(beyond.body, /There is no page 999999/)
    })

    test('a date that is not a date is a 400 page with the error beside the field', async () => {
      const response = await auditorClient.get('/audit?from=2026-02-30')
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, /href="#from">From date must be a real date/)
      assert.match(response.body, /value="2026-02-30"/)
    })

    test('a huge page number is a 400, not a server error', async () => {
      assert.equal((await auditorClient.get('/audit?page=99999999999999999999999')).statusCode, 400)
      assert.equal((await auditorClient.get('/audit?page=-1')).statusCode, 400)
      assert.equal((await auditorClient.get('/audit?page=1&page=2')).statusCode, 400)
    })

    test('the furthest dates and odd record ids give a page, not a server error', async () => {
      for (const query of ['to=9999-12-31', 'from=1970-01-01&to=9999-12-31', 'recordId=%22%5D%7B', 'event=%F0%9F%98%80']) {
        assert.equal((await auditorClient.get(`/audit?${query}`)).statusCode, 200, query)
      }
      assert.equal((await auditorClient.get('/audit?from=1969-12-31')).statusCode, 400)
    })

    test('any filter values give a page or a 400, never a server error', async () => {
      const names = ['action', 'event', 'actor', 'recordType', 'recordId', 'from', 'to', 'outcome', 'page']
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.date().map((d) => (Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10))))),
          async (filters) => {
            const response = await auditorClient.get(`/audit?${new URLSearchParams(filters)}`)
            assert.ok([200, 400].includes(response.statusCode), `${response.statusCode} for ${JSON.stringify(filters)}`)
          },
        ),
        { numRuns: 60 },
      )
    })
  })
}
