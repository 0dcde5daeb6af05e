import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

for (const backend of backends()) {
  describe(`signing in with a password on ${backend.name}`, () => {
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

    const auditRows = (event: string) =>
      database.db.selectFrom('audit_event').selectAll().where('event', '=', event).orderBy('seq').execute()

    test('the sign-in page has an email field, a password field, a Sign in button and a CSRF token', async () => {
      const response = await new TestClient(app).get('/sign-in')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /<input[^>]+name="email"[^>]+type="email"/)
      assert.match(response.body, /<input[^>]+name="password"[^>]+type="password"/)
      assert.match(response.body, /<button[^>]*>\s*Sign in\s*<\/button>/)
      assert.match(response.body, /name="_csrf" value="[^"]+"/)
    })

    test('the sign-in page offers each organisation with its own identity provider as a secondary button', async () => {
      const organisation = await createOrganisation(database.db, { name: 'Herefordshire Council' })
      await database.db
        .updateTable('organisation')
        .set({ oidc_issuer: 'https://login.herefordshire.example', oidc_client_id: 'upstream' })
        .where('id', '=', organisation.id)
        .execute()
      const response = await new TestClient(app).get('/sign-in')
      assert.match(response.body, new RegExp(`href="/sign-in/oidc/${organisation.id}"[^>]*class="[^"]*govuk-button--secondary`, 's'))
      assert.match(response.body, /Sign in with Herefordshire Council/)
    })

    test('the right password signs in with a new session and goes to the home page', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      const response = await client.signIn(user.email, user.password)
      assert.equal(response.statusCode, 303)
      assert.equal(response.headers.location, '/home')
      assert.ok(client.cookies.get('upstream-session'))
      assert.equal((await client.get('/home')).statusCode, 200)
      const row = await database.db.selectFrom('app_user').select('last_sign_in_at').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.equal(row.last_sign_in_at?.getTime(), clock.now().getTime())
    })

    test('the email address is matched whatever its case and surrounding spaces', async () => {
      const user = await createUser(database.db, { email: 'Jane.Hughes@westmercia.example' })
      const response = await new TestClient(app).signIn('  jane.hughes@WESTMERCIA.example ', user.password)
      assert.equal(response.statusCode, 303)
    })

    test('a sign-in is audited with the user as actor', async () => {
      const user = await createUser(database.db)
      await new TestClient(app).signIn(user.email, user.password)
      const row = (await auditRows('SIGN_IN')).find((r) => r.actor_user_id === user.id)
      assert.ok(row)
      assert.equal(row.action, 'sign-in')
      assert.equal(row.outcome, 'success')
      assert.equal(row.actor_organisation_id, user.organisationId)
    })

    test('signing in again on the same browser gives a new session and ends the old one', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.signIn(user.email, user.password)
      const first = client.cookies.get('upstream-session')!
      await client.get('/home')
      await client.postForm('/sign-in', { email: user.email, password: user.password })
      const second = client.cookies.get('upstream-session')!
      assert.notEqual(first, second)
      const replay = new TestClient(app)
      replay.cookies.set('upstream-session', first)
      assert.equal((await replay.get('/home')).statusCode, 302)
    })

    test('after signing in the user goes to the local page they asked for', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      const page = await client.get('/sign-in?next=%2Faccount')
      assert.match(page.body, /name="next" value="\/account"/)
      const response = await client.postForm('/sign-in', { email: user.email, password: user.password, next: '/account' })
      assert.equal(response.headers.location, '/account')
    })

    test('a next address off the site is ignored, on the page and in the form', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      const page = await client.get('/sign-in?next=%2F%2Fevil.example')
      assert.doesNotMatch(page.body, /name="next"/)
      for (const next of ['//evil.example', 'https://evil.example/home', '/\\evil.example']) {
        const response = await client.postForm('/sign-in', { email: user.email, password: user.password, next })
        assert.equal(response.headers.location, '/home', next)
        await client.postForm('/sign-out', {})
        await client.get('/sign-in')
      }
    })

    test('a signed-in user who opens the sign-in page goes to the home page', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.signIn(user.email, user.password)
      const response = await client.get('/sign-in')
      assert.equal(response.statusCode, 302)
      assert.equal(response.headers.location, '/home')
    })

    test('an unknown email and a wrong password get the same answer', async () => {
      const user = await createUser(database.db)
      const wrongPassword = await new TestClient(app).signIn(user.email, 'not the password at all')
      const unknownUser = await new TestClient(app).signIn('nobody@example.test', 'not the password at all')
      for (const response of [wrongPassword, unknownUser]) {
        assert.equal(response.statusCode, 400)
        assert.match(response.body, /There is a problem/)
        assert.match(response.body, /<a href="#email">Enter a correct email address and password<\/a>/)
        assert.match(response.body, /<title>Error: Sign in/)
      }
      const strip = (body: string) => body.replace(/value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '')
      assert.equal(strip(wrongPassword.body), strip(unknownUser.body))
    })

    test('a failed sign-in keeps the email typed but never the password', async () => {
      const response = await new TestClient(app).signIn('typed@example.test', 'secret typed here')
      assert.match(response.body, /value="typed@example.test"/)
      assert.doesNotMatch(response.body, /secret typed here/)
    })

    test('a failed sign-in is audited with a hash of the email and neither the email nor the password', async () => {
      const email = `Someone-${Date.now()}@Example.test`
      await new TestClient(app).signIn(email, 'a wrong password 123')
      const rows = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'SIGN_IN_FAILED')
        .where(sql<string>`details->>'accountKeyHash'`, '=', sha256(email.toLowerCase()))
        .execute()
      assert.equal(rows.length, 1)
      assert.equal(rows[0]!.action, 'sign-in')
      assert.equal(rows[0]!.outcome, 'failure')
      const text = JSON.stringify(rows[0])
      assert.doesNotMatch(text, /someone-/i)
      assert.doesNotMatch(text, /a wrong password 123/)
    })

    test('empty fields are asked for without counting as a failed sign-in', async () => {
      const response = await new TestClient(app).signIn('', '')
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /<a href="#email">Enter your email address<\/a>/)
      assert.match(response.body, /<a href="#password">Enter your password<\/a>/)
    })

    test('a disabled user cannot sign in with the right password', async () => {
      const user = await createUser(database.db)
      await database.db.updateTable('app_user').set({ disabled: true }).where('id', '=', user.id).execute()
      const response = await new TestClient(app).signIn(user.email, user.password)
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /Enter a correct email address and password/)
    })

    test('a user who signs in only through their organisation cannot sign in with a password', async () => {
      const user = await createUser(database.db)
      await database.db.updateTable('app_user').set({ password_hash: null }).where('id', '=', user.id).execute()
      const response = await new TestClient(app).signIn(user.email, user.password)
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /Enter a correct email address and password/)
    })

    test('a sign-in without the CSRF token is refused', async () => {
      const user = await createUser(database.db)
      const client = new TestClient(app)
      await client.get('/sign-in')
      const response = await client.postForm('/sign-in', { email: user.email, password: user.password }, { withCsrf: false })
      assert.equal(response.statusCode, 403)
      assert.equal(client.cookies.get('upstream-session'), undefined)
    })

    test('the sign-in page explains a sign-out for inactivity and a sign-out by the user', async () => {
      assert.match((await new TestClient(app).get('/sign-in?expired=1')).body, /You were signed out because you were inactive/)
      assert.match((await new TestClient(app).get('/sign-in?signedOut=1')).body, /You have signed out/)
      assert.doesNotMatch((await new TestClient(app).get('/sign-in')).body, /signed out/)
    })

    test('random text of any length and character as email and password never causes a server error', async () => {
      let address = 0
      const text = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary-ascii', maxLength: 10_000 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constantFrom('\u0000', 'a@b.c\u0000', '\r\n', '%00', "' or 1=1 --", 'x'.repeat(10_000)),
      )
      const client = new TestClient(app)
      await client.get('/sign-in')
      await fc.assert(
        fc.asyncProperty(text, text, fc.boolean(), async (email, password, asJson) => {
          address += 1
          const remoteAddress = `127.0.${Math.floor(address / 250)}.${address % 250}`
          const response = asJson
            ? await client.request({ method: 'POST', url: '/sign-in', remoteAddress, payload: { _csrf: client.csrfToken, email, password } })
            : await client.request({
                method: 'POST',
                url: '/sign-in',
                remoteAddress,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                payload: new URLSearchParams({ _csrf: client.csrfToken, email, password }).toString(),
              })
          assert.ok([400, 429].includes(response.statusCode), `${response.statusCode} for ${JSON.stringify(email).slice(0, 80)}`)
        }),
        { numRuns: 60 },
      )
    })
  })

  describe(`what signing in writes to the log on ${backend.name}`, () => {
    let database: TestDatabase
    before(async () => {
      database = await backend.create()
    })
    after(async () => {
      await database.close()
    })

    const appWithLog = async (level: string) => {
      const lines: string[] = []
      const { app } = await testApp(database, { logger: { level, stream: { write: (chunk: string) => void lines.push(chunk) } } })
      return { app, lines }
    }

    test('a sign-in with a newline in the email produces exactly one log line', async () => {
      const { app, lines } = await appWithLog('warn')
      const email = 'x\nFAKE admin login ok'
      await new TestClient(app).signIn(email, 'whatever password')
      await app.close()
      const text = lines.join('')
      assert.equal(text.split('\n').filter((line) => line !== '').length, 1, text)
      const entry = JSON.parse(text) as { event: string; accountKeyHash: string }
      assert.equal(entry.event, 'SIGN_IN_FAILED')
      assert.equal(entry.accountKeyHash, sha256(email.toLowerCase()))
      assert.doesNotMatch(text, /^FAKE/m)
    })

    test('a password never appears in the log or the audit log, however verbose the log', async () => {
      const { app, lines } = await appWithLog('trace')
      const password = 'Unmistakable-Pass-7341 horse'
      const user = await createUser(database.db, { password })
      await new TestClient(app).signIn(user.email, 'Unmistakable-Wrong-7341')
      const client = new TestClient(app)
      await client.signIn(user.email, password)
      await client.get('/account/password')
      const change = await client.postForm('/account/password', {
        currentPassword: password,
        newPassword: 'Unmistakable-New-7341 goose',
        confirmPassword: 'Unmistakable-New-7341 goose',
      })
      assert.equal(change.statusCode, 303)
      await app.close()
      assert.ok(lines.length > 5)
      const auditText = await sql<{ text: string }>`select string_agg(audit_event::text, ' ') as text from audit_event`.execute(database.db)
      for (const haystack of [lines.join(''), auditText.rows[0]!.text]) {
        assert.equal(haystack.match(/Unmistakable/g)?.length ?? 0, 0)
      }
    })
  })
}
