import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { ManualClock } from '../../../clock.ts'
import { importFile } from '../import-run.ts'
import { PEOPLE_INVOLVEMENTS_COLUMNS, peopleInvolvementsFormatOn } from '../formats/people-involvements.ts'
import { POLICE_UK_STREET_COLUMNS, policeUkStreetFormat } from '../formats/police-uk-street.ts'
import { peopleInvolvedIn } from './queries.ts'

const CRIME = 'c'.repeat(64)
const STREET = `${POLICE_UK_STREET_COLUMNS.join(',')}
${CRIME},2023-04,City of London Police,City of London Police,-0.110350,51.518090,On or near Holborn,E01000917,Camden 027C,Robbery,Under investigation,
`
const PEOPLE = `${PEOPLE_INVOLVEMENTS_COLUMNS.join(',')}
col-police,P1,Anna,Clarke,1980-05-02,"1 Moor Lane, London",EC2Y 9AD,police-uk-street,${CRIME},victim
col-police,P2,Ben,Hughes,1979-11-30,"3 Wood Street, London",EC2V 7AN,police-uk-street,${CRIME},suspect
`

let sequence = 0

for (const backend of backends()) {
  describe(`who sees the people involved in an incident on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    let incidentId: number
    let police: { id: string }
    let council: { id: string }
    let officer: TestUser
    let practitioner: TestUser
    const clock = new ManualClock('2026-03-10T12:00:00Z')

    async function agreement(values: {
      dataClasses: string[]
      purposes?: string[]
      status?: 'active' | 'suspended'
      requiresInvolvement?: boolean
    }): Promise<string> {
      sequence += 1
      const row = await database.db
        .insertInto('sharing_agreement')
        .values({
          reference: `ISA-PEOPLE-${backend.name}-${sequence}`,
          title: 'Test agreement',
          provider_organisation_id: police.id,
          recipient_organisation_id: council.id,
          data_classes: values.dataClasses,
          purposes: values.purposes ?? ['safeguarding'],
          status: values.status ?? 'active',
          starts_on: '2026-01-01',
          ends_on: null,
          requires_involvement: values.requiresInvolvement ?? false,
          notes: '',
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    }
    const withoutAgreements = () => database.db.deleteFrom('sharing_agreement').execute()
    const lastAudit = () =>
      database.db
        .selectFrom('audit_event')
        .select([
          'action',
          'event',
          'outcome',
          'actor_user_id',
          'purpose',
          'record_ids',
          'sharing_agreement_id',
          'details',
        ])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
    const view = (user: TestUser, purpose = 'safeguarding') =>
      peopleInvolvedIn(database.db, user, purpose, incidentId, { clock })

    before(async () => {
      database = await backend.create()
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-people-queries-'))
      const street = path.join(folder, 'street.csv')
      const people = path.join(folder, 'people.csv')
      await writeFile(street, STREET)
      await writeFile(people, PEOPLE)
      await importFile(database.db, policeUkStreetFormat, { file: street, clock })
      await importFile(database.db, peopleInvolvementsFormatOn(clock), { file: people, clock })
      incidentId = Number(
        (await database.db.selectFrom('incident').select('id').executeTakeFirstOrThrow()).id,
      )
      police = await createOrganisation(database.db, { kind: 'police_force' })
      council = await createOrganisation(database.db, { kind: 'council' })
      officer = await createUser(database.db, { role: 'officer', organisationId: police.id })
      practitioner = await createUser(database.db, {
        role: 'partner_practitioner',
        organisationId: council.id,
      })
    })
    after(async () => {
      await database.close()
      await rm(folder, { recursive: true, force: true })
    })

    test('police staff see the people, with their roles and identities, and the view is audited as a consultation', async () => {
      const seen = await view(officer, 'crime-prevention')
      assert.equal(seen.allowed, true)
      assert.equal(seen.identityShown, true)
      assert.deepEqual(
        seen.people.map((p) => [
          p.role,
          p.person?.firstNames,
          p.person?.lastName,
          p.person?.dateOfBirth,
          p.person?.postcode,
        ]),
        [
          ['suspect', 'Ben', 'Hughes', '1979-11-30', 'EC2V 7AN'],
          ['victim', 'Anna', 'Clarke', '1980-05-02', 'EC2Y 9AD'],
        ],
      )
      const audit = await lastAudit()
      assert.equal(audit.action, 'consult')
      assert.equal(audit.event, 'VIEW_PEOPLE_INVOLVED')
      assert.equal(audit.outcome, 'success')
      assert.equal(audit.actor_user_id, officer.id)
      assert.equal(audit.purpose, 'crime-prevention')
      assert.deepEqual(
        [...(audit.record_ids as string[])].sort(),
        seen.people.map((p) => String(p.involvementId)).sort(),
      )
      assert.ok(!JSON.stringify(audit).includes('Clarke'), 'the audit holds ids, not names')
    })

    test('a partner with an agreement for both classes and the purpose sees them, audited as a disclosure under it', async () => {
      await withoutAgreements()
      const id = await agreement({ dataClasses: ['person-involvement', 'person-identity'] })
      const seen = await view(practitioner)
      assert.equal(seen.allowed, true)
      assert.deepEqual(seen.people.map((p) => p.person?.lastName).sort(), ['Clarke', 'Hughes'])
      const audit = await lastAudit()
      assert.equal(audit.action, 'disclose')
      assert.equal(audit.purpose, 'safeguarding')
      assert.equal(audit.sharing_agreement_id, id)
    })

    test('a partner with no agreement gets nothing, and the denial is audited', async () => {
      await withoutAgreements()
      const seen = await view(practitioner)
      assert.deepEqual([seen.allowed, seen.people], [false, []])
      const audit = await lastAudit()
      assert.deepEqual([audit.action, audit.outcome, audit.purpose], ['consult', 'denied', 'safeguarding'])
      assert.deepEqual(audit.record_ids, [String(incidentId)])
    })

    test('a partner whose agreement is for another purpose gets nothing', async () => {
      await withoutAgreements()
      await agreement({ dataClasses: ['person-involvement', 'person-identity'], purposes: ['evaluation'] })
      const seen = await view(practitioner, 'safeguarding')
      assert.deepEqual([seen.allowed, seen.people], [false, []])
      assert.equal((await lastAudit()).outcome, 'denied')
    })

    test('a suspended agreement gives nothing, at once', async () => {
      await withoutAgreements()
      const id = await agreement({ dataClasses: ['person-involvement', 'person-identity'] })
      assert.equal((await view(practitioner)).people.length, 2)
      await database.db
        .updateTable('sharing_agreement')
        .set({ status: 'suspended' })
        .where('id', '=', id)
        .execute()
      assert.deepEqual((await view(practitioner)).people, [])
    })

    test('an agreement for involvements but not identities shows roles without who the people are', async () => {
      await withoutAgreements()
      await agreement({ dataClasses: ['person-involvement'] })
      const seen = await view(practitioner)
      assert.equal(seen.allowed, true)
      assert.equal(seen.identityShown, false)
      assert.deepEqual(
        seen.people.map((p) => [p.role, p.person]),
        [
          ['suspect', null],
          ['victim', null],
        ],
      )
      assert.deepEqual((await lastAudit()).details.dataClasses, ['person-involvement'])
    })

    test('an agreement for identities but not involvements gives nothing', async () => {
      await withoutAgreements()
      await agreement({ dataClasses: ['person-identity'] })
      assert.deepEqual((await view(practitioner)).people, [])
    })

    test('an agreement limited to the viewer’s own cases gives nothing while no case involvement is recorded', async () => {
      await withoutAgreements()
      await agreement({ dataClasses: ['person-involvement', 'person-identity'], requiresInvolvement: true })
      const seen = await view(practitioner)
      assert.deepEqual([seen.allowed, seen.people], [false, []])
      assert.match(seen.reason, /own cases/)
    })

    test('every view is audited: three views, three entries', async () => {
      const before = await database.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      await view(officer)
      await view(practitioner)
      await view(officer, 'evaluation')
      const afterViews = await database.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event', '=', 'VIEW_PEOPLE_INVOLVED')
        .where('seq', '>', Number(before.n))
        .executeTakeFirstOrThrow()
      assert.equal(Number(afterViews.n), 3)
    })
  })
}
