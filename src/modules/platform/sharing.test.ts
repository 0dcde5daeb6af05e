import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../test/factories.ts'
import { DATA_CLASS_NAMES, PURPOSES } from './data-classes.ts'
import { mayAccess, partnershipDate } from './sharing.ts'

const ON = new Date('2026-03-10T12:00:00Z')
const TODAY = '2026-03-10'
const YESTERDAY = '2026-03-09'
const TOMORROW = '2026-03-11'

interface AgreementValues {
  provider: string
  recipient: string
  dataClasses?: string[]
  purposes?: string[]
  status?: 'active' | 'suspended'
  startsOn?: string
  endsOn?: string | null
  requiresInvolvement?: boolean
}

let sequence = 0

for (const backend of backends()) {
  describe(`the access decision on ${backend.name}`, () => {
    let database: TestDatabase
    let police: { id: string }
    let nhs: { id: string }
    let council: { id: string }
    let otherCouncil: { id: string }
    let officer: TestUser
    let nurse: TestUser
    let practitioner: TestUser

    async function agreement(values: AgreementValues): Promise<string> {
      sequence += 1
      const row = await database.db
        .insertInto('sharing_agreement')
        .values({
          reference: `ISA-TEST-${backend.name}-${sequence}`,
          title: 'Test agreement',
          provider_organisation_id: values.provider,
          recipient_organisation_id: values.recipient,
          data_classes: values.dataClasses ?? ['person-identity'],
          purposes: values.purposes ?? ['safeguarding'],
          status: values.status ?? 'active',
          starts_on: values.startsOn ?? '2026-01-01',
          ends_on: values.endsOn ?? null,
          requires_involvement: values.requiresInvolvement ?? false,
          notes: '',
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    }

    const clearAgreements = () => database.db.deleteFrom('sharing_agreement').execute()

    before(async () => {
      database = await backend.create()
      police = await createOrganisation(database.db, { kind: 'police_force' })
      nhs = await createOrganisation(database.db, { kind: 'nhs_trust' })
      council = await createOrganisation(database.db, { kind: 'council' })
      otherCouncil = await createOrganisation(database.db, { kind: 'council' })
      officer = await createUser(database.db, { role: 'officer', organisationId: police.id })
      nurse = await createUser(database.db, { role: 'partner_practitioner', organisationId: nhs.id })
      practitioner = await createUser(database.db, { role: 'partner_practitioner', organisationId: council.id })
    })
    after(async () => {
      await database.close()
    })

    test('police staff may see police data as its controller, without any agreement', async () => {
      await clearAgreements()
      const decision = await mayAccess(database.db, officer, 'person-identity', 'safeguarding', ON)
      assert.equal(decision.allowed, true)
      assert.equal(decision.basis, 'controller')
    })

    test('NHS staff may see health data as its controller, and police staff may not without an agreement', async () => {
      await clearAgreements()
      assert.equal((await mayAccess(database.db, nurse, 'health-injury', 'crime-prevention', ON)).basis, 'controller')
      const police = await mayAccess(database.db, officer, 'health-injury', 'crime-prevention', ON)
      assert.equal(police.allowed, false)
      assert.equal(police.basis, 'none')
    })

    test('a partner without an agreement may not see police data', async () => {
      await clearAgreements()
      const decision = await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)
      assert.equal(decision.allowed, false)
      assert.match(decision.reason, /no active sharing agreement/)
    })

    test('an active agreement covering the class and purpose lets its recipient see the data', async () => {
      await clearAgreements()
      const id = await agreement({ provider: police.id, recipient: council.id, requiresInvolvement: true })
      const decision = await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)
      assert.deepEqual(decision, {
        allowed: true,
        basis: 'agreement',
        agreementId: id,
        requiresInvolvement: true,
        reason: 'shared under an active agreement for safeguarding',
      })
    })

    test('an agreement without involvement is preferred over one that requires it', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: council.id, requiresInvolvement: true })
      const open = await agreement({ provider: police.id, recipient: council.id, requiresInvolvement: false })
      const decision = await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)
      assert.equal(decision.agreementId, open)
      assert.equal(decision.requiresInvolvement, false)
    })

    test('a purpose outside the agreement is refused', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: council.id, purposes: ['safeguarding'] })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'evaluation', ON)).allowed, false)
    })

    test('a class of data the agreement does not name is refused', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: council.id, dataClasses: ['person-identity'] })
      assert.equal((await mayAccess(database.db, practitioner, 'missing-episode', 'safeguarding', ON)).allowed, false)
    })

    test('an agreement with another organisation as recipient gives this one nothing', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: otherCouncil.id })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, false)
    })

    test('suspending an agreement takes effect on the next decision', async () => {
      await clearAgreements()
      const id = await agreement({ provider: police.id, recipient: council.id })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, true)
      await database.db.updateTable('sharing_agreement').set({ status: 'suspended' }).where('id', '=', id).execute()
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, false)
    })

    test('an agreement that ended yesterday no longer allows, one that ends today still does', async () => {
      await clearAgreements()
      const id = await agreement({ provider: police.id, recipient: council.id, endsOn: TODAY })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, true)
      await database.db.updateTable('sharing_agreement').set({ ends_on: YESTERDAY }).where('id', '=', id).execute()
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, false)
    })

    test('an agreement that starts tomorrow does not allow today', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: council.id, startsOn: TOMORROW })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, false)
    })

    test('police intelligence is never shared, even by an agreement that names it', async () => {
      await clearAgreements()
      await agreement({ provider: police.id, recipient: council.id, dataClasses: ['police-intelligence'] })
      const decision = await mayAccess(database.db, practitioner, 'police-intelligence', 'safeguarding', ON)
      assert.equal(decision.allowed, false)
      assert.match(decision.reason, /never shared/)
    })

    test('an agreement whose provider does not control the data shares nothing', async () => {
      await clearAgreements()
      await agreement({ provider: otherCouncil.id, recipient: council.id, dataClasses: ['person-identity'] })
      assert.equal((await mayAccess(database.db, practitioner, 'person-identity', 'safeguarding', ON)).allowed, false)
    })

    test('an unknown class of data or purpose is refused', async () => {
      assert.equal((await mayAccess(database.db, officer, 'everything', 'safeguarding', ON)).allowed, false)
      assert.equal((await mayAccess(database.db, officer, 'person-identity', 'curiosity', ON)).allowed, false)
    })

    test('a suspended or expired agreement never allows, whatever it covers', async () => {
      const subset = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 })
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            dataClasses: subset(DATA_CLASS_NAMES),
            purposes: subset(PURPOSES),
            asked: fc.record({ dataClass: fc.constantFrom(...DATA_CLASS_NAMES), purpose: fc.constantFrom(...PURPOSES) }),
            lapse: fc.oneof(
              fc.record({ kind: fc.constant('suspended' as const), endsInDays: fc.option(fc.integer({ min: 0, max: 400 })) }),
              fc.record({ kind: fc.constant('expired' as const), endsInDays: fc.integer({ min: -400, max: -1 }) }),
            ),
            startedDaysAgo: fc.integer({ min: 401, max: 2000 }),
            requiresInvolvement: fc.boolean(),
          }),
          async (run) => {
            await clearAgreements()
            const day = (offset: number) => partnershipDate(new Date(ON.getTime() + offset * 86_400_000))
            await agreement({
              provider: police.id,
              recipient: council.id,
              dataClasses: run.dataClasses,
              purposes: run.purposes,
              status: run.lapse.kind === 'suspended' ? 'suspended' : 'active',
              startsOn: day(-run.startedDaysAgo),
              endsOn: run.lapse.endsInDays === null ? null : day(run.lapse.endsInDays),
              requiresInvolvement: run.requiresInvolvement,
            })
            const decision = await mayAccess(database.db, practitioner, run.asked.dataClass, run.asked.purpose, ON)
            assert.equal(decision.allowed, false)
          },
        ),
        { numRuns: 40 },
      )
    })
  })
}
