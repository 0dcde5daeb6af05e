import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from './backends.ts'
import { testApp } from './app.ts'
import { createOrganisation, createUser } from './factories.ts'
import { clientSignedInAs, type TestClient } from './http-client.ts'

/**
 * SECURITY-CHECKLIST C8: staff pages whose route is declared personal carry the OFFICIAL-SENSITIVE
 * marking; pages without personal data do not, so the marking keeps its meaning.
 */
const MARKING = /<p class="upstream-marking" id="protective-marking"><strong>OFFICIAL-SENSITIVE<\/strong>/

for (const backend of backends()) {
  describe(`the protective marking on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let supervisor: TestClient

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const user = await createUser(database.db, { role: 'supervisor', organisationId: police.id })
      supervisor = await clientSignedInAs(app, database.db, started.clock, user.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('a page declared personal is marked OFFICIAL-SENSITIVE', async () => {
      for (const url of ['/people/review', '/referrals']) {
        const page = await supervisor.get(url)
        assert.equal(page.statusCode, 200, url)
        assert.match(page.body, MARKING, url)
      }
    })

    test('a page without personal data is not marked', async () => {
      const page = await supervisor.get('/')
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, MARKING)
    })
  })
}
