import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import { ManualClock } from '../../../clock.ts'
import { importWorld, peopleFile, streetFile } from './test-support.ts'

/** The review queue page: a retain without a rationale is a 400 naming the field; a retain with one is saved. */
for (const backend of backends()) {
  describe(`the retention review queue on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let supervisor: TestUser
    let recordId: number

    before(async () => {
      database = await backend.create()
      clock = new ManualClock('2026-01-15T09:00:00Z')
      ;({ app } = await testApp(database, { clock }))
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      supervisor = await createUser(database.db, { role: 'supervisor', organisationId: police.id })
      await importWorld(database.db, clock, {
        street: streetFile([{ n: 1, month: '2019-03', type: 'Shoplifting', outcome: 'Under investigation' }]),
        people: peopleFile([
          ['col-police', 'Q1', 'Quinn', 'Old', '1970-01-01', '1 Moor Lane', 'EC2Y 9AD', '1', 'suspect'],
        ]),
      })
      recordId = Number(
        (await database.db.selectFrom('person_record').select('id').executeTakeFirstOrThrow()).id,
      )
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the queue lists the record due, by its source reference and rule', async () => {
      const client = await clientSignedInAs(app, database.db, clock, supervisor.id)
      const page = await client.get('/people/retention')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /col-police Q1/)
      assert.match(page.body, /MoPI group 3: All other offences/)
      assert.ok(!page.body.includes('Quinn'), 'the queue names no one')
    })

    test('retain without a rationale: 400, naming the rationale, and nothing saved', async () => {
      const client = await clientSignedInAs(app, database.db, clock, supervisor.id)
      const response = await client.postForm(`/people/retention/${recordId}`, {
        decision: 'retain',
        rationale: '',
        version: '1',
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, new RegExp(`href="#rationale-${recordId}"`))
      assert.match(response.body, /the rationale is required to retain it/)
      const decisions = await database.db.selectFrom('retention_decision').select('id').execute()
      assert.equal(decisions.length, 0)
    })

    test('retain with a rationale is saved and the record leaves the queue', async () => {
      const client = await clientSignedInAs(app, database.db, clock, supervisor.id)
      const response = await client.postForm(`/people/retention/${recordId}`, {
        decision: 'retain',
        rationale: 'Linked to an open investigation',
        reviewInYears: '2',
        version: '1',
      })
      assert.equal(response.statusCode, 303)
      const page = await client.get('/people/retention')
      assert.ok(!page.body.includes('col-police Q1'))
    })
  })
}
