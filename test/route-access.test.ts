import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from './backends.ts'
import { testApp } from './app.ts'
import { createUser } from './factories.ts'
import { clientSignedInAs, TestClient } from './http-client.ts'
import { concreteUrl, declarationAllows, isApiUrl } from './route-urls.ts'
import type { ManualClock } from '../src/clock.ts'
import type { RegisteredRoute } from '../src/server/define-route.ts'
import { AUDIT_ACTIONS } from '../src/modules/platform/audit/audit-log.ts'
import { isPermission, ROLES, type Role } from '../src/modules/platform/roles.ts'

/** A1: deny by default, declared beside every route, checked for every route and every role. */

interface Observation {
  route: RegisteredRoute
  role: Role
  url: string
  status: number
}

type Expectation = (route: RegisteredRoute, role: Role) => boolean

/** Every call whose answer disagrees with the expectation: a 403 where access is expected, or anything else where it is not. */
export function matrixMismatches(observations: Observation[], expectAccess: Expectation): string[] {
  return observations.flatMap(({ route, role, url, status }) => {
    const allowed = expectAccess(route, role)
    if (allowed && status === 403) return [`${role} was refused GET ${url} though the route allows ${route.access.permission}`]
    if (!allowed && status !== 403) return [`${role} got ${status}, not 403, from GET ${url} (needs ${route.access.permission})`]
    return []
  })
}

const DATA_CLASSES = ['none', 'account', 'organisation', 'audit', 'personal', 'incidents', 'imports']

for (const backend of backends()) {
  describe(`route access on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let routes: RegisteredRoute[]
    const observations: Observation[] = []

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      routes = app.registeredRoutes
      const permissioned = routes.filter((r) => r.method === 'GET' && r.access.permission !== 'public')
      for (const role of ROLES) {
        const user = await createUser(database.db, { role })
        const client = await clientSignedInAs(app, database.db, clock, user.id)
        for (const route of permissioned) {
          const url = concreteUrl(route.url)
          const response = await client.get(url, isApiUrl(url) ? { accept: 'application/json' } : {})
          observations.push({ route, role, url, status: response.statusCode })
        }
      }
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('every registered route carries a valid permission, data class and audit operation', () => {
      assert.ok(routes.length > 0)
      for (const route of routes) {
        const { permission, dataClass, audit } = route.access
        const where = `${route.method} ${route.url}`
        assert.ok(permission === 'public' || permission === 'signed-in' || isPermission(permission), `${where}: ${permission}`)
        assert.ok(DATA_CLASSES.includes(dataClass), `${where}: data class ${dataClass}`)
        assert.ok(audit === undefined || (AUDIT_ACTIONS as readonly string[]).includes(audit), `${where}: audit ${audit}`)
      }
    })

    test('a real route re-registered with its permission removed stops the app from building, naming the route', async () => {
      const real = routes.find((r) => r.access.permission !== 'public' && r.method === 'GET')!
      const url = `/copy${real.url}`
      await assert.rejects(
        testApp(database, {
          extraRoutes: (extra) => {
            extra.route({ method: 'GET', url, config: { access: { dataClass: real.access.dataClass } as never }, handler: async () => 'open' })
          },
        }),
        (error: Error) => error.message.includes(`GET ${url} declares no valid permission`),
      )
    })

    test('a route declaring a permission that does not exist stops the app from building', async () => {
      await assert.rejects(
        testApp(database, {
          extraRoutes: (extra) => {
            extra.route({ method: 'GET', url: '/made-up', config: { access: { permission: 'admin:everything' as never, dataClass: 'none' } }, handler: async () => 'open' })
          },
        }),
        /GET \/made-up declares no valid permission/,
      )
    })

    test('every route that is not public sends a caller without a session to sign in (pages) or answers 401 (API)', async () => {
      const client = new TestClient(app)
      const problems: string[] = []
      for (const route of routes.filter((r) => r.access.permission !== 'public')) {
        const url = concreteUrl(route.url)
        const response = await client.request({ method: route.method as 'GET', url })
        const location = String(response.headers.location ?? '')
        const refused = isApiUrl(url) ? response.statusCode === 401 : response.statusCode === 302 && location.startsWith('/sign-in')
        if (!refused) problems.push(`${route.method} ${url}: ${response.statusCode} ${location}`)
      }
      assert.deepEqual(problems, [])
    })

    test('the matrix covers every role on every GET route that needs a session', () => {
      const routesNeedingSession = routes.filter((r) => r.method === 'GET' && r.access.permission !== 'public')
      assert.ok(routesNeedingSession.length > 0)
      assert.equal(observations.length, routesNeedingSession.length * ROLES.length)
    })

    test('each role is refused with 403 exactly where the declaration and its permissions say so', () => {
      assert.deepEqual(matrixMismatches(observations, declarationAllows), [])
    })

    test('no role gets a server error from any GET route', () => {
      const failures = observations.filter((o) => o.status >= 500).map((o) => `${o.role} GET ${o.url}: ${o.status}`)
      assert.deepEqual(failures, [])
    })

    test('the matrix check reports a mismatch when the expectation table is wrong', () => {
      const withPermission = observations.find((o) => o.route.access.permission !== 'signed-in')!
      const wrong: Expectation = (route, role) =>
        route === withPermission.route && role === withPermission.role ? !declarationAllows(route, role) : declarationAllows(route, role)
      const mismatches = matrixMismatches(observations, wrong)
      assert.equal(mismatches.length, 1)
      assert.match(mismatches[0]!, new RegExp(withPermission.role))
    })
  })
}
