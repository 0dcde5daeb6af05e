import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { testApp } from '../../../test/app.ts'
import { clientSignedInAs, type TestClient } from '../../../test/http-client.ts'
import type { ManualClock } from '../../clock.ts'
import { raiseFromTrigger } from './raise-from-trigger.ts'
import { POLICE_CANARY, PERSON_CANARY, referralScene, type ReferralScene } from './test-support.ts'

const json = { accept: 'application/json' }
/** The page differs between two requests only by its CSP nonce. */
const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""')

for (const backend of backends()) {
  describe(`referral pages and API on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let scene: ReferralScene
    let client: Record<
      'officer' | 'supervisor' | 'secondSupervisor' | 'council' | 'charity' | 'analyst',
      TestClient
    >
    let councilReferralId: number
    let triggerReferralId: number

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      scene = await referralScene(database)
      const as = (user: { id: string }) => clientSignedInAs(app, database.db, clock, user.id)
      client = {
        officer: await as(scene.users.officer),
        supervisor: await as(scene.users.supervisor),
        secondSupervisor: await as(scene.users.secondSupervisor),
        council: await as(scene.users.councilPractitioner),
        charity: await as(scene.users.charityPractitioner),
        analyst: await as(scene.users.analyst),
      }
      await client.officer.get('/referrals/new')
      const made = await client.officer.postForm('/referrals', {
        purpose: 'safeguarding',
        to: `team:${scene.councilTeam.id}`,
        priority: 'high',
        personId: String(scene.personId),
        subject: '',
        reason: 'Repeat victim, needs early help',
        policeNote: POLICE_CANARY,
      })
      assert.equal(made.statusCode, 303, made.body)
      councilReferralId = Number(/\/referrals\/(\d+)/.exec(String(made.headers.location))![1])
      triggerReferralId = (
        await raiseFromTrigger(
          database.db,
          {
            personId: scene.personId,
            ruleKey: 'repeat-victim',
            ruleVersion: 2,
            evidence: [{ incidentId: scene.incidentIds[0]!, date: '2026-01-01', why: 'Victim of burglary' }],
            priority: 'normal',
            purpose: 'safeguarding',
            routeToTeamId: scene.northTeam.id,
          },
          clock,
        )
      ).referralId
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('a referral made with the form (no JavaScript) shows on its page with the police note to police staff', async () => {
      const page = await client.officer.get(`/referrals/${councilReferralId}?done=made`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Referral REF-\d{6} made/)
      assert.ok(page.body.includes(POLICE_CANARY))
      assert.ok(page.body.includes(PERSON_CANARY))
    })

    test("another organisation's referral answers exactly as one that does not exist, page and API", async () => {
      const other = await client.charity.get(`/referrals/${councilReferralId}`)
      const missing = await client.charity.get('/referrals/99999999')
      assert.equal(other.statusCode, 404)
      assert.equal(withoutNonce(other.body), withoutNonce(missing.body))
      const otherJson = await client.charity.get(`/api/v1/referrals/${councilReferralId}`, json)
      const missingJson = await client.charity.get('/api/v1/referrals/99999999', json)
      assert.equal(otherJson.statusCode, 404)
      assert.equal(otherJson.body, missingJson.body)
      const otherPost = await client.charity.request({
        method: 'POST',
        url: `/api/v1/referrals/${councilReferralId}/work`,
        payload: { action: 'note', version: 1, text: 'x' },
        headers: { ...json, 'x-csrf-token': client.charity.csrfToken },
      })
      const missingPost = await client.charity.request({
        method: 'POST',
        url: '/api/v1/referrals/99999999/work',
        payload: { action: 'note', version: 1, text: 'x' },
        headers: { ...json, 'x-csrf-token': client.charity.csrfToken },
      })
      assert.deepEqual([otherPost.statusCode, otherPost.body], [missingPost.statusCode, missingPost.body])
    })

    test('a partner gets only the keys its agreement allows: the name, never the evidence or the police note', async () => {
      const answer = await client.council.get(`/api/v1/referrals/${councilReferralId}`, json)
      assert.equal(answer.statusCode, 200)
      const body = answer.json() as Record<string, unknown>
      assert.equal((body.person as { displayName: string }).displayName, PERSON_CANARY)
      assert.equal('policeNote' in body, false)
      assert.equal('evidence' in body, false)
      const audit = await database.db
        .selectFrom('audit_event')
        .select(['action', 'purpose', 'record_ids'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        [audit.action, audit.purpose, audit.record_ids],
        ['disclose', 'safeguarding', [String(councilReferralId)]],
      )
    })

    test('no police-only canary reaches a partner from any GET route of the module, for any referral id', async () => {
      const ids = [councilReferralId, triggerReferralId, 99999999]
      const urls = app.registeredRoutes
        .filter(
          (r) =>
            r.method === 'GET' && (r.url.startsWith('/referrals') || r.url.startsWith('/api/v1/referrals')),
        )
        .flatMap((r) =>
          r.url.includes(':id')
            ? ids.map((id) => r.url.replace(':id', String(id)))
            : [r.url, `${r.url}?status=all`, `${r.url}?box=sent&status=all`],
        )
      assert.ok(urls.length >= 10)
      for (const partner of [client.council, client.charity]) {
        for (const url of urls) {
          const response = await partner.get(url, url.startsWith('/api/') ? json : {})
          assert.ok(response.statusCode < 500, `${url}: ${response.statusCode}`)
          assert.equal(response.body.includes(POLICE_CANARY), false, `${url} shows the police note`)
          if (partner === client.charity)
            assert.equal(
              response.body.includes(PERSON_CANARY),
              false,
              `${url} shows the person to the charity`,
            )
        }
      }
    })

    test('an extra field in a referral POST is refused naming it, and nothing is written', async () => {
      const before = await database.db
        .selectFrom('referral')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const answer = await client.council.request({
        method: 'POST',
        url: '/api/v1/referrals',
        payload: {
          purpose: 'safeguarding',
          to: `organisation:${scene.police.id}`,
          priority: 'normal',
          reason: 'r',
          subject: 's',
          policeOnly: true,
        },
        headers: { ...json, 'x-csrf-token': client.council.csrfToken },
      })
      assert.equal(answer.statusCode, 400)
      assert.match(answer.body, /policeOnly/)
      const asPolice = await client.council.request({
        method: 'POST',
        url: '/api/v1/referrals',
        payload: {
          purpose: 'safeguarding',
          to: `organisation:${scene.police.id}`,
          priority: 'normal',
          reason: 'r',
          subject: 's',
          policeNote: 'mine',
        },
        headers: { ...json, 'x-csrf-token': client.council.csrfToken },
      })
      assert.equal(asPolice.statusCode, 400)
      assert.match(asPolice.body, /policeNote/)
      const after = await database.db
        .selectFrom('referral')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(Number(after.n), Number(before.n))
    })

    test('a form posted with a stale version gets the 409 page saying who screened it and when', async () => {
      const { referralId } = await raiseFromTrigger(
        database.db,
        {
          personId: scene.otherPersonId,
          ruleKey: 'stale-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[1]!, date: '2026-02-01', why: 'w' }],
          priority: 'normal',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        clock,
      )
      await client.supervisor.get(`/referrals/${referralId}`)
      await client.secondSupervisor.get(`/referrals/${referralId}`)
      const first = await client.supervisor.postForm(`/referrals/${referralId}/screen`, {
        version: '1',
        action: 'accept',
        note: '',
      })
      assert.equal(first.statusCode, 303)
      const second = await client.secondSupervisor.postForm(`/referrals/${referralId}/screen`, {
        version: '1',
        action: 'decline',
        reason: 'Not ours',
      })
      assert.equal(second.statusCode, 409)
      assert.match(second.body, /Sam Supervisor \(Test Constabulary\) accepted this referral at \d\d:\d\d/)
      const row = await database.db
        .selectFrom('referral')
        .select(['status'])
        .where('id', '=', referralId)
        .executeTakeFirstOrThrow()
      assert.equal(row.status, 'accepted')
      const declineWithoutReason = await client.secondSupervisor.postForm(`/referrals/${referralId}/screen`, {
        version: '2',
        action: 'decline',
        reason: '',
      })
      assert.equal(declineWithoutReason.statusCode, 400)
    })

    test('the inbox filters, sorts and pages on the server, with bookmarkable links', async () => {
      for (let i = 0; i < 7; i++) {
        await client.officer.postForm('/referrals', {
          purpose: 'problem-solving',
          to: `team:${scene.southTeam.id}`,
          priority: i % 2 ? 'low' : 'urgent',
          subject: `Place ${i}`,
          reason: 'r',
        })
        clock.advanceMinutes(1)
      }
      const first = await client.supervisor.get(
        `/api/v1/referrals?team=${scene.southTeam.id}&sort=created&direction=desc&pageSize=3`,
        json,
      )
      const body = first.json() as {
        referrals: { subject: string; priority: string }[]
        total: number
        pageCount: number
      }
      assert.deepEqual([body.total, body.pageCount], [7, 3])
      assert.deepEqual(
        body.referrals.map((r) => r.subject),
        ['Place 6', 'Place 5', 'Place 4'],
      )
      const third = (
        await client.supervisor.get(
          `/api/v1/referrals?team=${scene.southTeam.id}&sort=created&direction=desc&pageSize=3&page=3`,
          json,
        )
      ).json() as typeof body
      assert.deepEqual(
        third.referrals.map((r) => r.subject),
        ['Place 0'],
      )
      const urgent = (
        await client.supervisor.get(`/api/v1/referrals?team=${scene.southTeam.id}&priority=urgent`, json)
      ).json() as typeof body
      assert.equal(urgent.total, 4)
      const page = await client.supervisor.get(
        `/referrals?team=${scene.southTeam.id}&pageSize=3&sort=priority`,
      )
      assert.equal(page.statusCode, 200)
      assert.ok(
        page.body.includes(
          `href="/referrals?team=${scene.southTeam.id}&amp;sort=priority&amp;page=2&amp;pageSize=3"`,
        ),
        'the next page keeps the filters',
      )
      const bad = await client.supervisor.get('/api/v1/referrals?sort=name&page=0', json)
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /sort must be one of/)
      assert.match(bad.body, /page must be a whole number/)
    })

    test('the audit log holds ids and field names, never the name or the police note', async () => {
      const { rows } = await sql<{
        text: string
      }>`select string_agg(audit_event::text, ' ') as text from audit_event`.execute(database.db)
      assert.ok(rows[0]!.text.includes('VIEW_REFERRAL'))
      assert.equal(rows[0]!.text.includes(PERSON_CANARY), false)
      assert.equal(rows[0]!.text.includes(POLICE_CANARY), false)
    })

    test('random bodies and query strings get a 2xx or a 4xx naming the field, never a server error', async () => {
      const extraKeys = fc.constantFrom(
        'orgId',
        'ownerId',
        'restricted',
        'policeOnly',
        'createdBy',
        '__proto__',
        'constructor',
        'status',
        'version',
      )
      const value = fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 2 }),
      )
      const body = fc.record(
        {
          purpose: fc.oneof(fc.constantFrom('safeguarding', 'crime-prevention', 'gossip'), value),
          to: fc.oneof(fc.constant(`organisation:${scene.police.id}`), fc.constant('team:nope'), value),
          priority: fc.oneof(fc.constantFrom('low', 'urgent', 'soon'), value),
          reason: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), value),
          subject: fc.oneof(fc.string({ maxLength: 40 }), value),
          personId: fc.oneof(fc.constant(String(scene.personId)), value),
        },
        { requiredKeys: [] },
      )
      await fc.assert(
        fc.asyncProperty(body, fc.option(fc.tuple(extraKeys, value)), async (payload, extra) => {
          const sent: Record<string, unknown> = { ...payload }
          if (extra) sent[extra[0]] = extra[1]
          const answer = await client.council.request({
            method: 'POST',
            url: '/api/v1/referrals',
            payload: JSON.stringify(sent),
            headers: {
              ...json,
              'content-type': 'application/json',
              'x-csrf-token': client.council.csrfToken,
            },
          })
          assert.ok(
            [201, 400].includes(answer.statusCode),
            `${answer.statusCode} for ${JSON.stringify(sent)}: ${answer.body}`,
          )
          if (answer.statusCode === 400) assert.match(answer.body, /"(fields|message)"/)
          if (extra && answer.statusCode === 201) assert.fail(`the extra key ${extra[0]} was accepted`)
        }),
        { numRuns: 40 },
      )
      const queries = fc.dictionary(
        fc.constantFrom(
          'box',
          'status',
          'priority',
          'team',
          'overdue',
          'assigned',
          'sort',
          'direction',
          'page',
          'pageSize',
          'other',
        ),
        fc.string({ maxLength: 12 }),
        { maxKeys: 4 },
      )
      await fc.assert(
        fc.asyncProperty(queries, async (query) => {
          const answer = await client.supervisor.get(
            `/api/v1/referrals?${new URLSearchParams(query).toString()}`,
            json,
          )
          assert.ok(
            [200, 400].includes(answer.statusCode),
            `${answer.statusCode} for ${JSON.stringify(query)}`,
          )
        }),
        { numRuns: 40 },
      )
    })

    test('the OpenAPI document describes the referral API', async () => {
      const document = (await client.officer.get('/api/openapi.json', json)).json() as {
        paths: Record<string, Record<string, unknown>>
      }
      for (const path of [
        '/api/v1/referrals',
        '/api/v1/referrals/{id}',
        '/api/v1/referrals/{id}/screen',
        '/api/v1/referrals/{id}/work',
      ]) {
        assert.ok(document.paths[path], `${path} is documented`)
      }
      assert.ok(document.paths['/api/v1/referrals']!.post)
    })

    test('conversion by rule counts the referrals a rule raised and the share accepted', async () => {
      const page = await client.supervisor.get('/referrals/conversion')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /repeat-victim/)
      const partner = await client.council.get('/referrals/conversion')
      assert.equal(partner.statusCode, 403)
    })
  })
}
