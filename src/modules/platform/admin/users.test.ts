import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { createOrganisation, createTeam, createUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import { createSession, lookupSession } from '../auth/sessions.ts'
import { verifyPassword } from '../auth/passwords.ts'
import { countRows, inputValue, useAdminApp } from './admin-test-setup.ts'

const passwordOnPage = (html: string) => /id="initial-password">([^<]+)</.exec(html)?.[1]

for (const backend of backends()) {
  describe(`user administration on ${backend.name}`, () => {
    const context = useAdminApp(backend)
    const userRow = (id: string) => context.database.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

    test('creating a user shows a generated initial password once, which is the one stored as a hash', async () => {
      const client = await context.signedIn()
      const team = await createTeam(context.database.db, context.police.id)
      await client.get('/admin/users/new')
      const response = await client.postForm('/admin/users', {
        email: 'New.Officer@Example.Test',
        displayName: 'Nadia Officer',
        role: 'officer',
        organisationId: context.police.id,
        teamIds: [team.id],
      })
      assert.equal(response.statusCode, 201)
      assert.match(response.body, /Give this password to Nadia Officer; they should change it after signing in/)
      assert.equal(response.headers['cache-control'], 'no-store')
      const password = passwordOnPage(response.body)!
      assert.ok(password.length >= 16, password)
      const row = await context.database.db.selectFrom('app_user').selectAll().where('email', '=', 'new.officer@example.test').executeTakeFirstOrThrow()
      assert.equal(await verifyPassword(row.password_hash!, password), true)
      assert.equal(row.password_changed_at, null)
      const memberships = await context.database.db.selectFrom('team_membership').select('team_id').where('user_id', '=', row.id).execute()
      assert.deepEqual(memberships, [{ team_id: team.id }])
      const [audit] = await context.auditEvents('CREATE_USER')
      assert.equal(audit!.action, 'collect')
      assert.deepEqual(audit!.record_ids, [row.id])
      const page = await client.get(`/admin/users/${row.id}`)
      assert.doesNotMatch(page.body, new RegExp(password))
      assert.doesNotMatch(page.body, /initial-password/)
    })

    test('a duplicate email, in any case, is a field error with the values kept', async () => {
      const client = await context.signedIn()
      const existing = await createUser(context.database.db, { organisationId: context.police.id })
      const before = await countRows(context.database, 'app_user')
      const response = await client.postForm('/admin/users', {
        email: existing.email.toUpperCase(),
        displayName: 'Someone Else',
        role: 'analyst',
        organisationId: context.police.id,
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#email">A user with this email address already exists/)
      assert.equal(inputValue(response.body, 'displayName'), 'Someone Else')
      assert.equal(await countRows(context.database, 'app_user'), before)
    })

    test('missing and unknown values each get an error linked to their field', async () => {
      const client = await context.signedIn()
      const response = await client.postForm('/admin/users', { email: 'not-an-email', displayName: '', role: 'emperor', organisationId: 'nope' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#email">Enter an email address in the correct format/)
      assert.match(response.body, /href="#displayName">Enter full name/)
      assert.match(response.body, /href="#role">Select a role/)
      assert.match(response.body, /href="#organisationId">Select the organisation/)
    })

    test('the list filters by organisation, role, text and status, and audits the ids it shows', async () => {
      const client = await context.signedIn()
      const council = await createOrganisation(context.database.db, { kind: 'council' })
      const match = await createUser(context.database.db, { role: 'partner_practitioner', organisationId: council.id, displayName: 'Zelda Filterable' })
      await createUser(context.database.db, { role: 'officer', organisationId: council.id, displayName: 'Zelda Other Role' })
      const response = await client.get(`/admin/users?organisation=${council.id}&role=partner_practitioner&q=zelda&disabled=no`)
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /Zelda Filterable/)
      assert.doesNotMatch(response.body, /Zelda Other Role/)
      const audit = (await context.auditEvents('LIST_USERS')).at(-1)!
      assert.equal(audit.action, 'consult')
      assert.deepEqual(audit.record_ids, [match.id])
      assert.deepEqual(audit.details.filters, ['organisationId', 'role', 'search', 'disabled'])
    })

    test('a search for a percent sign matches it literally', async () => {
      const client = await context.signedIn()
      const response = await client.get('/admin/users?q=%25')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /No users match these filters/)
    })

    test('the list shows 25 users a page with links to the next page', async () => {
      const client = await context.signedIn()
      const org = await createOrganisation(context.database.db, { kind: 'charity' })
      for (let index = 0; index < 27; index++) {
        await context.database.db
          .insertInto('app_user')
          .values({ email: `paged-${index}@example.test`, display_name: `Paged ${String(index).padStart(2, '0')}`, role: 'officer', organisation_id: org.id, password_hash: null, oidc_issuer: null, oidc_subject: null, updated_at: new Date() })
          .execute()
      }
      const first = await client.get(`/admin/users?organisation=${org.id}`)
      assert.equal((first.body.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g) ?? []).length, 25)
      assert.match(first.body, /27 users, page 1 of 2/)
      assert.match(first.body, new RegExp(`href="/admin/users\\?organisation=${org.id}&amp;page=2"`))
      const second = await client.get(`/admin/users?organisation=${org.id}&page=2`)
      assert.equal((second.body.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g) ?? []).length, 2)
      assert.match(second.body, /Paged 26/)
    })

    test('editing role, organisation, teams and name records the changed field names only', async () => {
      const client = await context.signedIn()
      const user = await createUser(context.database.db, { role: 'officer', organisationId: context.police.id, displayName: 'Before Name' })
      const team = await createTeam(context.database.db, context.police.id)
      const response = await client.postForm(`/admin/users/${user.id}`, {
        displayName: 'After Name',
        role: 'supervisor',
        organisationId: context.police.id,
        teamIds: [team.id],
        version: '1',
      })
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, `/admin/users/${user.id}?saved=updated`)
      const row = await userRow(user.id)
      assert.equal(row.role, 'supervisor')
      assert.equal(row.display_name, 'After Name')
      assert.equal(row.version, 2)
      const audit = (await context.auditEvents('UPDATE_USER')).at(-1)!
      assert.deepEqual(audit.details, { fields: ['displayName', 'role', 'teamIds'] })
      assert.match((await client.get(`/admin/users/${user.id}?saved=updated`)).body, /User updated/)
    })

    test('a stale version of a user answers 409 with the current values', async () => {
      const client = await context.signedIn()
      const user = await createUser(context.database.db, { role: 'officer', organisationId: context.police.id, displayName: 'Original' })
      const form = { role: 'officer', organisationId: context.police.id, version: '1' }
      await client.postForm(`/admin/users/${user.id}`, { ...form, displayName: 'First change' })
      const response = await client.postForm(`/admin/users/${user.id}`, { ...form, displayName: 'Second change' })
      assert.equal(response.statusCode, 409)
      assert.match(response.body, /Someone else changed this/)
      assert.equal(inputValue(response.body, 'displayName'), 'First change')
      assert.equal((await userRow(user.id)).display_name, 'First change')
    })

    test('disabling a user ends their sessions at once, and enabling lets them back', async () => {
      const client = await context.signedIn()
      const user = await createUser(context.database.db, { role: 'analyst', organisationId: context.police.id })
      const { token } = await createSession(context.database.db, context.clock, user.id)
      const disable = await client.postForm(`/admin/users/${user.id}/disable`, { version: '1' })
      assert.equal(disable.statusCode, 303)
      assert.equal((await userRow(user.id)).disabled, true)
      assert.equal((await lookupSession(context.database.db, context.clock, token)).status, 'missing')
      const ended = (await context.auditEvents('SESSIONS_ENDED')).at(-1)!
      assert.equal(ended.action, 'security')
      assert.deepEqual(ended.record_ids, [user.id])
      assert.equal(ended.details.sessions, 1)
      const enable = await client.postForm(`/admin/users/${user.id}/enable`, { version: '2' })
      assert.equal(enable.statusCode, 303)
      assert.equal((await userRow(user.id)).disabled, false)
    })

    test('an administrator cannot disable their own account', async () => {
      const client = await context.signedIn()
      const row = await userRow(context.administrator.id)
      const response = await client.postForm(`/admin/users/${context.administrator.id}/disable`, { version: String(row.version) })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /You cannot disable your own account/)
      assert.equal((await userRow(context.administrator.id)).disabled, false)
    })

    test('"End all sessions" signs the user out everywhere and is audited as a security event', async () => {
      const client = await context.signedIn()
      const user = await createUser(context.database.db, { role: 'officer', organisationId: context.police.id })
      const victim = await clientSignedInAs(context.app, context.database.db, context.clock, user.id)
      assert.equal((await victim.get('/home')).statusCode, 200)
      const response = await client.postForm(`/admin/users/${user.id}/end-sessions`, {})
      assert.equal(response.statusCode, 303)
      assert.equal((await victim.get('/home')).statusCode, 302)
      const audit = (await context.auditEvents('SESSIONS_ENDED')).at(-1)!
      assert.deepEqual(audit.record_ids, [user.id])
    })

    test('resetting a password shows a new one-time password and the old one stops working', async () => {
      const client = await context.signedIn()
      const user = await createUser(context.database.db, { role: 'officer', organisationId: context.police.id, displayName: 'Reset Me' })
      const response = await client.postForm(`/admin/users/${user.id}/reset-password`, { version: '1' })
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /Give this password to Reset Me; they should change it after signing in/)
      const password = passwordOnPage(response.body)!
      const row = await userRow(user.id)
      assert.equal(await verifyPassword(row.password_hash!, password), true)
      assert.equal(await verifyPassword(row.password_hash!, user.password), false)
      assert.deepEqual((await context.auditEvents('RESET_PASSWORD')).at(-1)!.details, { fields: ['password'] })
    })

    test('the password of a user who signs in with their organisation\'s identity provider cannot be reset', async () => {
      const client = await context.signedIn()
      const row = await context.database.db
        .insertInto('app_user')
        .values({ email: 'oidc-user@example.test', display_name: 'Ida Provider', role: 'officer', organisation_id: context.police.id, password_hash: null, oidc_issuer: 'https://idp.example.test', oidc_subject: 'sub-1', updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
      const page = await client.get(`/admin/users/${row.id}`)
      assert.doesNotMatch(page.body, /Reset password/)
      const response = await client.postForm(`/admin/users/${row.id}/reset-password`, { version: '1' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /signs in with their organisation&#39;s identity provider/)
      assert.equal((await userRow(row.id)).password_hash, null)
    })

    test('an unknown user id is a 404 page for viewing and for every action', async () => {
      const client = await context.signedIn()
      const missing = '00000000-0000-4000-8000-000000000000'
      assert.equal((await client.get(`/admin/users/${missing}`)).statusCode, 404)
      assert.equal((await client.get('/admin/users/123')).statusCode, 404)
      for (const action of ['', '/disable', '/enable', '/end-sessions', '/reset-password']) {
        assert.equal((await client.postForm(`/admin/users/${missing}${action}`, { version: '1' })).statusCode, 404, action)
      }
    })

    test('a user without the admin:users permission is refused with 403 and nothing is written', async () => {
      const client = await context.signedIn('supervisor')
      const before = await countRows(context.database, 'app_user')
      assert.equal((await client.get('/admin/users')).statusCode, 403)
      const response = await client.postForm('/admin/users', { email: 'x@example.test', displayName: 'X', role: 'administrator', organisationId: context.police.id })
      assert.equal(response.statusCode, 403)
      assert.equal(await countRows(context.database, 'app_user'), before)
    })
  })
}
