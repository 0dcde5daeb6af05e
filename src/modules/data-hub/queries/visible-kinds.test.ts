import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { aeAssaultsFormat } from '../formats/ae-assaults.ts'
import { importFile, importPoliceUkStreetFile } from '../import-run.ts'
import { DEMO_STREET_FILES, SAMPLES_DIR } from '../index.ts'

const AE_FILE = path.join(SAMPLES_DIR, 'partner/ae-assaults.csv')

/**
 * A&E attendances are the NHS trust's data: police staff see them in the data hub only while an
 * agreement shares health-injury data with their force for problem solving.
 */
for (const backend of backends()) {
  describe(`which kinds of incident the data hub shows, by sharing agreement, on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let analyst: TestClient
    let policeId: string
    let nhsId: string
    let streetRows: number
    let aeRows: number

    const apiTotal = async (query = '') =>
      (
        (await analyst.get(`/api/v1/incidents/h3?${query}`, { accept: 'application/json' })).json() as {
          total: number
        }
      ).total

    const share = (purposes: string[], status = 'active') =>
      database.db
        .insertInto('sharing_agreement')
        .values({
          reference: `ISA-TEST-${purposes.join('-')}-${status}`,
          title: 'A&E assault attendances to the police',
          provider_organisation_id: nhsId,
          recipient_organisation_id: policeId,
          data_classes: ['health-injury'],
          purposes,
          status,
          starts_on: '2020-01-01',
          ends_on: null,
          requires_involvement: false,
          notes: '',
          updated_at: clock.now(),
        })
        .execute()

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      policeId = (await createOrganisation(database.db, { name: 'Police' })).id
      nhsId = (await createOrganisation(database.db, { name: 'Trust', kind: 'nhs_trust' })).id
      const user = await createUser(database.db, { role: 'analyst', organisationId: policeId })
      analyst = await clientSignedInAs(app, database.db, clock, user.id)
      streetRows = 0
      for (const file of DEMO_STREET_FILES)
        streetRows += (await importPoliceUkStreetFile(database.db, { file, clock })).rowsInserted
      aeRows = (await importFile(database.db, aeAssaultsFormat, { file: AE_FILE, clock })).rowsInserted
      assert.ok(aeRows > 0)
    })
    after(async () => {
      await app?.close()
      await database?.close()
    })

    test('without an agreement the police see their own incidents and no A&E attendance, even when they ask for them', async () => {
      assert.equal(await apiTotal(), streetRows)
      assert.equal(await apiTotal('kind=ae-assault'), 0)
      const page = await analyst.get('/data/incidents?kind=ae-assault')
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /ae-assault:/)
      const csv = await analyst.get('/data/incidents.csv?kind=ae-assault')
      assert.equal(
        csv.body
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n').length,
        1,
        'only the header row',
      )
    })

    test('an agreement for another purpose does not open them; one for problem solving does, at once', async () => {
      await share(['safeguarding'])
      assert.equal(await apiTotal('kind=ae-assault'), 0)
      await share(['problem-solving'])
      assert.equal(await apiTotal('kind=ae-assault'), aeRows)
      assert.equal(await apiTotal(), streetRows + aeRows)
    })

    test('suspending the agreement closes them again on the next request', async () => {
      await database.db.updateTable('sharing_agreement').set({ status: 'suspended' }).execute()
      assert.equal(await apiTotal('kind=ae-assault'), 0)
    })
  })
}
