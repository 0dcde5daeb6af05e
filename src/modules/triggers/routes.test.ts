import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import fc from 'fast-check'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { testApp } from '../../../test/app.ts'
import { createOrganisation, createUser } from '../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../test/http-client.ts'
import { loadTimelines } from '../people/timelines.ts'
import { runLinkage } from '../people/link-run.ts'
import { importLinkablePeople } from '../people/test-support/linked-people.ts'
import { dryRun } from './dry-run.ts'
import { liveRules, ruleVersion } from './queries.ts'
import { validateRule } from './rule-definition.ts'
import { SHIPPED_RULE_DEFINITIONS, SHIPPED_RULES } from './shipped-rules.ts'

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')

const shipped = (key: string) =>
  structuredClone(SHIPPED_RULE_DEFINITIONS.find((d) => (d as { key: string }).key === key)) as Record<
    string,
    unknown
  >

/** The rows of a govuk table on a page, as cell texts. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? ''
  const body = /<tbody[\s\S]*?<\/tbody>/.exec(table)?.[0] ?? ''
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((row) =>
    [...row[0].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!.replace(/<[^>]+>/g, '').trim(),
    ),
  )
}

for (const backend of backends()) {
  describe(`the trigger rules pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient
    let supervisor: TestClient
    let secondSupervisor: TestClient
    let practitioner: TestClient

    const versionCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('trigger_rule_version')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const auditCount = async (event: string) =>
      (await database.db.selectFrom('audit_event').select('seq').where('event', '=', event).execute()).length

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      await importLinkablePeople(database.db, started.clock)
      await runLinkage(database.db, { clock: started.clock })
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const council = await createOrganisation(database.db, { kind: 'local_authority' })
      const signIn = async (
        role: 'analyst' | 'supervisor' | 'partner_practitioner',
        organisationId: string,
      ) => {
        const user = await createUser(database.db, { role, organisationId })
        return clientSignedInAs(app, database.db, started.clock, user.id)
      }
      analyst = await signIn('analyst', police.id)
      supervisor = await signIn('supervisor', police.id)
      secondSupervisor = await signIn('supervisor', police.id)
      practitioner = await signIn('partner_practitioner', council.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the list shows the six shipped rules, each live at version 1 with no draft', async () => {
      const page = await analyst.get('/triggers')
      assert.equal(page.statusCode, 200)
      const rows = tableRows(page.body, 'trigger-rules')
      for (const rule of SHIPPED_RULES) {
        const row = rows.find((cells) => cells[1] === rule.key)
        assert.ok(row, `${rule.key} is listed`)
        assert.equal(row[0], escapeHtml(rule.title))
        assert.deepEqual(row.slice(2, 5), ['1', 'None', 'Not run yet'])
      }
      assert.match(
        page.body,
        /href="\/triggers"[^>]*>[\s\S]{0,400}Trigger rules/,
        'the navigation links to the rules',
      )
    })

    test('a rule’s page gives the live definition in words and as JSON, and its history', async () => {
      const page = await analyst.get('/triggers/repeat-missing')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Three or more|three or more times in 90 days/)
      assert.match(page.body, /The 90 days ending on the day of the run/)
      assert.match(page.body, /At least 3 separate incidents/)
      assert.match(page.body, /&quot;windowDays&quot;: 90/)
      assert.deepEqual(tableRows(page.body, 'rule-versions')[0]?.slice(0, 3), [
        '1',
        'approved',
        'Upstream (shipped)',
      ])
    })

    test('an invalid draft is refused with each problem named by its field path, linked to the textarea, and nothing is written', async () => {
      const definition = {
        ...shipped('child-victim-or-suspect'),
        windowDays: 4000,
        colour: 'red',
        events: { flagsAny: ['drugs'] },
      }
      const expected = validateRule(definition)
      assert.equal(expected.ok, false)
      const [versions, audits] = [await versionCount(), await auditCount('CREATE_TRIGGER_RULE_DRAFT')]
      const page = await analyst.postForm('/triggers/child-victim-or-suspect/draft', {
        definition: JSON.stringify(definition),
      })
      assert.equal(page.statusCode, 400)
      for (const problem of expected.ok ? [] : expected.problems) {
        assert.ok(
          page.body.includes(
            `<a href="#definition">${escapeHtml(`${problem.path}: ${problem.message}`)}</a>`,
          ),
          problem.path,
        )
      }
      assert.ok(page.body.includes('colour: unknown field'))
      assert.ok(page.body.includes('&quot;colour&quot;:&quot;red&quot;'), 'the text as written is kept')
      assert.equal(await versionCount(), versions)
      assert.equal(await auditCount('CREATE_TRIGGER_RULE_DRAFT'), audits)
      const notJson = await analyst.postForm('/triggers/child-victim-or-suspect/draft', {
        definition: '{"key": ',
      })
      assert.equal(notJson.statusCode, 400)
      assert.match(notJson.body, /definition: is not JSON/)
    })

    test('any body posted as a draft gets 400 with its problems or 303 to the saved draft, never a server error', async () => {
      const base = shipped('repeat-missing')
      const field = fc.constantFrom(...Object.keys(base), 'events', 'threshold', 'unknown')
      const bodies = fc.oneof(
        fc.json(),
        fc.string(),
        fc
          .record({ name: field, value: fc.jsonValue() })
          .map(({ name, value }) => JSON.stringify({ ...base, [name]: value })),
        fc.constant(JSON.stringify({ ...base, windowDays: 30 })),
      )
      let saved = 0
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const response = await analyst.postForm('/triggers/repeat-missing/draft', { definition: body })
          assert.ok(
            [303, 400].includes(response.statusCode),
            `${response.statusCode} for ${body.slice(0, 200)}`,
          )
          if (response.statusCode === 303) {
            saved++
            assert.match(response.headers.location as string, /^\/triggers\/repeat-missing\/draft\?saved=2$/)
          } else {
            assert.match(response.body, /govuk-error-summary[\s\S]*href="#definition"/)
          }
        }),
        { numRuns: 60 },
      )
      // A valid change is always among the cases, so both answers were seen.
      assert.ok(saved > 0)
    })

    test('a new rule is saved as a draft of version 1; a key that exists is refused', async () => {
      const definition = { ...shipped('repeat-victim'), key: 'any-crime-victim', title: 'Any crime victim' }
      const created = await analyst.postForm('/triggers/new', { definition: JSON.stringify(definition) })
      assert.equal(created.statusCode, 303)
      assert.equal(created.headers.location, '/triggers/any-crime-victim/draft?saved=1')
      const list = await analyst.get('/triggers')
      assert.deepEqual(
        tableRows(list.body, 'trigger-rules')
          .find((row) => row[1] === 'any-crime-victim')
          ?.slice(2, 4),
        ['Not live', '1'],
      )
      const taken = await analyst.postForm('/triggers/new', {
        definition: JSON.stringify(shipped('repeat-victim')),
      })
      assert.equal(taken.statusCode, 400)
      assert.match(taken.body, /key: a rule &#39;repeat-victim&#39; already exists/)
    })

    test('a draft’s dry run shows the counts dryRun gives on the same timelines, and is audited as a consultation', async () => {
      const draft = { ...shipped('repeat-victim'), threshold: { atLeast: 1, count: 'distinct-incidents' } }
      const saved = await analyst.postForm('/triggers/repeat-victim/draft', {
        definition: JSON.stringify(draft),
      })
      assert.equal(saved.statusCode, 303)
      const version = Number(/saved=(\d+)/.exec(saved.headers.location as string)![1])
      const consults = await auditCount('DRY_RUN_TRIGGER_RULE')
      const page = await analyst.get(
        `/triggers/repeat-victim/dry-run?version=${version}&from=2023-01-01&to=2023-12-31`,
      )
      assert.equal(page.statusCode, 200)
      const expected = dryRun(
        await ruleVersion(database.db, 'repeat-victim', version),
        await loadTimelines(database.db),
        '2023-01-01',
        '2023-12-31',
      )
      assert.ok(expected.peopleFlagged > 0, 'the fixture has victims')
      assert.match(page.body, new RegExp(`id="people-flagged"><strong>${expected.peopleFlagged}</strong>`))
      assert.deepEqual(
        tableRows(page.body, 'by-month'),
        expected.byMonth.map((row) => [row.month, String(row.people)]),
      )
      assert.deepEqual(
        tableRows(page.body, 'by-area').map((row) => [row[0], row[2]]),
        expected.byArea.map((row) => [row.lsoaCode ?? 'No known home area', String(row.people)]),
      )
      assert.match(page.body, /Staff only/)
      assert.doesNotMatch(page.body, /Hughes|Clarke|Thomas/)
      assert.equal(await auditCount('DRY_RUN_TRIGGER_RULE'), consults + 1)
    })

    test('a dry run with a date that is not a date, or an end before its start, names the field and reads nothing', async () => {
      const consults = await auditCount('DRY_RUN_TRIGGER_RULE')
      const bad = await analyst.get('/triggers/repeat-victim/dry-run?version=1&from=2023-02-30&to=2023-01-01')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /href="#from">Start: &#39;2023-02-30&#39; is not a date/)
      const backwards = await analyst.get(
        '/triggers/repeat-victim/dry-run?version=99&from=2023-05-01&to=2023-01-01',
      )
      assert.equal(backwards.statusCode, 400)
      assert.match(backwards.body, /href="#to">End: 2023-01-01 is before the start/)
      assert.match(backwards.body, /href="#version">Version: repeat-victim has no version/)
      assert.equal(await auditCount('DRY_RUN_TRIGGER_RULE'), consults)
    })

    test('a supervisor may not approve their own draft; another supervisor approves it and it is live', async () => {
      const draft = { ...shipped('domestic-abuse-in-household'), windowDays: 730 }
      assert.equal(
        (
          await supervisor.postForm('/triggers/domestic-abuse-in-household/draft', {
            definition: JSON.stringify(draft),
          })
        ).statusCode,
        303,
      )
      const own = await supervisor.get('/triggers/domestic-abuse-in-household')
      assert.match(own.body, /You wrote this draft/)
      const fingerprint = /name="fingerprint" value="([0-9a-f]+)"/.exec(
        (await secondSupervisor.get('/triggers/domestic-abuse-in-household')).body,
      )![1]!
      await supervisor.get('/triggers/domestic-abuse-in-household')
      const refused = await supervisor.postForm('/triggers/domestic-abuse-in-household/approve', {
        version: '2',
        fingerprint,
      })
      assert.equal(refused.statusCode, 403)
      assert.match(refused.body, /someone else must approve it/)
      const liveBefore = (await liveRules(database.db)).rules.find(
        (r) => r.key === 'domestic-abuse-in-household',
      )
      assert.equal(liveBefore?.version, 1)

      await secondSupervisor.get('/triggers/domestic-abuse-in-household')
      const approved = await secondSupervisor.postForm('/triggers/domestic-abuse-in-household/approve', {
        version: '2',
        fingerprint,
      })
      assert.equal(approved.statusCode, 303)
      const live = (await liveRules(database.db)).rules.find((r) => r.key === 'domestic-abuse-in-household')
      assert.equal(live?.version, 2)
      assert.equal(live?.windowDays, 730)
      const again = await secondSupervisor.postForm('/triggers/domestic-abuse-in-household/approve', {
        version: '2',
        fingerprint,
      })
      assert.equal(again.statusCode, 409)
      assert.match(
        again.body,
        /Version 2 of &#39;domestic-abuse-in-household&#39; is approved, no longer a draft/,
      )
    })

    test('a draft saved again after the supervisor opened it is not approved unread', async () => {
      const first = { ...shipped('child-victim-or-suspect'), windowDays: 100 }
      assert.equal(
        (
          await analyst.postForm('/triggers/child-victim-or-suspect/draft', {
            definition: JSON.stringify(first),
          })
        ).statusCode,
        303,
      )
      const opened = await supervisor.get('/triggers/child-victim-or-suspect')
      const fingerprint = /name="fingerprint" value="([0-9a-f]+)"/.exec(opened.body)![1]!
      const version = /name="version" value="(\d+)"/.exec(opened.body)![1]!
      await analyst.get('/triggers/child-victim-or-suspect/draft')
      assert.equal(
        (
          await analyst.postForm('/triggers/child-victim-or-suspect/draft', {
            definition: JSON.stringify({ ...first, windowDays: 3000 }),
          })
        ).statusCode,
        303,
      )
      await supervisor.get('/triggers/child-victim-or-suspect')
      const stale = await supervisor.postForm('/triggers/child-victim-or-suspect/approve', {
        version,
        fingerprint,
      })
      assert.equal(stale.statusCode, 409)
      assert.match(stale.body, /saved again since you opened it/)
      assert.equal(
        (await liveRules(database.db)).rules.find((r) => r.key === 'child-victim-or-suspect')?.version,
        1,
      )
    })

    test('a partner practitioner may not see the rules; an analyst may edit but not approve', async () => {
      assert.equal((await practitioner.get('/triggers')).statusCode, 403)
      assert.equal(
        (await practitioner.get('/triggers/repeat-victim/dry-run?version=1&from=2023-01-01&to=2023-12-31'))
          .statusCode,
        403,
      )
      assert.equal(
        (await practitioner.postForm('/triggers/repeat-victim/draft', { definition: '{}' })).statusCode,
        403,
      )
      await analyst.get('/triggers/repeat-victim')
      assert.equal(
        (await analyst.postForm('/triggers/repeat-victim/approve', { version: '2', fingerprint: 'x' }))
          .statusCode,
        403,
      )
      assert.equal((await analyst.get('/triggers/no-such-rule')).statusCode, 404)
    })

    test('a supervisor runs the live rules; the run is listed and its hits appear on the list', async () => {
      await supervisor.get('/triggers/runs')
      const started = await supervisor.postForm('/triggers/runs', {})
      assert.equal(started.statusCode, 303)
      let run: { status: string; hits: number; id: number | string } | undefined
      for (let i = 0; i < 200; i++) {
        run = await database.db
          .selectFrom('trigger_run')
          .select(['id', 'status', 'hits'])
          .orderBy('id', 'desc')
          .executeTakeFirst()
        if (run && run.status !== 'running') break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.equal(run?.status, 'completed')
      const runs = await supervisor.get('/triggers/runs')
      assert.equal(tableRows(runs.body, 'trigger-runs')[0]?.[0], String(run!.id))
      const list = await supervisor.get('/triggers')
      assert.match(list.body, new RegExp(`run ${run!.id} as of`))
    })
  })
}
