import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { mayUseInsecureIssuer } from './oidc.ts'
import { startTestIdentityProvider, type TestAccount, type TestIdentityProvider } from './oidc-test-provider.ts'

const publicUrl = 'http://upstream.localhost:3999'
const redirectUri = `${publicUrl}/sign-in/oidc/callback`
const unique = () => randomBytes(4).toString('hex')

async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

for (const backend of backends()) {
  describe(`OpenID Connect sign-in on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let provider: TestIdentityProvider
    let secondProvider: TestIdentityProvider

    before(async () => {
      database = await backend.create()
      provider = await startTestIdentityProvider({ redirectUri })
      secondProvider = await startTestIdentityProvider({ redirectUri })
      ;({ app, clock } = await testApp(database, { config: { publicUrl } }))
    })
    after(async () => {
      await app.close()
      await provider.close()
      await secondProvider.close()
      await database.close()
    })

    async function organisationSigningInWith(idp: TestIdentityProvider, options: { requireMfa?: boolean } = {}) {
      const organisation = await createOrganisation(database.db)
      await database.db
        .updateTable('organisation')
        .set({
          oidc_issuer: idp.issuer,
          oidc_client_id: idp.clientId,
          oidc_client_secret: idp.clientSecret,
          oidc_require_mfa: options.requireMfa ?? false,
        })
        .where('id', '=', organisation.id)
        .execute()
      return organisation
    }

    function account(idp: TestIdentityProvider, values: Partial<TestAccount> & { email?: string } = {}): TestAccount {
      const created: TestAccount = { sub: `sub-${unique()}`, email_verified: true, amr: ['pwd'], ...values }
      idp.accounts.set(created.sub, created)
      return created
    }

    async function bindUser(userId: string, issuer: string, subject: string) {
      await database.db.updateTable('app_user').set({ oidc_issuer: issuer, oidc_subject: subject }).where('id', '=', userId).execute()
    }

    async function startSignIn(client: TestClient, organisationId: string): Promise<string> {
      const response = await client.get(`/sign-in/oidc/${organisationId}`)
      assert.equal(response.statusCode, 302, response.body)
      return String(response.headers.location)
    }

    /** The whole round trip: the app sends the browser to the provider, which sends it back. */
    async function signInThrough(idp: TestIdentityProvider, organisationId: string, sub: string) {
      const client = new TestClient(app)
      const callback = await idp.signIn(await startSignIn(client, organisationId), sub)
      const response = await client.get(callback.pathname + callback.search)
      return { client, response, callback }
    }

    async function auditEvents(event: string) {
      return database.db.selectFrom('audit_event').selectAll().where('event', '=', event).orderBy('seq').execute()
    }

    test('the request to the identity provider carries PKCE S256, a state, a nonce and the registered redirect', async () => {
      const organisation = await organisationSigningInWith(provider)
      const client = new TestClient(app)
      const location = new URL(await startSignIn(client, organisation.id))
      assert.equal(location.origin, provider.issuer)
      assert.equal(location.searchParams.get('redirect_uri'), redirectUri)
      assert.equal(location.searchParams.get('scope'), 'openid email profile')
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256')
      assert.ok(location.searchParams.get('code_challenge'))
      assert.ok(location.searchParams.get('nonce'))
      assert.equal(client.cookies.get('upstream-oidc-state'), location.searchParams.get('state'))
    })

    test('a bound user signs in and gets a session that opens their home page', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id, displayName: 'Morgan Bound' })
      const identity = account(provider, { email: 'someone-else@idp.test' })
      await bindUser(user.id, provider.issuer, identity.sub)

      const { client, response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 303, response.body)
      assert.equal(response.headers.location, '/home')
      const home = await client.get('/home')
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /Welcome, Morgan Bound/)

      const row = await database.db.selectFrom('app_user').select('last_sign_in_at').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.ok(row.last_sign_in_at)
      const signIns = (await auditEvents('SIGN_IN')).filter((event) => event.actor_user_id === user.id)
      assert.equal(signIns.length, 1)
      assert.deepEqual(signIns[0]!.details, { method: 'oidc' })
    })

    test('the first sign-in binds the user of that organisation with the same verified email', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id, email: `first-${unique()}@force.test` })
      const identity = account(provider, { email: user.email.toUpperCase() })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 303, response.body)
      const row = await database.db
        .selectFrom('app_user')
        .select(['oidc_issuer', 'oidc_subject'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
      assert.deepEqual(row, { oidc_issuer: provider.issuer, oidc_subject: identity.sub })
      const bindings = (await auditEvents('BIND_OIDC_IDENTITY')).filter((event) => event.actor_user_id === user.id)
      assert.equal(bindings.length, 1)
      assert.equal(bindings[0]!.action, 'alter')
      assert.deepEqual(bindings[0]!.record_ids, [user.id])
    })

    test('once bound, the identity signs in by issuer and subject even after its email changes', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id, displayName: 'Riley Renamed' })
      const identity = account(provider, { email: user.email })
      assert.equal((await signInThrough(provider, organisation.id, identity.sub)).response.statusCode, 303)

      identity.email = `renamed-${unique()}@force.test`
      const { client, response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 303, response.body)
      assert.match((await client.get('/home')).body, /Welcome, Riley Renamed/)
    })

    test('an email the identity provider has not verified does not bind an account', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email, email_verified: false })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 403)
      const row = await database.db.selectFrom('app_user').select('oidc_subject').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.equal(row.oidc_subject, null)
    })

    test('an unknown user is refused with a page saying their account has not been set up', async () => {
      const organisation = await organisationSigningInWith(provider)
      const identity = account(provider, { email: `stranger-${unique()}@force.test` })

      const { client, response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 403)
      assert.match(response.body, new RegExp(`Your account has not been set up in ${app.partnership.name}\\. Ask your administrator\\.`))
      assert.match(response.body, /upstream-header/)
      assert.equal(client.cookies.get('upstream-session'), undefined)
      const failures = await auditEvents('SIGN_IN_FAILED')
      const failure = failures.find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.action, 'sign-in')
      assert.equal(failure?.details.reason, 'no matching account')
    })

    test('an identity provider cannot sign in a user of another organisation with the same email', async () => {
      const organisation = await organisationSigningInWith(provider)
      const outsider = await createUser(database.db)
      const identity = account(provider, { email: outsider.email })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 403)
      const row = await database.db.selectFrom('app_user').select('oidc_subject').where('id', '=', outsider.id).executeTakeFirstOrThrow()
      assert.equal(row.oidc_subject, null)
    })

    test('two issuers with the same subject give two users', async () => {
      const first = await organisationSigningInWith(provider)
      const second = await organisationSigningInWith(secondProvider)
      const sharedSub = `shared-${unique()}`
      const alex = await createUser(database.db, { organisationId: first.id, displayName: 'Alex Arden' })
      const blake = await createUser(database.db, { organisationId: second.id, displayName: 'Blake Brook' })
      account(provider, { sub: sharedSub, email: alex.email })
      account(secondProvider, { sub: sharedSub, email: blake.email })

      const viaFirst = await signInThrough(provider, first.id, sharedSub)
      const viaSecond = await signInThrough(secondProvider, second.id, sharedSub)
      assert.match((await viaFirst.client.get('/home')).body, /Welcome, Alex Arden/)
      assert.match((await viaSecond.client.get('/home')).body, /Welcome, Blake Brook/)
      const bound = await database.db
        .selectFrom('app_user')
        .select(['id', 'oidc_issuer'])
        .where('oidc_subject', '=', sharedSub)
        .orderBy('display_name')
        .execute()
      assert.deepEqual(bound, [
        { id: alex.id, oidc_issuer: provider.issuer },
        { id: blake.id, oidc_issuer: secondProvider.issuer },
      ])
    })

    test('an organisation that requires multi-factor refuses a sign-in without a second factor', async () => {
      const organisation = await organisationSigningInWith(provider, { requireMfa: true })
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email, amr: ['pwd'] })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 403)
      assert.match(response.body, /Your organisation requires multi-factor sign-in/)
      const failure = (await auditEvents('SIGN_IN_FAILED')).find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.details.reason, 'multi-factor required')
      assert.deepEqual(failure?.record_ids, [user.id])
      const row = await database.db.selectFrom('app_user').select('oidc_subject').where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.equal(row.oidc_subject, null)
    })

    test('an organisation that requires multi-factor accepts a sign-in whose amr includes mfa', async () => {
      const organisation = await organisationSigningInWith(provider, { requireMfa: true })
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email, amr: ['pwd', 'mfa'] })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 303, response.body)
    })

    test('an organisation that requires multi-factor accepts a multi-factor acr', async () => {
      const organisation = await organisationSigningInWith(provider, { requireMfa: true })
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, {
        email: user.email,
        amr: ['pwd'],
        acr: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
      })

      const { response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 303, response.body)
    })

    test('a replayed state is refused, even with its cookie', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email })
      const client = new TestClient(app)
      const callback = await provider.signIn(await startSignIn(client, organisation.id), identity.sub)
      const stateCookie = client.cookies.get('upstream-oidc-state')!
      assert.equal((await client.get(callback.pathname + callback.search)).statusCode, 303)

      const replay = new TestClient(app)
      replay.cookies.set('upstream-oidc-state', stateCookie)
      const response = await replay.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /This sign-in could not be completed/)
      assert.equal(replay.cookies.get('upstream-session'), undefined)
      const rejected = await auditEvents('OIDC_STATE_REJECTED')
      assert.equal(rejected.at(-1)?.action, 'security')
      assert.equal(rejected.at(-1)?.details.reason, 'state unknown or already used')
    })

    test('a forged state is refused', async () => {
      const organisation = await organisationSigningInWith(provider)
      const identity = account(provider)
      const client = new TestClient(app)
      const callback = await provider.signIn(await startSignIn(client, organisation.id), identity.sub)
      const forged = `forged-${unique()}`
      callback.searchParams.set('state', forged)
      client.cookies.set('upstream-oidc-state', forged)

      const response = await client.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 400)
      assert.equal((await auditEvents('OIDC_STATE_REJECTED')).at(-1)?.details.reason, 'state unknown or already used')
    })

    test('a callback in a browser that did not start the sign-in is refused', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email })
      const callback = await provider.signIn(await startSignIn(new TestClient(app), organisation.id), identity.sub)

      const victim = new TestClient(app)
      const response = await victim.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 400)
      assert.equal(victim.cookies.get('upstream-session'), undefined)
      assert.equal((await auditEvents('OIDC_STATE_REJECTED')).at(-1)?.details.reason, 'state not started in this browser')
    })

    test('a sign-in finished more than ten minutes after it started is refused', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email })
      const client = new TestClient(app)
      const callback = await provider.signIn(await startSignIn(client, organisation.id), identity.sub)
      clock.advanceMinutes(11)

      const response = await client.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 400)
      assert.equal((await auditEvents('OIDC_STATE_REJECTED')).at(-1)?.details.reason, 'state expired')
    })

    test('a disabled user is refused', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider)
      await bindUser(user.id, provider.issuer, identity.sub)
      await database.db.updateTable('app_user').set({ disabled: true }).where('id', '=', user.id).execute()

      const { client, response } = await signInThrough(provider, organisation.id, identity.sub)
      assert.equal(response.statusCode, 403)
      assert.match(response.body, /Your account has been disabled/)
      assert.equal(client.cookies.get('upstream-session'), undefined)
      const failure = (await auditEvents('SIGN_IN_FAILED')).find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.details.reason, 'account disabled')
    })

    test('cancelling at the identity provider shows a page and is audited', async () => {
      const organisation = await organisationSigningInWith(provider)
      const client = new TestClient(app)
      const callback = await provider.cancel(await startSignIn(client, organisation.id))
      assert.equal(callback.searchParams.get('error'), 'access_denied')

      const response = await client.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 403)
      assert.match(response.body, /Sign-in was cancelled/)
      const failure = (await auditEvents('SIGN_IN_FAILED')).find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.details.providerError, 'access_denied')
    })

    test('an identity provider that does not answer gives a 502 page without a stack trace', async () => {
      const organisation = await createOrganisation(database.db, { name: `Unreachable ${unique()}` })
      await database.db
        .updateTable('organisation')
        .set({ oidc_issuer: `http://127.0.0.1:${await closedPort()}`, oidc_client_id: 'upstream', oidc_client_secret: 'secret' })
        .where('id', '=', organisation.id)
        .execute()

      const response = await new TestClient(app).get(`/sign-in/oidc/${organisation.id}`)
      assert.equal(response.statusCode, 502)
      assert.match(response.body, /identity provider is not answering/)
      assert.doesNotMatch(response.body, /ECONNREFUSED|at .*\.js:\d+/)
      const failure = (await auditEvents('SIGN_IN_FAILED')).find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.details.reason, 'identity provider unavailable')
    })

    test('a code the identity provider refuses to exchange gives a page, not a stack trace', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email })
      const client = new TestClient(app)
      const callback = await provider.signIn(await startSignIn(client, organisation.id), identity.sub)
      await database.db.updateTable('organisation').set({ oidc_client_secret: 'not the secret' }).where('id', '=', organisation.id).execute()

      const response = await client.get(callback.pathname + callback.search)
      assert.equal(response.statusCode, 400, response.body)
      assert.match(response.body, /identity provider did not sign you in/)
      assert.equal(client.cookies.get('upstream-session'), undefined)
      const failure = (await auditEvents('SIGN_IN_FAILED')).find((event) => event.details.organisationId === organisation.id)
      assert.equal(failure?.details.reason, 'identity provider refused the code')
    })

    test('signing in again ends the session the browser already had', async () => {
      const organisation = await organisationSigningInWith(provider)
      const user = await createUser(database.db, { organisationId: organisation.id })
      const identity = account(provider, { email: user.email })
      const { client } = await signInThrough(provider, organisation.id, identity.sub)
      const firstToken = client.cookies.get('upstream-session')!

      const callback = await provider.signIn(await startSignIn(client, organisation.id), identity.sub)
      assert.equal((await client.get(callback.pathname + callback.search)).statusCode, 303)
      assert.notEqual(client.cookies.get('upstream-session'), firstToken)
      const stale = new TestClient(app)
      stale.cookies.set('upstream-session', firstToken)
      assert.equal((await stale.get('/home')).statusCode, 302)
    })

    test('an organisation without an identity provider, or none at all, is a 404 page', async () => {
      const organisation = await createOrganisation(database.db)
      assert.equal((await new TestClient(app).get(`/sign-in/oidc/${organisation.id}`)).statusCode, 404)
      assert.equal((await new TestClient(app).get('/sign-in/oidc/not-an-id')).statusCode, 404)
    })
  })
}

describe('which identity providers may be reached over plain http', () => {
  test('only one on this machine, and only outside production', () => {
    assert.equal(mayUseInsecureIssuer(new URL('http://127.0.0.1:4000'), false), true)
    assert.equal(mayUseInsecureIssuer(new URL('http://localhost:4000'), false), true)
    assert.equal(mayUseInsecureIssuer(new URL('http://127.0.0.1:4000'), true), false)
    assert.equal(mayUseInsecureIssuer(new URL('http://idp.force.example'), false), false)
  })
})
