import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../test/backends.ts'
import { testApp } from '../../test/app.ts'
import { createUser } from '../../test/factories.ts'
import { clientSignedInAs, TestClient } from '../../test/http-client.ts'
import type { FastifyInstance } from 'fastify'
import type { ManualClock } from '../clock.ts'

for (const backend of backends()) {
  describe(`the server shell on ${backend.name}`, () => {
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

    test('the public start page renders in the generic header without the GOV.UK crown', async () => {
      const response = await new TestClient(app).get('/')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /class="upstream-header"/)
      assert.doesNotMatch(response.body, /govuk-header__logotype|moj-header__logotype-crown/)
    })

    test('a staff page sends an anonymous visitor to sign in', async () => {
      const response = await new TestClient(app).get('/home')
      assert.equal(response.statusCode, 302)
      assert.equal(response.headers.location, '/sign-in?next=%2Fhome')
    })

    test('a signed-in user sees their home page with a CSP nonce on every script', async () => {
      const user = await createUser(database.db, { role: 'analyst' })
      const client = await clientSignedInAs(app, database.db, clock, user.id)
      const response = await client.get('/home')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /signed in as <strong>Analyst<\/strong>/)
      const csp = String(response.headers['content-security-policy'])
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]
      const scripts = response.body.match(/<script[^>]*>/g) ?? []
      assert.ok(scripts.length > 0)
      for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), script)
    })

    test('an unknown address is a 404 page in the same design', async () => {
      const response = await new TestClient(app).get('/no-such-page')
      assert.equal(response.statusCode, 404)
      assert.match(response.body, /Page not found/)
      assert.match(response.body, /upstream-header/)
    })

    test('a route registered without a permission stops the app from building', async () => {
      await assert.rejects(
        testApp(database, { extraRoutes: (a) => void a.get('/undeclared', async () => 'hello') }),
        /Route GET \/undeclared declares no valid permission/,
      )
    })
  })
}
