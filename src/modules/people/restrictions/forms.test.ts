import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { ManualClock } from '../../../clock.ts'

/** Bad input to the restriction forms: always a 400 naming the field, never a 500, nothing written. */
const RUNS = 25
const count = (
  database: TestDatabase,
  table: 'person_restriction' | 'staff_interest' | 'break_glass_access',
) =>
  database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n))

for (const backend of backends()) {
  describe(`the restriction forms refuse bad input on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let supervisor: TestClient
    let officer: TestClient
    let personId: number

    before(async () => {
      database = await backend.create()
      const clock = new ManualClock('2026-03-02T09:00:00Z')
      ;({ app } = await testApp(database, { clock }))
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const owner = await createUser(database.db, { role: 'supervisor', organisationId: police.id })
      supervisor = await clientSignedInAs(app, database.db, clock, owner.id)
      officer = await clientSignedInAs(
        app,
        database.db,
        clock,
        (await createUser(database.db, { role: 'officer', organisationId: police.id })).id,
      )
      personId = (
        await database.db
          .insertInto('person')
          .values({ display_name: 'Form Person', date_of_birth: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      await database.db
        .insertInto('person_restriction')
        .values({
          person_id: personId,
          kind: 'high-risk',
          reason: 'Risk to staff on contact',
          set_by: owner.id,
          set_at: clock.now(),
          next_review_at: new Date(clock.now().getTime() + 90 * 86_400_000),
        })
        .execute()
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const text = fc.string({ maxLength: 40 })

    test('a restriction with a reason too short: 400 naming reason, nothing written', async () => {
      const before = await count(database, 'person_restriction')
      await fc.assert(
        fc.asyncProperty(
          text,
          fc.string({ maxLength: 9 }),
          text,
          text,
          async (person, reason, kind, users) => {
            const answer = await supervisor.postForm('/people/restrictions', {
              personId: person,
              kind,
              reason,
              users,
            })
            assert.equal(answer.statusCode, 400, answer.body)
            assert.match(answer.body, /href="#reason"/)
          },
        ),
        { numRuns: RUNS },
      )
      assert.equal(await count(database, 'person_restriction'), before)
    })

    test('a restriction of no person or of an unknown kind: 400 naming personId or kind', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constant(''),
            fc.string({ maxLength: 12 }).filter((s) => !/^\s*\d+\s*$/.test(s)),
          ),
          text.filter((s) => !['high-profile', 'staff-member-or-relative', 'high-risk'].includes(s)),
          async (person, kind) => {
            const answer = await supervisor.postForm('/people/restrictions', {
              personId: person,
              kind,
              reason: 'A long enough reason for the restriction',
              users: '',
            })
            assert.equal(answer.statusCode, 400)
            assert.match(answer.body, /href="#personId"/)
            assert.match(answer.body, /href="#kind"/)
          },
        ),
        { numRuns: RUNS },
      )
    })

    test('a staff interest with an unknown relationship or user: 400 naming the field, nothing written', async () => {
      const before = await count(database, 'staff_interest')
      await fc.assert(
        fc.asyncProperty(
          text.filter((s) => s !== 'self' && s !== 'relative'),
          text,
          async (relationship, email) => {
            const answer = await supervisor.postForm('/people/staff-interests', {
              userEmail: email,
              personId: String(personId),
              relationship,
            })
            assert.equal(answer.statusCode, 400)
            assert.match(answer.body, /href="#relationship"/)
            assert.match(answer.body, /href="#userEmail"/)
          },
        ),
        { numRuns: RUNS },
      )
      assert.equal(await count(database, 'staff_interest'), before)
    })

    test('break-glass with a reason under 20 characters: 400 naming reason, no access given', async () => {
      await officer.get(`/people/${personId}?purpose=safeguarding`)
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 19 }), async (reason) => {
          const answer = await officer.postForm(`/people/${personId}/break-glass`, {
            purpose: 'safeguarding',
            reason,
          })
          assert.equal(answer.statusCode, 400)
          assert.match(answer.body, /href="#reason"/)
        }),
        { numRuns: RUNS },
      )
      assert.equal(await count(database, 'break_glass_access'), 0)
    })
  })
}
