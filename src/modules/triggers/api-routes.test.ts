import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { testApp } from '../../../test/app.ts'
import { createOrganisation, createUser } from '../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../test/http-client.ts'
import { runLinkage } from '../people/link-run.ts'
import { loadTimelines } from '../people/timelines.ts'
import { importLinkablePeople } from '../people/test-support/linked-people.ts'
import { dryRun } from './dry-run.ts'
import { liveRules, ruleVersion } from './queries.ts'
import { validateRule } from './rule-definition.ts'
import { SHIPPED_RULE_DEFINITIONS, SHIPPED_RULES } from './shipped-rules.ts'

const shipped = (key: string) =>
  structuredClone(SHIPPED_RULE_DEFINITIONS.find((d) => (d as { key: string }).key === key)) as Record<
    string,
    unknown
  >

const json = (client: TestClient, method: 'GET' | 'POST', url: string, body?: unknown) =>
  client.request({
    method,
    url,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': client.csrfToken }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })

for (const backend of backends()) {
  describe(`the trigger rules API on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient
    let supervisor: TestClient
    let practitioner: TestClient

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      await importLinkablePeople(database.db, started.clock)
      await runLinkage(database.db, { clock: started.clock })
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const signIn = async (role: 'analyst' | 'supervisor' | 'partner_practitioner') =>
        clientSignedInAs(
          app,
          database.db,
          started.clock,
          (await createUser(database.db, { role, organisationId: police.id })).id,
        )
      analyst = await signIn('analyst')
      supervisor = await signIn('supervisor')
      practitioner = await signIn('partner_practitioner')
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the list gives the six shipped rules live at version 1', async () => {
      const answer = await json(analyst, 'GET', '/api/v1/triggers')
      assert.equal(answer.statusCode, 200)
      const rules = (answer.json() as { rules: { key: string; live: number; draft: number | null }[] }).rules
      assert.deepEqual(
        rules.map((r) => [r.key, r.live, r.draft]).sort(),
        SHIPPED_RULES.map((r) => [r.key, 1, null]).sort(),
      )
    })

    test('a refused draft answers 400 with every problem by its field path, and writes nothing', async () => {
      const definition = {
        ...shipped('repeat-missing'),
        windowDays: 0,
        threshold: { atLeast: 3, count: 'people' },
      }
      const expected = validateRule(definition)
      assert.equal(expected.ok, false)
      const answer = await json(analyst, 'POST', '/api/v1/triggers/repeat-missing/draft', definition)
      assert.equal(answer.statusCode, 400)
      const fields = (answer.json() as { error: { fields: Record<string, string> } }).error.fields
      for (const problem of expected.ok ? [] : expected.problems)
        assert.ok(fields[problem.path]?.includes(problem.message), problem.path)
      const rule = (await json(analyst, 'GET', '/api/v1/triggers/repeat-missing')).json() as {
        draft: number | null
      }
      assert.equal(rule.draft, null)
    })

    test('a draft saved through the API dry-runs to the counts dryRun gives, and another supervisor approves it', async () => {
      const definition = { ...shipped('repeat-victim'), threshold: { atLeast: 2, count: 'events' } }
      const saved = await json(analyst, 'POST', '/api/v1/triggers/repeat-victim/draft', definition)
      assert.equal(saved.statusCode, 201)
      const { version, fingerprint } = saved.json() as { version: number; fingerprint: string }
      assert.equal(version, 2)
      const answer = await json(
        analyst,
        'GET',
        `/api/v1/triggers/repeat-victim/dry-run?version=${version}&from=2023-01-01&to=2024-06-30`,
      )
      assert.equal(answer.statusCode, 200)
      const expected = dryRun(
        await ruleVersion(database.db, 'repeat-victim', version),
        await loadTimelines(database.db),
        '2023-01-01',
        '2024-06-30',
      )
      const got = answer.json() as {
        peopleFlagged: number
        byMonth: unknown
        byArea: { lsoaCode: string | null; people: number }[]
      }
      assert.ok(expected.peopleFlagged > 0)
      assert.equal(got.peopleFlagged, expected.peopleFlagged)
      assert.deepEqual(got.byMonth, expected.byMonth)
      assert.deepEqual(
        got.byArea.map(({ lsoaCode, people }) => ({ lsoaCode, people })),
        expected.byArea,
      )

      assert.equal(
        (await json(analyst, 'POST', '/api/v1/triggers/repeat-victim/approve', { version, fingerprint }))
          .statusCode,
        403,
      )
      await supervisor.get('/triggers')
      const approved = await json(supervisor, 'POST', '/api/v1/triggers/repeat-victim/approve', {
        version,
        fingerprint,
      })
      assert.equal(approved.statusCode, 200)
      assert.equal((await liveRules(database.db)).rules.find((r) => r.key === 'repeat-victim')?.version, 2)
      const again = await json(supervisor, 'POST', '/api/v1/triggers/repeat-victim/approve', {
        version,
        fingerprint,
      })
      assert.equal(again.statusCode, 409)
    })

    test('a dry run over a bad period names the field; a practitioner is refused every route', async () => {
      const bad = await json(
        analyst,
        'GET',
        '/api/v1/triggers/repeat-victim/dry-run?version=1&from=2023-01-01&to=2040-01-01',
      )
      assert.equal(bad.statusCode, 400)
      assert.match(
        (bad.json() as { error: { fields: Record<string, string> } }).error.fields.to ?? '',
        /at most 3653 days/,
      )
      assert.equal((await json(practitioner, 'GET', '/api/v1/triggers')).statusCode, 403)
      assert.equal(
        (await json(practitioner, 'POST', '/api/v1/triggers/repeat-victim/draft', shipped('repeat-victim')))
          .statusCode,
        403,
      )
    })
  })
}
