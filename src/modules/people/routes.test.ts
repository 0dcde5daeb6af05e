import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { testApp } from '../../../test/app.ts'
import { createOrganisation, createUser } from '../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../test/http-client.ts'
import { runLinkage } from './link-run.ts'
import { importLinkablePeople, personOfRecords, recordIdOf } from './test-support/linked-people.ts'

/** Two answers differ only by their CSP nonces when they are the same page. */
const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""')

for (const backend of backends()) {
  describe(`the people pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let officer: TestClient
    let councilOfficer: TestClient
    let supervisor: TestClient
    let officerId: string
    let benId: number

    const audits = (event: string) =>
      database.db
        .selectFrom('audit_event')
        .select(['action', 'outcome', 'purpose', 'record_ids', 'actor_user_id'])
        .where('event', '=', event)
        .orderBy('seq')
        .execute()

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const council = await createOrganisation(database.db, { kind: 'local_authority' })
      await importLinkablePeople(database.db, started.clock)
      await runLinkage(database.db, { clock: started.clock })
      benId = (await personOfRecords(database.db)).get('P2') as number
      const signIn = async (role: 'officer' | 'supervisor', organisationId: string) => {
        const user = await createUser(database.db, { role, organisationId })
        return { id: user.id, client: await clientSignedInAs(app, database.db, started.clock, user.id) }
      }
      const o = await signIn('officer', police.id)
      officer = o.client
      officerId = o.id
      councilOfficer = (await signIn('officer', council.id)).client
      supervisor = (await signIn('supervisor', police.id)).client
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('nothing about a person is shown until the viewer gives a purpose', async () => {
      const before = (await audits('VIEW_PERSON')).length
      const page = await officer.get(`/people/${benId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Why are you viewing this person\?/)
      assert.doesNotMatch(page.body, /Hughes/)
      assert.equal((await audits('VIEW_PERSON')).length, before)
    })

    test('a police officer sees the person, their records from both sources, timeline and household; the view is audited with its purpose', async () => {
      const page = await officer.get(`/people/${benId}?purpose=safeguarding`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<h1 class="govuk-heading-l">Benjamin Hughes<\/h1>/)
      assert.match(page.body, /col-police P2/)
      assert.match(page.body, /city-council C78/)
      assert.equal(
        [...page.body.matchAll(/<td class="govuk-table__cell">Burglary<\/td>/g)].length,
        2,
        'both involvements on the timeline',
      )
      assert.match(page.body, /Chloe Hughes<\/a> \(child\)/)
      const [audit] = (await audits('VIEW_PERSON')).slice(-1)
      assert.deepEqual(audit, {
        action: 'consult',
        outcome: 'success',
        purpose: 'safeguarding',
        record_ids: [String(benId)],
        actor_user_id: officerId,
      })
    })

    test('without a sharing agreement, a council officer gets the same 404 for a real person as for no person, and the denial is audited', async () => {
      const real = await councilOfficer.get(`/people/${benId}?purpose=safeguarding`)
      const none = await councilOfficer.get(`/people/99999999?purpose=safeguarding`)
      assert.equal(real.statusCode, 404)
      assert.equal(withoutNonce(real.body), withoutNonce(none.body))
      assert.doesNotMatch(real.body, /Hughes/)
      const denied = (await audits('VIEW_PERSON')).filter((a) => a.outcome === 'denied')
      assert.ok(denied.some((a) => a.record_ids.includes(String(benId))))
      await councilOfficer.get('/people')
      const search = await councilOfficer.postForm('/people', { name: 'hughes', purpose: 'safeguarding' })
      assert.equal(search.statusCode, 403)
      assert.doesNotMatch(search.body, /Benjamin/)
    })

    test('search (posted: no name in the address) finds people by any of their records’ names, needs a purpose, and names the problem in bad input', async () => {
      await officer.get('/people')
      const found = await officer.postForm('/people', { name: 'ben hughes', purpose: 'crime-prevention' })
      assert.equal(found.statusCode, 200)
      assert.match(found.body, new RegExp(`/people/${benId}\\?purpose=crime-prevention">Benjamin Hughes`))
      const noPurpose = await officer.postForm('/people', { name: 'hughes' })
      assert.equal(noPurpose.statusCode, 400)
      assert.match(noPurpose.body, /Choose why you are looking for this person/)
      const short = await officer.postForm('/people', {
        name: 'h',
        purpose: 'safeguarding',
        dateOfBirth: '30-11-1979',
      })
      assert.equal(short.statusCode, 400)
      assert.match(short.body, /at least two letters/)
      assert.match(short.body, /YYYY-MM-DD/)
    })

    test('a reviewer decides a pair in the queue; a second reviewer of the same pair is told and nothing is overwritten', async () => {
      const [a, b] = [await recordIdOf(database.db, 'P7'), await recordIdOf(database.db, 'P12')].sort(
        (x, y) => x - y,
      ) as [number, number]
      const run = await database.db
        .selectFrom('linkage_run')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      const review = await database.db
        .insertInto('link_review')
        .values({
          linkage_run_id: run.id,
          record_a: a,
          record_b: b,
          match_probability: 0.61,
          match_weight: 0.65,
          explanation: JSON.stringify([{ field: 'date of birth', level: 'different', weight: -3.2 }]),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const queue = await supervisor.get('/people/review')
      assert.match(queue.body, new RegExp(`href="/people/review/${review.id}"`))
      const page = await supervisor.get(`/people/review/${review.id}`)
      assert.match(page.body, /date of birth<\/th>\s*<td class="govuk-table__cell">different<\/td>/)
      const missingReason = await supervisor.postForm(`/people/review/${review.id}`, {
        decision: 'different',
        reason: '',
      })
      assert.equal(missingReason.statusCode, 400)
      assert.match(missingReason.body, /href="#reason"/)
      const saved = await supervisor.postForm(`/people/review/${review.id}`, {
        decision: 'different',
        reason: 'Not the same age',
      })
      assert.equal(saved.statusCode, 303)
      const late = await supervisor.postForm(`/people/review/${review.id}`, { decision: 'same', reason: '' })
      assert.equal(late.statusCode, 409)
      assert.match(late.body, /decided these records are different people/)
      const decisions = await database.db
        .selectFrom('link_decision')
        .select('decision')
        .where('record_a', '=', a)
        .where('record_b', '=', b)
        .execute()
      assert.deepEqual(decisions, [{ decision: 'different' }])
      const linkage = await supervisor.get('/people/linkage')
      assert.match(linkage.body, new RegExp(`${a} and ${b}`))
    })

    test('a reviewer takes a wrongly linked record out of a person: it is kept apart from the next run on', async () => {
      const record = await recordIdOf(database.db, 'C78')
      const page = await supervisor.get(`/people/${benId}?purpose=safeguarding`)
      assert.match(page.body, new RegExp(`action="/people/${benId}/records/${record}/split"`))
      assert.doesNotMatch(
        (await officer.get(`/people/${benId}?purpose=safeguarding`)).body,
        /Take this record out/,
        'officers cannot review',
      )
      const noReason = await supervisor.postForm(`/people/${benId}/records/${record}/split`, {
        purpose: 'safeguarding',
        reason: '',
      })
      assert.equal(noReason.statusCode, 400)
      assert.match(noReason.body, new RegExp(`href="#reason-${record}"`))
      const saved = await supervisor.postForm(`/people/${benId}/records/${record}/split`, {
        purpose: 'safeguarding',
        reason: 'Another Ben Hughes',
      })
      assert.equal(saved.statusCode, 303)
      await runLinkage(database.db)
      const person = await personOfRecords(database.db)
      assert.notEqual(person.get('C78'), person.get('P2'))
      assert.equal(person.get('P2'), benId, 'the person keeps its id and its other records')
      const other = await supervisor.postForm(`/people/${benId}/records/${record}/split`, {
        purpose: 'safeguarding',
        reason: 'again',
      })
      assert.equal(other.statusCode, 404, 'the record is no longer this person’s')
    })

    test('officers may not review links; supervisors may not run linkage', async () => {
      assert.equal((await officer.get('/people/review')).statusCode, 403)
      assert.equal((await supervisor.postForm('/people/linkage/runs', {})).statusCode, 403)
    })
  })
}
