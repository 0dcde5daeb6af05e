import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { ManualClock } from '../../../clock.ts'
import { importLinkablePeople, PEOPLE_ROWS, recordIdOf } from '../test-support/linked-people.ts'
import { rectifiableRecord, rectifyPersonRecord } from './rectification.ts'

/** A correction survives the next extract from the source that still holds the error; a new value from the source is taken. */
for (const backend of backends()) {
  describe(`a rectified record and later imports on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock('2026-03-02T10:00:00Z')
    let recordId: number

    /** The world's people file with P2's last name (and, to make each file new, a later date) as given. */
    const extractWith = (lastName: string, day: string) =>
      PEOPLE_ROWS.map((row) => (row[1] === 'P2' ? [...row.slice(0, 3), lastName, ...row.slice(4)] : row)).map(
        (row) => (row[1] === 'P1' ? [...row.slice(0, 5), `${day} Moor Lane, London`, ...row.slice(6)] : row),
      )
    const stored = () =>
      database.db
        .selectFrom('person_record')
        .select(['last_name', 'last_name_normalised'])
        .where('id', '=', recordId)
        .executeTakeFirstOrThrow()

    before(async () => {
      database = await backend.create()
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const dpo = await createUser(database.db, { role: 'auditor', organisationId: police.id })
      await importLinkablePeople(database.db, clock)
      recordId = await recordIdOf(database.db, 'P2')
      const record = (await rectifiableRecord(database.db, recordId))!
      await rectifyPersonRecord(
        database.db,
        { id: dpo.id, organisationId: police.id },
        recordId,
        {
          firstNames: record.values.first_names ?? '',
          lastName: 'Hughes-Okafor',
          dateOfBirth: record.values.date_of_birth ?? '',
          address: record.values.address ?? '',
          postcode: record.values.postcode ?? '',
          reason: 'The subject showed a deed poll',
          fingerprint: record.fingerprint,
        },
        { clock },
      )
    })
    after(() => database.close())

    test('the source sending the corrected value again leaves the correction in place', async () => {
      clock.advance(86_400_000)
      await importLinkablePeople(database.db, clock, extractWith('Hughes', '2'))
      assert.deepEqual(await stored(), { last_name: 'Hughes-Okafor', last_name_normalised: 'hughes okafor' })
    })

    test('a different value from the source is a new fact, and is taken', async () => {
      clock.advance(86_400_000)
      await importLinkablePeople(database.db, clock, extractWith('Hughes-Smith', '3'))
      assert.equal((await stored()).last_name, 'Hughes-Smith')
    })
  })
}
