import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { ManualClock } from '../../../clock.ts'
import { runLinkage } from '../link-run.ts'
import { RESTRICTED_RECORD, searchPeople } from '../search.ts'
import { importLinkablePeople, personOfRecords } from '../test-support/linked-people.ts'

const HOUR = 3_600_000

/** Lists do not give away what the record page refuses: a restricted person is listed without name or date of birth. */
for (const backend of backends()) {
  describe(`restricted people in the people search on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock('2026-06-01T09:00:00Z')
    let owner: TestUser
    let named: TestUser
    let other: TestUser
    let benId: number

    const viewerOf = (user: TestUser) => ({
      id: user.id,
      organisationId: user.organisationId,
      role: user.role,
    })
    const search = (user: TestUser) =>
      searchPeople(
        database.db,
        viewerOf(user),
        { name: 'hughes', dateOfBirth: '', purpose: 'safeguarding' },
        { clock },
      )

    before(async () => {
      database = await backend.create()
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      owner = await createUser(database.db, { role: 'supervisor', organisationId: police.id })
      named = await createUser(database.db, { role: 'officer', organisationId: police.id })
      other = await createUser(database.db, { role: 'officer', organisationId: police.id })
      await importLinkablePeople(database.db, clock)
      await runLinkage(database.db, { clock })
      benId = (await personOfRecords(database.db)).get('P2') as number
      const restriction = await database.db
        .insertInto('person_restriction')
        .values({
          person_id: benId,
          kind: 'high-profile',
          reason: 'Public figure',
          set_by: owner.id,
          set_at: clock.now(),
          next_review_at: new Date(clock.now().getTime() + 90 * 24 * HOUR),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await database.db
        .insertInto('person_restriction_user')
        .values({ restriction_id: restriction.id, user_id: named.id })
        .execute()
    })
    after(() => database.close())

    test('the owner and a named user see the name; anyone else sees a restricted record with no name or date of birth', async () => {
      for (const user of [owner, named]) {
        const [found] = (await search(user)).people.filter((person) => person.id === benId)
        assert.equal(found?.displayName, 'Benjamin Hughes')
        assert.equal(found?.restricted, undefined)
      }
      const result = await search(other)
      const [found] = result.people.filter((person) => person.id === benId)
      assert.deepEqual(
        [found?.displayName, found?.dateOfBirth, found?.restricted],
        [RESTRICTED_RECORD, null, true],
      )
      assert.doesNotMatch(JSON.stringify(result), /Benjamin|1979-11-30/)
    })

    test('break-glass shows the name while it lasts, and only then', async () => {
      await database.db
        .insertInto('break_glass_access')
        .values({
          user_id: other.id,
          person_id: benId,
          reason: 'Urgent safeguarding concern reported tonight',
          started_at: clock.now(),
          expires_at: new Date(clock.now().getTime() + 24 * HOUR),
        })
        .execute()
      const during = (await search(other)).people.find((person) => person.id === benId)
      assert.equal(during?.displayName, 'Benjamin Hughes')
      clock.advance(24 * HOUR + 1000)
      const afterwards = (await search(other)).people.find((person) => person.id === benId)
      assert.equal(afterwards?.displayName, RESTRICTED_RECORD)
    })

    test('a staff interest hides the name even from a user the restriction names', async () => {
      await database.db
        .insertInto('staff_interest')
        .values({
          user_id: named.id,
          person_id: benId,
          relationship: 'relative',
          declared_by: owner.id,
          declared_at: clock.now(),
        })
        .execute()
      const found = (await search(named)).people.find((person) => person.id === benId)
      assert.equal(found?.displayName, RESTRICTED_RECORD)
    })
  })
}
