import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { createOrganisation } from '../../../../test/factories.ts'
import { countRows, inputValue, useAdminApp } from './admin-test-setup.ts'

const validForm = (name: string) => ({ name, kind: 'council', oidcIssuer: '', oidcClientId: '', oidcClientSecret: '' })

for (const backend of backends()) {
  describe(`organisation administration on ${backend.name}`, () => {
    const context = useAdminApp(backend)

    test('an administrator adds an organisation and sees it in the list', async () => {
      const client = await context.signedIn()
      await client.get('/admin/organisations/new')
      const response = await client.postForm('/admin/organisations', validForm('Northvale Council'))
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/admin/organisations?saved=created')
      const list = await client.get('/admin/organisations?saved=created')
      assert.match(list.body, /Organisation added/)
      assert.match(list.body, /Northvale Council/)
      const row = await context.database.db.selectFrom('organisation').select(['id', 'kind']).where('name', '=', 'Northvale Council').executeTakeFirstOrThrow()
      assert.equal(row.kind, 'council')
      const [audit] = await context.auditEvents('CREATE_ORGANISATION')
      assert.equal(audit!.action, 'collect')
      assert.deepEqual(audit!.record_ids, [row.id])
    })

    test('a form without a name or kind is shown again with an error summary linking to each field and the values kept', async () => {
      const client = await context.signedIn()
      const before = await countRows(context.database, 'organisation')
      const response = await client.postForm('/admin/organisations', { name: '  ', kind: 'spaceship', oidcIssuer: 'not a url', oidcClientId: 'abc', oidcClientSecret: '' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, /href="#name">Enter name</)
      assert.match(response.body, /href="#kind">Select the kind of organisation</)
      assert.match(response.body, /href="#oidcIssuer">Issuer URL must be a web address/)
      assert.equal(inputValue(response.body, 'oidcClientId'), 'abc')
      assert.equal(await countRows(context.database, 'organisation'), before)
    })

    test('a duplicate name, in any case, is a field error and not a server error', async () => {
      const client = await context.signedIn()
      await createOrganisation(context.database.db, { name: 'Eastvale Fire', kind: 'fire_service' })
      const response = await client.postForm('/admin/organisations', { ...validForm('EASTVALE FIRE'), kind: 'fire_service' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#name">An organisation called &#39;EASTVALE FIRE&#39; already exists/)
    })

    test('editing records the names of the changed fields and bumps the version', async () => {
      const client = await context.signedIn()
      const organisation = await createOrganisation(context.database.db, { kind: 'charity' })
      const page = await client.get(`/admin/organisations/${organisation.id}`)
      assert.match(page.body, /name="version" value="1"/)
      const response = await client.postForm(`/admin/organisations/${organisation.id}`, {
        ...validForm(`${organisation.name} renamed`),
        kind: 'charity',
        version: '1',
      })
      assert.equal(response.statusCode, 303)
      const row = await context.database.db.selectFrom('organisation').select(['name', 'version']).where('id', '=', organisation.id).executeTakeFirstOrThrow()
      assert.equal(row.name, `${organisation.name} renamed`)
      assert.equal(row.version, 2)
      const audit = (await context.auditEvents('UPDATE_ORGANISATION')).at(-1)!
      assert.equal(audit.action, 'alter')
      assert.deepEqual(audit.details, { fields: ['name'] })
    })

    test('a stale version answers 409 with the current values and changes nothing', async () => {
      const client = await context.signedIn()
      const organisation = await createOrganisation(context.database.db, { kind: 'charity' })
      await client.postForm(`/admin/organisations/${organisation.id}`, { ...validForm('First editor wins'), kind: 'charity', version: '1' })
      const response = await client.postForm(`/admin/organisations/${organisation.id}`, { ...validForm('Second editor loses'), kind: 'charity', version: '1' })
      assert.equal(response.statusCode, 409)
      assert.match(response.body, /Someone else changed this/)
      assert.equal(inputValue(response.body, 'name'), 'First editor wins')
      assert.match(response.body, /name="version" value="2"/)
      const row = await context.database.db.selectFrom('organisation').select('name').where('id', '=', organisation.id).executeTakeFirstOrThrow()
      assert.equal(row.name, 'First editor wins')
    })

    test('a version beyond the range of the column is stale, not a server error', async () => {
      const client = await context.signedIn()
      const organisation = await createOrganisation(context.database.db, { kind: 'charity' })
      const response = await client.postForm(`/admin/organisations/${organisation.id}`, { ...validForm('Overflow'), kind: 'charity', version: '99999999999' })
      assert.equal(response.statusCode, 409)
    })

    test('the client secret is never shown back, only whether it is set, and an empty field keeps it', async () => {
      const client = await context.signedIn()
      const created = await client.postForm('/admin/organisations', {
        name: 'Westvale Police',
        kind: 'police_force',
        oidcIssuer: 'https://login.westvale.example',
        oidcClientId: 'upstream',
        oidcClientSecret: 'SECRET-CANARY-123',
        oidcRequireMfa: 'yes',
      })
      assert.equal(created.statusCode, 303)
      const row = await context.database.db.selectFrom('organisation').selectAll().where('name', '=', 'Westvale Police').executeTakeFirstOrThrow()
      assert.equal(row.oidc_client_secret, 'SECRET-CANARY-123')
      assert.equal(row.oidc_require_mfa, true)
      const page = await client.get(`/admin/organisations/${row.id}`)
      assert.doesNotMatch(page.body, /SECRET-CANARY-123/)
      assert.match(page.body, /Client secret: <strong>set<\/strong>/)
      await client.postForm(`/admin/organisations/${row.id}`, {
        name: 'Westvale Police',
        kind: 'police_force',
        oidcIssuer: 'https://login.westvale.example',
        oidcClientId: 'upstream',
        oidcClientSecret: '',
        oidcRequireMfa: 'yes',
        version: '1',
      })
      const after = await context.database.db.selectFrom('organisation').select('oidc_client_secret').where('id', '=', row.id).executeTakeFirstOrThrow()
      assert.equal(after.oidc_client_secret, 'SECRET-CANARY-123')
    })

    test('a set client secret can be replaced or removed, and the audit names the field only', async () => {
      const client = await context.signedIn()
      const form = { name: 'Southvale Police', kind: 'police_force', oidcIssuer: 'https://login.southvale.example', oidcClientId: 'upstream' }
      await client.postForm('/admin/organisations', { ...form, oidcClientSecret: 'FIRST-SECRET' })
      const row = await context.database.db.selectFrom('organisation').select('id').where('name', '=', 'Southvale Police').executeTakeFirstOrThrow()
      const secretOf = async () =>
        (await context.database.db.selectFrom('organisation').select('oidc_client_secret').where('id', '=', row.id).executeTakeFirstOrThrow()).oidc_client_secret
      await client.postForm(`/admin/organisations/${row.id}`, { ...form, oidcClientSecret: 'SECOND-SECRET', version: '1' })
      assert.equal(await secretOf(), 'SECOND-SECRET')
      const audit = (await context.auditEvents('UPDATE_ORGANISATION')).at(-1)!
      assert.deepEqual(audit.details, { fields: ['oidcClientSecret'] })
      assert.doesNotMatch(JSON.stringify(audit), /SECRET/)
      const page = await client.get(`/admin/organisations/${row.id}`)
      assert.match(page.body, /name="removeOidcClientSecret"/)
      await client.postForm(`/admin/organisations/${row.id}`, { ...form, oidcClientSecret: '', removeOidcClientSecret: 'yes', version: '2' })
      assert.equal(await secretOf(), null)
      assert.match((await client.get(`/admin/organisations/${row.id}`)).body, /Client secret: <strong>not set<\/strong>/)
    })

    test('an invalid secret submission is not echoed back into the page', async () => {
      const client = await context.signedIn()
      const response = await client.postForm('/admin/organisations', { name: '', kind: 'council', oidcIssuer: '', oidcClientId: '', oidcClientSecret: 'TYPED-SECRET-CANARY' })
      assert.equal(response.statusCode, 400)
      assert.doesNotMatch(response.body, /TYPED-SECRET-CANARY/)
    })

    test('an unknown or malformed id is a 404 page', async () => {
      const client = await context.signedIn()
      assert.equal((await client.get('/admin/organisations/00000000-0000-4000-8000-000000000000')).statusCode, 404)
      assert.equal((await client.get('/admin/organisations/not-a-uuid')).statusCode, 404)
      const post = await client.postForm('/admin/organisations/not-a-uuid', { ...validForm('x'), version: '1' })
      assert.equal(post.statusCode, 404)
    })

    test('a user who is not an administrator is refused with 403', async () => {
      const client = await context.signedIn('analyst')
      assert.equal((await client.get('/admin/organisations')).statusCode, 403)
      assert.equal((await client.get('/admin')).statusCode, 403)
      const before = await countRows(context.database, 'organisation')
      assert.equal((await client.postForm('/admin/organisations', validForm('Sneaky Council'))).statusCode, 403)
      assert.equal(await countRows(context.database, 'organisation'), before)
    })
  })
}
