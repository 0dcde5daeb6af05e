import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createTeam, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs, TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { BODY_LIMIT_BYTES } from '../../../server/app.ts'

const json = { accept: 'application/json' }

for (const backend of backends()) {
  describe(`the JSON API on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let officer: TestUser
    let administrator: TestUser
    let officerClient: TestClient
    let teamId: string

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      officer = await createUser(database.db, { role: 'officer', displayName: 'Olive Officer' })
      administrator = await createUser(database.db, { role: 'administrator' })
      teamId = (await createTeam(database.db, officer.organisationId, { name: 'Riverside neighbourhood team', memberIds: [officer.id] })).id
      officerClient = await clientSignedInAs(app, database.db, clock, officer.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const patchMe = (client: TestClient, body: unknown, headers: Record<string, string> = {}) =>
      client.request({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: body as object,
        headers: { ...json, 'x-csrf-token': client.csrfToken, ...headers },
      })

    async function currentVersion(client: TestClient): Promise<number> {
      return (await client.get('/api/v1/me', json)).json().version
    }

    test('GET /api/v1/me gives the signed-in user with organisation, teams and permissions', async () => {
      const response = await officerClient.get('/api/v1/me', json)
      assert.equal(response.statusCode, 200)
      const me = response.json()
      assert.equal(me.id, officer.id)
      assert.equal(me.email, officer.email)
      assert.equal(me.role, 'officer')
      assert.equal(me.organisation.id, officer.organisationId)
      assert.deepEqual(me.teams, [{ id: teamId, name: 'Riverside neighbourhood team' }])
      assert.deepEqual(me.permissions, [
        'api:read-self',
        'data:read',
        'analysis:read',
        'people:read',
        'referrals:read',
        'referrals:make',
        'referrals:work',
      ])
      assert.equal(response.headers.etag, `"${me.version}"`)
      assert.equal(me.password_hash, undefined)
    })

    test('the API answers a caller without a session with 401 in JSON', async () => {
      const response = await new TestClient(app).get('/api/v1/me', json)
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().error.code, 'unauthenticated')
    })

    test('GET /api/v1/organisations lists organisations for an administrator, without client secrets', async () => {
      const client = await clientSignedInAs(app, database.db, clock, administrator.id)
      const response = await client.get('/api/v1/organisations', json)
      assert.equal(response.statusCode, 200)
      const ids = response.json().organisations.map((o: { id: string }) => o.id)
      assert.ok(ids.includes(officer.organisationId) && ids.includes(administrator.organisationId))
      assert.doesNotMatch(response.body, /secret/i)
    })

    test('GET /api/v1/organisations is 403 in JSON for an officer', async () => {
      const response = await officerClient.get('/api/v1/organisations', json)
      assert.equal(response.statusCode, 403)
      assert.equal(response.json().error.code, 'forbidden')
    })

    test('GET /api/v1/roles lists all seven roles with their permissions', async () => {
      const client = await clientSignedInAs(app, database.db, clock, administrator.id)
      const roles = (await client.get('/api/v1/roles', json)).json().roles
      assert.equal(roles.length, 7)
      assert.ok(roles.find((r: { role: string }) => r.role === 'auditor').permissions.includes('audit:read-all'))
    })

    test('PATCH /api/v1/me changes the display name, moves the version on and audits the field name only', async () => {
      const client = await clientSignedInAs(app, database.db, clock, (await createUser(database.db)).id)
      const version = await currentVersion(client)
      const response = await patchMe(client, { displayName: '  Pat Renamed  ' }, { 'if-match': `"${version}"` })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(response.json().name, 'Pat Renamed')
      assert.equal(response.json().version, version + 1)
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'UPDATE_OWN_ACCOUNT')
        .where('actor_user_id', '=', response.json().id)
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'alter')
      assert.deepEqual(audit.details, { fields: ['displayName'] })
      assert.doesNotMatch(JSON.stringify(audit), /Pat Renamed/)
    })

    test('PATCH /api/v1/me with a stale If-Match is 409 and changes nothing', async () => {
      const client = await clientSignedInAs(app, database.db, clock, (await createUser(database.db, { displayName: 'First Name' })).id)
      const version = await currentVersion(client)
      assert.equal((await patchMe(client, { displayName: 'Second Name', version })).statusCode, 200)
      const stale = await patchMe(client, { displayName: 'Third Name' }, { 'if-match': `"${version}"` })
      assert.equal(stale.statusCode, 409)
      assert.equal(stale.json().error.code, 'conflict')
      assert.equal((await client.get('/api/v1/me', json)).json().name, 'Second Name')
    })

    test('PATCH /api/v1/me with a stale version in the body is 409', async () => {
      const client = await clientSignedInAs(app, database.db, clock, (await createUser(database.db)).id)
      const version = await currentVersion(client)
      const response = await patchMe(client, { displayName: 'Someone', version: version + 5 })
      assert.equal(response.statusCode, 409)
    })

    test('PATCH /api/v1/me without a version is 400 naming the version', async () => {
      const response = await patchMe(officerClient, { displayName: 'Someone' })
      assert.equal(response.statusCode, 400)
      assert.ok(response.json().error.fields.version)
    })

    test('PATCH /api/v1/me without the x-csrf-token header is 403 in JSON', async () => {
      const version = await currentVersion(officerClient)
      const response = await patchMe(officerClient, { displayName: 'No Token', version }, { 'x-csrf-token': '' })
      assert.equal(response.statusCode, 403)
      assert.equal(response.json().error.code, 'csrf')
    })

    test('a malformed JSON body is 400 malformed_json', async () => {
      const response = await patchMe(officerClient, '{"displayName": ', { 'content-type': 'application/json' })
      assert.equal(response.statusCode, 400)
      assert.equal(response.json().error.code, 'malformed_json')
    })

    test('a body over 1 MiB is 413', async () => {
      const body = JSON.stringify({ displayName: 'x'.repeat(BODY_LIMIT_BYTES + 10), version: 1 })
      const response = await patchMe(officerClient, body, { 'content-type': 'application/json' })
      assert.equal(response.statusCode, 413)
      assert.equal(response.json().error.code, 'too_large')
    })

    test('a body of an unsupported content type is 415', async () => {
      const response = await patchMe(officerClient, '<name>x</name>', { 'content-type': 'application/xml' })
      assert.equal(response.statusCode, 415)
      assert.equal(response.json().error.code, 'unsupported_media_type')
    })

    test('a body that breaks the schema is 400 naming the field', async () => {
      const missing = await patchMe(officerClient, { version: 1 })
      assert.equal(missing.statusCode, 400)
      assert.equal(missing.json().error.code, 'invalid')
      assert.match(missing.json().error.message, /displayName/)
      const tooLong = await patchMe(officerClient, { displayName: 'n'.repeat(201), version: 1 })
      assert.equal(tooLong.statusCode, 400)
      assert.match(tooLong.json().error.message, /displayName/)
    })

    test('a blank display name is 400 with the field named', async () => {
      const response = await patchMe(officerClient, { displayName: '   ', version: 1 })
      assert.equal(response.statusCode, 400)
      assert.equal(response.json().error.fields.displayName, 'Enter your name')
    })

    test('random JSON bodies never give a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), fc.option(fc.string(), { nil: undefined }), async (body, ifMatch) => {
          const response = await patchMe(officerClient, JSON.stringify(body), {
            'content-type': 'application/json',
            ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }),
          })
          assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`)
          assert.ok(response.json().error || response.json().id)
        }),
        { numRuns: 100 },
      )
    })

    test('random bytes under any content type never give a 5xx', async () => {
      const contentTypes = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', 'multipart/form-data')
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentTypes, async (bytes, contentType) => {
          const response = await patchMe(officerClient, Buffer.from(bytes), { 'content-type': contentType })
          assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`)
        }),
        { numRuns: 100 },
      )
    })

    test('the OpenAPI document describes the /api/v1 routes and nothing else', async () => {
      const response = await new TestClient(app).get('/api/openapi.json', json)
      assert.equal(response.statusCode, 200)
      const document = response.json()
      assert.equal(document.openapi, '3.1.0')
      const paths = Object.keys(document.paths)
      assert.ok(paths.includes('/api/v1/me') && paths.includes('/api/v1/organisations') && paths.includes('/api/v1/roles'))
      assert.ok(paths.every((p) => p.startsWith('/api/v1/')), paths.join(', '))
      assert.ok(document.paths['/api/v1/me'].patch.requestBody)
    })

    test('in production the OpenAPI document is 404 unless the operator exposes it', async () => {
      const hidden = await testApp(database, { config: { production: true, exposeApiDocs: false } })
      const shown = await testApp(database, { config: { production: true, exposeApiDocs: true } })
      try {
        assert.equal((await hidden.app.inject({ url: '/api/openapi.json' })).statusCode, 404)
        assert.equal((await shown.app.inject({ url: '/api/openapi.json' })).statusCode, 200)
      } finally {
        await hidden.app.close()
        await shown.app.close()
      }
    })
  })
}
