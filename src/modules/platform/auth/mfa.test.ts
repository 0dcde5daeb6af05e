import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser, type TestUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { base32Decode, totpAt } from './totp.ts'

for (const backend of backends()) {
  describe(`two-step verification with an authenticator app on ${backend.name}`, () => {
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

    const codeNow = (secret: string) => totpAt(base32Decode(secret), clock.now())

    /** Signs in, turns two-step verification on through the pages, and returns the key the app would hold. */
    const enrolledUser = async (): Promise<{ user: TestUser; secret: string }> => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.signIn(user.email, user.password)
      await client.get('/account/mfa')
      await client.postForm('/account/mfa/start', {})
      const page = await client.get('/account/mfa')
      const secret = /<code class="upstream-totp-key">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replace(/ /g, '')
      const response = await client.postForm('/account/mfa', { code: codeNow(secret) })
      assert.equal(response.statusCode, 303)
      clock.advance(30_000)
      return { user, secret }
    }

    const passwordStep = async (user: TestUser) => {
      const client = new TestClient(app)
      const response = await client.signIn(user.email, user.password)
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/sign-in/code')
      await client.get('/sign-in/code')
      return client
    }

    test('turning it on needs a code from the new key, and is audited', async () => {
      const { user } = await enrolledUser()
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'ENABLE_MFA')
        .where('actor_user_id', '=', user.id)
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'alter')
      assert.deepEqual(audit.details, { fields: ['totp'] })
    })

    test('a wrong code while setting up leaves it off', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.signIn(user.email, user.password)
      await client.get('/account/mfa')
      await client.postForm('/account/mfa/start', {})
      await client.get('/account/mfa')
      const response = await client.postForm('/account/mfa', { code: '000000' })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /<a href="#code">Enter the 6-digit code/)
      const row = await database.db.selectFrom('app_user').select('totp_secret').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.equal(row.totp_secret, null)
    })

    test('the right password alone gives no session; the code then signs in', async () => {
      const { user, secret } = await enrolledUser()
      const client = await passwordStep(user)
      assert.equal(client.cookies.get('upstream-session'), undefined)
      assert.equal((await client.get('/home')).statusCode, 302)
      await client.get('/sign-in/code')
      const response = await client.postForm('/sign-in/code', { code: codeNow(secret) })
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/home')
      assert.equal((await client.get('/home')).statusCode, 200)
    })

    test('a code cannot be used twice', async () => {
      const { user, secret } = await enrolledUser()
      const code = codeNow(secret)
      const first = await passwordStep(user)
      assert.equal((await first.postForm('/sign-in/code', { code })).statusCode, 303)
      const second = await passwordStep(user)
      const replay = await second.postForm('/sign-in/code', { code })
      assert.equal(replay.statusCode, 400)
      assert.match(replay.body, /The code is not correct, or has been used/)
      clock.advance(30_000)
      assert.equal((await second.postForm('/sign-in/code', { code: codeNow(secret) })).statusCode, 303)
    })

    test('wrong codes are audited and throttled like wrong passwords', async () => {
      const { user, secret } = await enrolledUser()
      const client = await passwordStep(user)
      for (let attempt = 1; attempt <= 10; attempt++) {
        assert.equal((await client.postForm('/sign-in/code', { code: String(100000 + attempt) })).statusCode, 400)
      }
      const throttled = await client.postForm('/sign-in/code', { code: codeNow(secret) })
      assert.equal(throttled.statusCode, 429)
      assert.ok(Number(throttled.headers['retry-after']) > 0)
      const failures = await database.db
        .selectFrom('audit_event')
        .select('details')
        .where('event', '=', 'SIGN_IN_FAILED')
        .orderBy('seq', 'desc')
        .limit(10)
        .execute()
      assert.ok(failures.every((row) => (row.details as { reason?: string }).reason === 'wrong code'))
    })

    test('the code step expires after 5 minutes', async () => {
      const { user, secret } = await enrolledUser()
      const client = await passwordStep(user)
      clock.advanceMinutes(6)
      const response = await client.postForm('/sign-in/code', { code: codeNow(secret) })
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/sign-in')
      assert.equal(client.cookies.get('upstream-session'), undefined)
    })

    test('the code page without a password step goes back to sign in', async () => {
      const response = await new TestClient(app).get('/sign-in/code')
      assert.equal(response.statusCode, 302)
      assert.equal(response.headers.location, '/sign-in')
    })

    test('turning it off needs a current code', async () => {
      const { user, secret } = await enrolledUser()
      const client = await passwordStep(user)
      await client.postForm('/sign-in/code', { code: codeNow(secret) })
      clock.advance(30_000)
      await client.get('/account/mfa')
      assert.equal((await client.postForm('/account/mfa/turn-off', { code: '000000' })).statusCode, 400)
      assert.equal((await client.postForm('/account/mfa/turn-off', { code: codeNow(secret) })).statusCode, 303)
      assert.equal((await new TestClient(app).signIn(user.email, user.password)).headers.location, '/home')
    })
  })
}
