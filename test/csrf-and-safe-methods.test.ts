import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from './backends.ts'
import { testApp } from './app.ts'
import { createOrganisation, createTeam, createUser } from './factories.ts'
import { clientSignedInAs, TestClient } from './http-client.ts'
import { changedTables, concreteUrl, isApiUrl, roleAllowedOn, rowCountsOfEveryTable, type RealIds } from './route-urls.ts'
import type { ManualClock } from '../src/clock.ts'
import { defineRoutes, type RegisteredRoute } from '../src/server/define-route.ts'
import { ROLES, type Role } from '../src/modules/platform/roles.ts'

/** A10: every state-changing route checks the synchroniser token; GET never writes. */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

for (const backend of backends()) {
  describe(`CSRF and safe methods on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let routes: RegisteredRoute[]
    const clients = new Map<Role, TestClient>()
    let otherSessionToken: string
    const realIds: RealIds = {}

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      routes = app.registeredRoutes
      const organisation = await createOrganisation(database.db)
      const partner = await createOrganisation(database.db, { kind: 'council' })
      for (const role of ROLES) {
        const user = await createUser(database.db, { role, organisationId: organisation.id })
        clients.set(role, await clientSignedInAs(app, database.db, clock, user.id))
        realIds.user ??= user.id
      }
      realIds.organisation = organisation.id
      realIds.team = (await createTeam(database.db, organisation.id, { memberIds: [realIds.user!] })).id
      realIds.agreement = (
        await database.db
          .insertInto('sharing_agreement')
          .values({
            reference: 'ISA-TEST-1',
            title: 'Test agreement',
            provider_organisation_id: organisation.id,
            recipient_organisation_id: partner.id,
            data_classes: ['incident'],
            purposes: ['prevention'],
            status: 'active',
            starts_on: '2026-01-01',
            notes: '',
            updated_at: clock.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      const other = await createUser(database.db, { role: 'administrator', organisationId: organisation.id })
      otherSessionToken = (await clientSignedInAs(app, database.db, clock, other.id)).csrfToken
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    /** Sends a write the way its callers do (JSON with the header for the API, a form otherwise), with the token given. */
    function write(client: TestClient, route: RegisteredRoute, url: string, token: string | undefined) {
      if (isApiUrl(url)) {
        return client.request({
          method: route.method as 'POST',
          url,
          payload: {},
          headers: { accept: 'application/json', ...(token === undefined ? {} : { 'x-csrf-token': token }) },
        })
      }
      return client.request({
        method: route.method as 'POST',
        url,
        payload: token === undefined ? '' : new URLSearchParams({ _csrf: token }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    }

    const csrfRejections = async () =>
      (await database.db.selectFrom('audit_event').select('seq').where('event', '=', 'CSRF_REJECTED').execute()).length

    test('every state-changing route refuses a write without a token or with another session’s token, and changes nothing', async () => {
      const unsafe = routes.filter((r) => UNSAFE.has(r.method))
      assert.ok(unsafe.length > 0)
      const problems: string[] = []
      for (const route of unsafe) {
        const client = clients.get(roleAllowedOn(route) ?? 'administrator')!
        for (const url of [concreteUrl(route.url), concreteUrl(route.url, realIds)]) {
          for (const [label, token] of [['no token', undefined], ['another session’s token', otherSessionToken]] as const) {
            const before = await rowCountsOfEveryTable(database.db)
            const rejectionsBefore = await csrfRejections()
            const response = await write(client, route, url, token)
            const changed = changedTables(before, await rowCountsOfEveryTable(database.db), ['audit_event'])
            const where = `${route.method} ${url} with ${label}`
            if (response.statusCode !== 403) problems.push(`${where}: ${response.statusCode}`)
            else if ((await csrfRejections()) !== rejectionsBefore + 1) problems.push(`${where}: 403 but not from the CSRF check`)
            if (changed.length) problems.push(`${where} changed ${changed.join(', ')}`)
          }
        }
      }
      assert.deepEqual(problems, [])
    })

    /** Calls each GET route twice (with real ids and with unknown ones) and names any that changed a row count. */
    async function getRoutesThatWrite(getRoutes: RegisteredRoute[], clientFor: (route: RegisteredRoute) => TestClient): Promise<string[]> {
      const problems: string[] = []
      for (const route of getRoutes) {
        const client = clientFor(route)
        for (const url of [concreteUrl(route.url, realIds), concreteUrl(route.url)]) {
          const before = await rowCountsOfEveryTable(database.db)
          for (let call = 0; call < 2; call++) {
            const response = await client.get(url, isApiUrl(url) ? { accept: 'application/json' } : {})
            if (response.statusCode >= 500) problems.push(`GET ${url}: ${response.statusCode}`)
          }
          const changed = changedTables(before, await rowCountsOfEveryTable(database.db), ['audit_event'])
          if (changed.length) problems.push(`GET ${url} changed ${changed.join(', ')}`)
        }
      }
      return problems
    }

    test('calling every GET route twice changes no table’s row count except the audit log', async () => {
      const getRoutes = routes.filter((r) => r.method === 'GET')
      assert.ok(getRoutes.length > 0)
      assert.deepEqual(await getRoutesThatWrite(getRoutes, (route) => clients.get(roleAllowedOn(route) ?? 'administrator')!), [])
    })

    test('the GET check names a GET route that writes', async () => {
      const { app: writingApp } = await testApp(database, {
        clock,
        extraRoutes: (extra) =>
          defineRoutes(extra).get('/test/writes-on-get', {
            permission: 'public',
            handler: async () => {
              await database.db.insertInto('sign_in_failure').values({ account_key: 'test', ip: '127.0.0.1', failed_at: clock.now() }).execute()
              return 'written'
            },
          }),
      })
      try {
        const writing = writingApp.registeredRoutes.filter((r) => r.url === '/test/writes-on-get' && r.method === 'GET')
        const problems = await getRoutesThatWrite(writing, () => new TestClient(writingApp))
        assert.equal(problems.length, 2)
        assert.match(problems[0]!, /GET \/test\/writes-on-get changed sign_in_failure: (\d+) → \d+/)
      } finally {
        await writingApp.close()
      }
    })
  })
}
