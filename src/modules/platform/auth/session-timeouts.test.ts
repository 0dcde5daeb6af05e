import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { IDLE_TIMEOUT_MS } from './sessions.ts'

/** A signed-in API route for these tests, in case the API has none yet. */
const testApiRoute = (app: FastifyInstance) =>
  defineRoutes(app).get('/api/test/who-am-i', { permission: 'signed-in', handler: (request) => ({ id: request.user!.id }) })

for (const backend of backends()) {
  describe(`sessions end when they should on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database, { extraRoutes: testApiRoute }))
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const signedInClient = async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      assert.equal((await client.signIn(user.email, user.password)).statusCode, 303)
      return { user, client }
    }

    test('a request after 29 minutes idle is answered', async () => {
      const { client } = await signedInClient()
      clock.advanceMinutes(29)
      assert.equal((await client.get('/home')).statusCode, 200)
    })

    test('a request after 31 minutes idle goes back to sign in with the inactivity message', async () => {
      const { client } = await signedInClient()
      clock.advanceMinutes(31)
      const response = await client.get('/home')
      assert.equal(response.statusCode, 302)
      assert.equal(response.headers.location, '/sign-in?next=%2Fhome&expired=1')
      assert.match((await client.get(response.headers.location)).body, /You were signed out because you were inactive/)
    })

    test('after 12 hours of activity the user goes back to sign in', async () => {
      const { client } = await signedInClient()
      for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
        clock.advanceMinutes(20)
        assert.equal((await client.get('/home')).statusCode, 200, `after ${minutes} minutes`)
      }
      clock.advanceMinutes(20)
      const response = await client.get('/home')
      assert.equal(response.statusCode, 302)
      assert.match(String(response.headers.location), /^\/sign-in\?/)
    })

    test('signing out ends the session, clears the cookie and says so', async () => {
      const { user, client } = await signedInClient()
      await client.get('/home')
      const response = await client.postForm('/sign-out', {})
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/sign-in?signedOut=1')
      const cleared = response.cookies.find((cookie) => cookie.name === 'upstream-session')
      assert.ok(cleared && cleared.expires && cleared.expires.getTime() <= Date.now())
      assert.match((await client.get('/sign-in?signedOut=1')).body, /You have signed out/)
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'SIGN_OUT')
        .where('actor_user_id', '=', user.id)
        .executeTakeFirst()
      assert.equal(audit?.action, 'sign-in')
    })

    test('an old cookie replayed after sign-out gets the sign-in page', async () => {
      const { client } = await signedInClient()
      const oldCookie = client.cookies.get('upstream-session')!
      await client.get('/home')
      await client.postForm('/sign-out', {})
      const replay = new TestClient(app)
      replay.cookies.set('upstream-session', oldCookie)
      const response = await replay.get('/home')
      assert.equal(response.statusCode, 302)
      assert.equal(response.headers.location, '/sign-in?next=%2Fhome')
    })

    test('disabling a user ends their open session: pages go to sign in and the API answers 401', async () => {
      const { user, client } = await signedInClient()
      assert.equal((await client.get('/api/test/who-am-i', { accept: 'application/json' })).statusCode, 200)
      const apiClient = new TestClient(app)
      apiClient.cookies.set('upstream-session', client.cookies.get('upstream-session')!)
      await database.db.updateTable('app_user').set({ disabled: true }).where('id', '=', user.id).execute()
      const api = await apiClient.get('/api/test/who-am-i', { accept: 'application/json' })
      assert.equal(api.statusCode, 401)
      const page = await client.get('/home')
      assert.equal(page.statusCode, 302)
      assert.match(String(page.headers.location), /^\/sign-in/)
    })

    test('the session cookie is HttpOnly, SameSite=Lax and for the whole site', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.get('/sign-in')
      const response = await client.postForm('/sign-in', { email: user.email, password: user.password })
      const header = [response.headers['set-cookie']].flat().find((line) => line?.startsWith('upstream-session='))
      assert.ok(header)
      assert.match(header, /; HttpOnly/)
      assert.match(header, /; SameSite=Lax/)
      assert.match(header, /; Path=\//)
      assert.doesNotMatch(header, /Domain=/)
    })

    test('"Stay signed in" records activity, so the session outlives the idle timeout', async () => {
      const { client } = await signedInClient()
      await client.get('/home')
      clock.advanceMinutes(28)
      const response = await client.request({ method: 'POST', url: '/account/keep-alive', headers: { 'x-csrf-token': client.csrfToken, accept: 'application/json' } })
      assert.equal(response.statusCode, 200)
      assert.deepEqual(response.json(), { idleExpiresAt: new Date(clock.now().getTime() + IDLE_TIMEOUT_MS).toISOString() })
      clock.advanceMinutes(28)
      assert.equal((await client.get('/home')).statusCode, 200)
    })

    test('"Stay signed in" without the CSRF token is refused', async () => {
      const { client } = await signedInClient()
      const response = await client.request({ method: 'POST', url: '/account/keep-alive', headers: { accept: 'application/json' } })
      assert.equal(response.statusCode, 403)
    })

    test('signed-in pages tell the page script the idle timeout, and offer a sign-out button', async () => {
      const { client } = await signedInClient()
      const page = await client.get('/home')
      assert.match(page.body, new RegExp(`<meta name="upstream-session-idle-seconds" content="${IDLE_TIMEOUT_MS / 1000}">`))
      assert.match(page.body, /<form class="upstream-header__sign-out" method="post" action="\/sign-out">/)
      const anonymous = await new TestClient(app).get('/sign-in')
      assert.doesNotMatch(anonymous.body, /upstream-session-idle-seconds|action="\/sign-out"/)
    })
  })

  describe(`the session cookie in production on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    before(async () => {
      database = await backend.create()
      ;({ app } = await testApp(database, { config: { production: true } }))
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the cookie has the __Host- prefix and Secure, HttpOnly, SameSite=Lax and Path=/', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.get('/sign-in')
      const response = await client.postForm('/sign-in', { email: user.email, password: user.password })
      assert.equal(response.statusCode, 303)
      const header = [response.headers['set-cookie']].flat().find((line) => line?.startsWith('__Host-upstream-session='))
      assert.ok(header, String(response.headers['set-cookie']))
      for (const attribute of [/; Secure/, /; HttpOnly/, /; SameSite=Lax/, /; Path=\/(;|$)/]) assert.match(header, attribute)
      assert.doesNotMatch(header, /Domain=/)
      assert.equal((await client.get('/home')).statusCode, 200)
    })
  })
}
