import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createTeam, createUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'

const NEW_PASSWORD = 'kettle marmalade bicycle'

for (const backend of backends()) {
  describe(`the account pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const signedIn = async (user: { email: string; password: string }) => {
      const client = new TestClient(app)
      assert.equal((await client.signIn(user.email, user.password)).statusCode, 303)
      return client
    }

    const changeForm = (currentPassword: string, newPassword = NEW_PASSWORD, confirmPassword = newPassword) => ({
      currentPassword,
      newPassword,
      confirmPassword,
    })

    test('the account page shows name, email, organisation, role, teams and open sessions', async () => {
      const organisation = await createOrganisation(database.db, { name: 'Worcestershire County Council' })
      const user = await createUser(database.db, { organisationId: organisation.id, role: 'analyst', displayName: 'Priya Shah', email: 'priya.shah@worcs.example' })
      await createTeam(database.db, organisation.id, { name: 'Community Safety Team', memberIds: [user.id] })
      await signedIn(user)
      const client = await signedIn(user)
      const response = await client.get('/account')
      assert.equal(response.statusCode, 200)
      for (const text of ['Priya Shah', 'priya.shah@worcs.example', 'Worcestershire County Council', 'Analyst', 'Community Safety Team']) {
        assert.ok(response.body.includes(text), text)
      }
      assert.equal(response.body.match(/<tr class="govuk-table__row">/g)?.length, 3, 'a header row and two sessions')
      assert.equal(response.body.match(/\(this session\)/g)?.length, 1)
    })

    test('a user who signs in through their organisation is told their password is managed there', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await database.db.updateTable('app_user').set({ password_hash: null }).where('id', '=', user.id).execute()
      const response = await client.get('/account')
      assert.doesNotMatch(response.body, /href="\/account\/password"/)
      assert.match(response.body, /Your password is managed there/)
    })

    test('changing the password ends every other session, keeps this one, and the new password signs in', async () => {
      const user = await createUser(database.db)
      const elsewhere = await signedIn(user)
      const client = await signedIn(user)
      await client.get('/account/password')
      const response = await client.postForm('/account/password', changeForm(user.password))
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/account?passwordChanged=1')
      assert.match((await client.get('/account?passwordChanged=1')).body, /Your password has been changed/)
      assert.equal((await elsewhere.get('/home')).statusCode, 302)
      assert.equal((await new TestClient(app).signIn(user.email, user.password)).statusCode, 400)
      assert.equal((await new TestClient(app).signIn(user.email, NEW_PASSWORD)).statusCode, 303)
      const row = await database.db.selectFrom('app_user').select('password_changed_at').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.equal(row.password_changed_at?.getTime(), clock.now().getTime())
    })

    test('a password change is audited as an alteration of the password field', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await client.get('/account/password')
      await client.postForm('/account/password', changeForm(user.password))
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'CHANGE_PASSWORD')
        .where('actor_user_id', '=', user.id)
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'alter')
      assert.deepEqual(audit.details, { fields: ['password'] })
      assert.deepEqual(audit.record_ids, [user.id])
    })

    test('a wrong current password changes nothing', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await client.get('/account/password')
      const response = await client.postForm('/account/password', changeForm('not my password'))
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /<a href="#currentPassword">Your current password is not correct<\/a>/)
      assert.equal((await new TestClient(app).signIn(user.email, user.password)).statusCode, 303)
    })

    test('a new password that breaks the policy is refused with the reason beside the field', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await client.get('/account/password')
      const cases: [string, RegExp][] = [
        ['short', /8 characters or more/],
        ['iloveyou', /list of common passwords/],
        ['Upstream2026', /name of this service/],
        ['', /Enter a new password/],
      ]
      for (const [newPassword, message] of cases) {
        const response = await client.postForm('/account/password', changeForm(user.password, newPassword))
        assert.equal(response.statusCode, 400, newPassword)
        assert.ok(new RegExp(`<a href="#newPassword">[^<]*${message.source}`).test(response.body), newPassword)
        assert.match(response.body, /id="newPassword-error"/)
      }
    })

    test('a confirmation that does not match is refused', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await client.get('/account/password')
      const response = await client.postForm('/account/password', changeForm(user.password, NEW_PASSWORD, 'something else entirely'))
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /<a href="#confirmPassword">The passwords do not match<\/a>/)
    })

    test('the change password page recommends 15 characters or more', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      const response = await client.get('/account/password')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /15 or more is better/)
      assert.match(response.body, /autocomplete="new-password"/)
    })

    test('guessing the current password from a signed-in session is throttled like signing in', async () => {
      const user = await createUser(database.db)
      const client = await signedIn(user)
      await client.get('/account/password')
      for (let attempt = 1; attempt <= 10; attempt++) {
        assert.equal((await client.postForm('/account/password', changeForm(`guess ${attempt}`))).statusCode, 400)
      }
      const response = await client.postForm('/account/password', changeForm(user.password))
      assert.equal(response.statusCode, 429)
      assert.ok(Number(response.headers['retry-after']) > 0)
    })
  })
}
