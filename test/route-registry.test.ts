import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { backends } from './backends.ts'
import { testApp } from './app.ts'

/**
 * The route registry (SECURITY-CHECKLIST A1): every route with its permission, data class and
 * audit operation, kept in test/fixtures/route-registry.json and reviewed like code. The
 * role matrix in route-access.test.ts derives its expectations from the declarations; this
 * test pins the declarations themselves, so a route that loses or changes its permission
 * fails here even though the matrix would follow it.
 *
 * After an intended change: UPDATE_ROUTE_REGISTRY=1 npm test -- route-registry
 */
const registryFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/route-registry.json')

type Registry = Record<string, { permission: string; dataClass: string; audit?: string }>

test('every route is declared exactly as the reviewed registry says', async () => {
  const database = await backends()[0]!.create()
  const { app } = await testApp(database)
  const actual: Registry = {}
  for (const route of app.registeredRoutes) {
    if (route.method === 'HEAD') continue
    const { permission, dataClass, audit } = route.access
    actual[`${route.method} ${route.url}`] = audit ? { permission, dataClass, audit } : { permission, dataClass }
  }
  await app.close()
  await database.close()
  const sorted = Object.fromEntries(Object.entries(actual).sort(([a], [b]) => a.localeCompare(b)))
  if (process.env.UPDATE_ROUTE_REGISTRY === '1') {
    fs.writeFileSync(registryFile, JSON.stringify(sorted, null, 2) + '\n')
  }
  const expected = JSON.parse(fs.readFileSync(registryFile, 'utf8')) as Registry
  const problems: string[] = []
  for (const [route, declaration] of Object.entries(sorted)) {
    const reviewed = expected[route]
    if (!reviewed) problems.push(`${route} is not in the registry: add it to test/fixtures/route-registry.json`)
    else if (JSON.stringify(reviewed) !== JSON.stringify(declaration)) {
      problems.push(`${route} is declared ${JSON.stringify(declaration)} but the registry says ${JSON.stringify(reviewed)}`)
    }
  }
  for (const route of Object.keys(expected)) if (!sorted[route]) problems.push(`${route} is in the registry but no longer exists`)
  assert.deepEqual(problems, [], problems.join('\n'))
})
