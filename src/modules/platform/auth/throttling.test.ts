import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { accountKeyOf, MAX_FAILURES_PER_ADDRESS } from './throttling.ts'

for (const backend of backends()) {
  describe(`throttling of sign-in attempts on ${backend.name}`, () => {
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

    /** Each test signs in from its own address, so the per-address limit of one test does not touch another. */
    let nextAddress = 1
    const clientFrom = async () => {
      const client = new TestClient(app)
      const remoteAddress = `127.0.1.${nextAddress++}`
      const post = (email: string, password: string) =>
        client.request({
          method: 'POST',
          url: '/sign-in',
          remoteAddress,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: client.csrfToken, email, password }).toString(),
        })
      await client.get('/sign-in')
      return { client, remoteAddress, post }
    }

    const failTenTimes = async (post: (email: string, password: string) => Promise<{ statusCode: number }>, email: string) => {
      for (let attempt = 1; attempt <= 10; attempt++) {
        assert.equal((await post(email, `wrong password ${attempt}`)).statusCode, 400, `attempt ${attempt}`)
      }
    }

    test('the 11th failed sign-in within 5 minutes answers 429 with Retry-After and is audited', async () => {
      const user = await createUser(database.db)
      const { post } = await clientFrom()
      await failTenTimes(post, user.email)
      const eleventh = await post(user.email, 'wrong password 11')
      assert.equal(eleventh.statusCode, 429)
      assert.equal(eleventh.headers['retry-after'], '300')
      assert.match(eleventh.body, /too many attempts to sign in. Wait 5 minutes/)
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'SIGN_IN_THROTTLED')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'security')
      assert.deepEqual(audit.details, { accountKeyHash: accountKeyOf(user.email), scope: 'account', retryAfterSeconds: 300 })
    })

    test('the right password within the window is still 429, and after the window it signs in', async () => {
      const user = await createUser(database.db)
      const { post } = await clientFrom()
      await failTenTimes(post, user.email)
      assert.equal((await post(user.email, 'wrong password 11')).statusCode, 429)
      clock.advanceMinutes(2)
      const twelfth = await post(user.email, user.password)
      assert.equal(twelfth.statusCode, 429)
      assert.equal(twelfth.headers['retry-after'], '180')
      clock.advanceMinutes(3)
      const afterWindow = await post(user.email, user.password)
      assert.equal(afterWindow.statusCode, 303)
    })

    test('throttling one account does not stop another account signing in', async () => {
      const attacked = await createUser(database.db)
      const other = await createUser(database.db)
      const { post } = await clientFrom()
      await failTenTimes(post, attacked.email)
      assert.equal((await post(attacked.email, attacked.password)).statusCode, 429)
      const { post: postElsewhere } = await clientFrom()
      assert.equal((await postElsewhere(other.email, other.password)).statusCode, 303)
    })

    test('an address with 100 recent failures is throttled for any account, and other addresses are not', async () => {
      const user = await createUser(database.db)
      const { post, remoteAddress } = await clientFrom()
      const failedAt = clock.now()
      await database.db
        .insertInto('sign_in_failure')
        .values(Array.from({ length: MAX_FAILURES_PER_ADDRESS }, (_, index) => ({ account_key: accountKeyOf(`sprayed-${index}@example.test`), ip: remoteAddress, failed_at: failedAt })))
        .execute()
      const fromSprayer = await post(user.email, user.password)
      assert.equal(fromSprayer.statusCode, 429)
      assert.ok(Number(fromSprayer.headers['retry-after']) > 0)
      const { post: postElsewhere } = await clientFrom()
      assert.equal((await postElsewhere(user.email, user.password)).statusCode, 303)
    })

    test('failures older than the window are pruned', async () => {
      const { post } = await clientFrom()
      await post('pruned@example.test', 'wrong password')
      clock.advanceMinutes(6)
      await post('someone-else@example.test', 'wrong password')
      const left = await database.db.selectFrom('sign_in_failure').select('id').where('account_key', '=', accountKeyOf('pruned@example.test')).execute()
      assert.equal(left.length, 0)
    })
  })
}
