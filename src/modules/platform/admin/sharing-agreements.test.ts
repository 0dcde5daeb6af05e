import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { mayAccess, partnershipDate } from '../sharing.ts'
import { countRows, inputValue, useAdminApp } from './admin-test-setup.ts'

let sequence = 0

for (const backend of backends()) {
  describe(`sharing agreement administration on ${backend.name}`, () => {
    const context = useAdminApp(backend)
    let council: { id: string }
    let practitioner: TestUser

    before(async () => {
      council = await createOrganisation(context.database.db, { kind: 'council' })
      practitioner = await createUser(context.database.db, { role: 'partner_practitioner', organisationId: council.id })
    })

    const form = (values: Record<string, string | string[]> = {}) => {
      sequence += 1
      return {
        reference: `ISA-${backend.name}-${sequence}`,
        title: 'Safeguarding referrals',
        providerOrganisationId: context.police.id,
        recipientOrganisationId: council.id,
        dataClasses: ['person-identity', 'referral'],
        purposes: ['safeguarding'],
        status: 'active',
        'startsOn-day': '1',
        'startsOn-month': '1',
        'startsOn-year': '2026',
        'endsOn-day': '',
        'endsOn-month': '',
        'endsOn-year': '',
        requiresInvolvement: 'yes',
        notes: 'Line one\nLine two',
        ...values,
      }
    }

    async function created(values: Record<string, string | string[]> = {}) {
      const client = await context.signedIn()
      const body = form(values)
      const response = await client.postForm('/admin/sharing-agreements', body)
      assert.equal(response.statusCode, 303, response.body.slice(0, 3000))
      const row = await context.database.db.selectFrom('sharing_agreement').selectAll().where('reference', '=', body.reference as string).executeTakeFirstOrThrow()
      return { client, row }
    }

    test('an administrator adds an agreement and its recipient may then see the data', async () => {
      const { row } = await created()
      assert.deepEqual(row.data_classes, ['person-identity', 'referral'])
      assert.equal(row.starts_on, '2026-01-01')
      assert.equal(row.ends_on, null)
      assert.equal(row.requires_involvement, true)
      assert.equal(row.notes, 'Line one\nLine two')
      const decision = await mayAccess(context.database.db, practitioner, 'referral', 'safeguarding', context.clock.now())
      assert.equal(decision.allowed, true)
      assert.equal(decision.requiresInvolvement, true)
      assert.deepEqual((await context.auditEvents('CREATE_SHARING_AGREEMENT')).at(-1)!.record_ids, [row.id])
    })

    test('suspending an agreement in the page stops access at once, and reactivating restores it', async () => {
      const { client, row } = await created({ dataClasses: ['missing-episode'] })
      const ask = () => mayAccess(context.database.db, practitioner, 'missing-episode', 'safeguarding', context.clock.now())
      assert.equal((await ask()).allowed, true)
      const suspend = await client.postForm(`/admin/sharing-agreements/${row.id}/suspend`, { version: '1' })
      assert.equal(suspend.statusCode, 303)
      assert.equal((await ask()).allowed, false)
      assert.deepEqual((await context.auditEvents('SUSPEND_SHARING_AGREEMENT')).at(-1)!.details, { fields: ['status'] })
      assert.match((await client.get(`/admin/sharing-agreements/${row.id}?saved=suspended`)).body, /Agreement suspended/)
      await client.postForm(`/admin/sharing-agreements/${row.id}/reactivate`, { version: '2' })
      assert.equal((await ask()).allowed, true)
    })

    test('setting the end date to yesterday stops access at once', async () => {
      const { client, row } = await created({ dataClasses: ['incident-summary'], purposes: ['crime-prevention'] })
      const yesterday = partnershipDate(new Date(context.clock.now().getTime() - 86_400_000)).split('-')
      const response = await client.postForm(`/admin/sharing-agreements/${row.id}`, {
        ...form({ reference: row.reference, dataClasses: ['incident-summary'], purposes: ['crime-prevention'] }),
        'startsOn-year': '2020',
        'endsOn-day': yesterday[2]!,
        'endsOn-month': yesterday[1]!,
        'endsOn-year': yesterday[0]!,
        version: '1',
      })
      assert.equal(response.statusCode, 303)
      const decision = await mayAccess(context.database.db, practitioner, 'incident-summary', 'crime-prevention', context.clock.now())
      assert.equal(decision.allowed, false)
      const list = await client.get('/admin/sharing-agreements')
      assert.match(list.body, new RegExp(`${row.reference}[\\s\\S]*?govuk-tag--grey">\\s*Ended`))
      const audit = (await context.auditEvents('UPDATE_SHARING_AGREEMENT')).at(-1)!
      assert.deepEqual(audit.details, { fields: ['startsOn', 'endsOn'] })
    })

    test('dates that are not real, or an end before the start, are field errors linked to the day box', async () => {
      const client = await context.signedIn()
      const before = await countRows(context.database, 'sharing_agreement')
      const response = await client.postForm('/admin/sharing-agreements', form({
        'startsOn-day': '31', 'startsOn-month': '2', 'startsOn-year': '2026',
        'endsOn-day': '1', 'endsOn-month': '', 'endsOn-year': '2026',
      }))
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#startsOn-day">The date the agreement starts must be a real date/)
      assert.match(response.body, /href="#endsOn-day">The date the agreement ends must include a month/)
      assert.equal(inputValue(response.body, 'startsOn-day'), '31')
      const backwards = await client.postForm('/admin/sharing-agreements', form({ 'endsOn-day': '1', 'endsOn-month': '12', 'endsOn-year': '2025' }))
      assert.match(backwards.body, /href="#endsOn-day">The date the agreement ends must be the same as or after/)
      assert.equal(await countRows(context.database, 'sharing_agreement'), before)
    })

    test('police intelligence cannot be put in an agreement, nor data its provider does not control', async () => {
      const client = await context.signedIn()
      const intelligence = await client.postForm('/admin/sharing-agreements', form({ dataClasses: ['police-intelligence'] }))
      assert.equal(intelligence.statusCode, 400)
      assert.match(intelligence.body, /href="#dataClasses">Police intelligence is never shared/)
      const wrongProvider = await client.postForm('/admin/sharing-agreements', form({ providerOrganisationId: council.id, recipientOrganisationId: context.police.id }))
      assert.equal(wrongProvider.statusCode, 400)
      assert.match(wrongProvider.body, /href="#dataClasses">Person identity is controlled by a police force/)
      const sameOrganisation = await client.postForm('/admin/sharing-agreements', form({ recipientOrganisationId: context.police.id }))
      assert.match(sameOrganisation.body, /href="#recipientOrganisationId">The recipient must be a different organisation/)
    })

    test('a duplicate reference is a field error', async () => {
      const { client, row } = await created()
      const response = await client.postForm('/admin/sharing-agreements', form({ reference: row.reference }))
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#reference">An agreement with the reference/)
    })

    test('a stale version answers 409 for an edit and for a suspension', async () => {
      const { client, row } = await created()
      await client.postForm(`/admin/sharing-agreements/${row.id}`, { ...form({ reference: row.reference, title: 'Changed first' }), version: '1' })
      const edit = await client.postForm(`/admin/sharing-agreements/${row.id}`, { ...form({ reference: row.reference, title: 'Changed second' }), version: '1' })
      assert.equal(edit.statusCode, 409)
      assert.equal(inputValue(edit.body, 'title'), 'Changed first')
      const suspend = await client.postForm(`/admin/sharing-agreements/${row.id}/suspend`, { version: '1' })
      assert.equal(suspend.statusCode, 409)
      const current = await context.database.db.selectFrom('sharing_agreement').select(['status', 'title']).where('id', '=', row.id).executeTakeFirstOrThrow()
      assert.deepEqual(current, { status: 'active', title: 'Changed first' })
    })

    test('the list shows each agreement, an unknown one is a 404, and a non-administrator gets 403', async () => {
      const { client, row } = await created()
      assert.match((await client.get('/admin/sharing-agreements')).body, new RegExp(row.reference))
      assert.equal((await client.get('/admin/sharing-agreements/00000000-0000-4000-8000-000000000000')).statusCode, 404)
      const lead = await context.signedIn('strategic_lead')
      assert.equal((await lead.get('/admin/sharing-agreements')).statusCode, 403)
      assert.equal((await lead.postForm(`/admin/sharing-agreements/${row.id}/suspend`, { version: '1' })).statusCode, 403)
    })
  })
}
