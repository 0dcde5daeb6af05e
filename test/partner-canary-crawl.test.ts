import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from './backends.ts'
import { testApp } from './app.ts'
import { createUser } from './factories.ts'
import { clientSignedInAs, type TestClient } from './http-client.ts'
import { runLinkage } from '../src/modules/people/link-run.ts'
import { importLinkablePeople, PEOPLE_ROWS } from '../src/modules/people/test-support/linked-people.ts'
import { POLICE_CANARY, PERSON_CANARY, referralScene } from '../src/modules/referrals/test-support.ts'
import { runTriggers } from '../src/modules/triggers/trigger-run.ts'

/**
 * SECURITY-CHECKLIST A3 for the people, triggers and referrals work: every GET route of the whole
 * app, with every kind of real id in its parameters, as partner users of each role. A police-only
 * canary (a referral's police note) must never reach any of them; a partner with no sharing
 * agreement must not see any name of a person either (a person canary and a linked person's name).
 */
const LINKED_CANARY = 'Zyxwvlinked'
const json = { accept: 'application/json' }

for (const backend of backends()) {
  describe(`no police-only data reaches a partner by any route, on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    const partners: { name: string; client: TestClient; hasAgreement: boolean }[] = []
    const candidates: string[] = []

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      const scene = await referralScene(database)
      const as = (id: string) => clientSignedInAs(app, database.db, started.clock, id)
      const officer = await as(scene.users.officer.id)
      await officer.get('/referrals/new')
      const made = await officer.postForm('/referrals', {
        purpose: 'safeguarding',
        to: `team:${scene.councilTeam.id}`,
        priority: 'high',
        personId: String(scene.personId),
        subject: '',
        reason: 'Repeat victim, needs early help',
        policeNote: POLICE_CANARY,
      })
      assert.equal(made.statusCode, 303, made.body)
      await importLinkablePeople(database.db, started.clock, [
        ...PEOPLE_ROWS,
        [
          'col-police',
          'P99',
          'Quentin',
          LINKED_CANARY,
          '2009-09-09',
          '7 Wood Street',
          'EC2V 7AN',
          '20',
          'victim',
        ],
      ])
      await runLinkage(database.db, { clock: started.clock })
      await runTriggers(database.db, { asOf: '2023-06-01', clock: started.clock })
      const ids = async (
        table: 'person' | 'referral' | 'link_review' | 'linkage_run' | 'trigger_run' | 'incident',
      ) =>
        (await database.db.selectFrom(table).select('id').orderBy('id').limit(5).execute()).map((row) =>
          String(row.id),
        )
      const linkedCanary = await database.db
        .selectFrom('person_record as r')
        .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
        .select('l.person_id')
        .where('r.last_name', '=', LINKED_CANARY)
        .executeTakeFirstOrThrow()
      candidates.push(
        String(linkedCanary.person_id),
        ...(await ids('person')),
        ...(await ids('referral')),
        ...(await ids('incident')),
        ...(await ids('link_review')),
        ...(await ids('trigger_run')),
        'repeat-victim',
        'child-victim-or-suspect',
        '99999999',
      )
      const council = scene.council.id
      const charity = scene.charity.id
      for (const [name, role, organisationId, hasAgreement] of [
        ['council practitioner', 'partner_practitioner', council, true],
        ['council supervisor', 'supervisor', council, true],
        ['council officer', 'officer', council, true],
        ['charity practitioner', 'partner_practitioner', charity, false],
        ['charity supervisor', 'supervisor', charity, false],
        ['charity analyst', 'analyst', charity, false],
      ] as const) {
        const user = await createUser(database.db, { role, organisationId })
        partners.push({ name, client: await as(user.id), hasAgreement })
      }
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('every GET route, every id, every partner role: no police note; no names without an agreement', async () => {
      const urls = new Set<string>()
      for (const route of app.registeredRoutes) {
        if (route.method !== 'GET' || route.access.permission === 'public') continue
        const parameters = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
        if (parameters.length === 0) {
          urls.add(route.url)
          urls.add(`${route.url}?status=all&purpose=safeguarding&name=zy`)
          continue
        }
        for (const value of candidates) {
          let url = route.url
          for (const parameter of parameters) url = url.replace(`:${parameter}`, value)
          urls.add(url.includes('*') ? url.replace('*', 'x') : url)
          if (url.startsWith('/people/')) urls.add(`${url}?purpose=safeguarding`)
        }
      }
      assert.ok(urls.size > 200, `${urls.size} requests`)
      const leaks: string[] = []
      // The crawl reaches real data: partners with an agreement do see the names it allows.
      const seenUnderAgreement = new Set<string>()
      for (const partner of partners) {
        for (const url of urls) {
          const response = await partner.client.get(url, url.startsWith('/api/') ? json : {})
          if (response.statusCode >= 500)
            leaks.push(`${partner.name}: ${url} answered ${response.statusCode}`)
          if (partner.hasAgreement && response.body.includes(PERSON_CANARY))
            seenUnderAgreement.add('referred person')
          if (partner.hasAgreement && response.body.includes(LINKED_CANARY))
            seenUnderAgreement.add('linked person')
          if (response.body.includes(POLICE_CANARY))
            leaks.push(`${partner.name}: ${url} shows the police note`)
          if (
            !partner.hasAgreement &&
            (response.body.includes(PERSON_CANARY) || response.body.includes(LINKED_CANARY))
          ) {
            leaks.push(`${partner.name}: ${url} shows a person without an agreement`)
          }
        }
      }
      assert.deepEqual(leaks, [])
      assert.deepEqual([...seenUnderAgreement].sort(), ['linked person', 'referred person'])
    })
  })
}
