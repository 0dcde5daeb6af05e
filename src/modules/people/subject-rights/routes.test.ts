import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import fc from 'fast-check'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import type { TestClient } from '../../../../test/http-client.ts'
import { ManualClock } from '../../../clock.ts'
import { recordIdOf } from '../test-support/linked-people.ts'
import { subjectScene, THIRD_PARTY_CANARY, type SubjectScene } from './test-support.ts'

/** The DPO's pages: every form answers bad input with a 400 naming the field, and never half-writes. */

const FORM_FIELDS = /href="#([A-Za-z0-9-]+)"/g
/** The fields the error summary links to. */
const namedFields = (body: string) => {
  const summary = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? ''
  return [...summary.matchAll(FORM_FIELDS)].map((m) => m[1]!)
}

/** Text a user might type, with the awkward cases weighted in. */
const typed = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '2026-02-30',
    '2026-02-27',
    '1979-11-30',
    '99999999999999999999',
    '-1',
    '0',
    'EC2V 7AN',
    'x'.repeat(3000),
  ),
  fc.string({ unit: 'binary', maxLength: 10 }),
)

for (const backend of backends()) {
  describe(`the subject-rights pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let world: SubjectScene
    let dpo: TestClient

    before(async () => {
      database = await backend.create()
      clock = new ManualClock('2026-03-02T10:00:00Z')
      ;({ app } = await testApp(database, { clock }))
      world = await subjectScene(database, app, clock)
      dpo = await world.as(world.dpo)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const requestCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('subject_access_request')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    test('the DPO records a request and gets its bundle as a page, a printable page and JSON, all marked', async () => {
      const index = await dpo.get('/subject-rights')
      assert.equal(index.statusCode, 200)
      assert.match(index.body, /OFFICIAL-SENSITIVE/)
      const opened = await dpo.postForm('/subject-rights/requests', {
        personId: String(world.subjectId),
        requesterReference: 'SAR/2026/010',
        receivedOn: '2026-03-01',
      })
      assert.equal(opened.statusCode, 303, opened.body)
      const url = String(opened.headers.location)
      const page = await dpo.get(url)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /OFFICIAL-SENSITIVE/)
      assert.match(page.body, /2026-04-01/)
      assert.ok(page.body.includes('another person'))
      assert.ok(!page.body.includes(THIRD_PARTY_CANARY))
      const printable = await dpo.get(`${url}/bundle`)
      assert.equal(printable.statusCode, 200)
      assert.match(printable.body, /Your personal data/)
      assert.ok(!printable.body.includes(THIRD_PARTY_CANARY))
      const json = await dpo.get(`${url}/bundle.json`)
      assert.equal(json.statusCode, 200)
      assert.match(String(json.headers['content-disposition']), /OFFICIAL-SENSITIVE-subject-access-\d+\.json/)
      assert.equal(json.headers['cache-control'], 'no-store')
      const bundle = JSON.parse(json.body) as { items: { key: string }[]; subject: { personId: number } }
      assert.equal(bundle.subject.personId, world.subjectId)
      assert.equal(bundle.items.length, 10)
    })

    test('only the DPO’s role reaches the pages', async () => {
      const officer = await world.as(world.scene.users.officer)
      assert.equal((await officer.get('/subject-rights')).statusCode, 403)
      assert.equal((await officer.get(`/subject-rights/people/${world.subjectId}`)).statusCode, 403)
    })

    test('any input to the request form is either recorded or refused with a 400 naming the field', async () => {
      await dpo.get('/subject-rights')
      await fc.assert(
        fc.asyncProperty(typed, typed, typed, async (personId, requesterReference, receivedOn) => {
          const before = await requestCount()
          const response = await dpo.postForm('/subject-rights/requests', {
            personId,
            requesterReference,
            receivedOn,
          })
          const after = await requestCount()
          if (response.statusCode === 303) assert.equal(after, before + 1)
          else {
            assert.equal(response.statusCode, 400, response.body.slice(0, 300))
            assert.equal(after, before, 'nothing half-written')
            const fields = namedFields(response.body)
            assert.ok(fields.length > 0, 'the error summary names a field')
            assert.ok(
              fields.every((f) => ['personId', 'requesterReference', 'receivedOn'].includes(f)),
              fields.join(),
            )
          }
        }),
        { numRuns: 30 },
      )
    })

    test('any input to the rectification form corrects the record or is refused with a 400 naming the field', async () => {
      const recordId = await recordIdOf(database.db, 'P9')
      const fields = ['firstNames', 'lastName', 'dateOfBirth', 'address', 'postcode', 'reason']
      await fc.assert(
        fc.asyncProperty(fc.array(typed, { minLength: 6, maxLength: 6 }), async (values) => {
          const form = await dpo.get(`/subject-rights/records/${recordId}/rectification`)
          assert.equal(form.statusCode, 200)
          const fingerprint = /name="fingerprint" value="([0-9a-f]+)"/.exec(form.body)![1]!
          const response = await dpo.postForm(`/subject-rights/records/${recordId}/rectification`, {
            ...Object.fromEntries(fields.map((field, index) => [field, values[index]!])),
            fingerprint,
          })
          if (response.statusCode === 303) return
          assert.equal(response.statusCode, 400, response.body.slice(0, 300))
          const named = namedFields(response.body)
          assert.ok(named.length > 0 && named.every((f) => fields.includes(f)), named.join())
        }),
        { numRuns: 30 },
      )
    })

    test('a correction from a form read before another is refused with 409 and changes nothing', async () => {
      const recordId = await recordIdOf(database.db, 'P13')
      const form = await dpo.get(`/subject-rights/records/${recordId}/rectification`)
      const fingerprint = /name="fingerprint" value="([0-9a-f]+)"/.exec(form.body)![1]!
      const correct = (lastName: string) =>
        dpo.postForm(`/subject-rights/records/${recordId}/rectification`, {
          firstNames: 'Grace',
          lastName,
          dateOfBirth: '1985-11-11',
          address: '15 Lothbury',
          postcode: 'EC2R 7HH',
          reason: 'Subject’s request',
          fingerprint,
        })
      assert.equal((await correct('Hall-Jones')).statusCode, 303)
      const stale = await correct('Hallam')
      assert.equal(stale.statusCode, 409)
      const record = await database.db
        .selectFrom('person_record')
        .select('last_name')
        .where('id', '=', recordId)
        .executeTakeFirstOrThrow()
      assert.equal(record.last_name, 'Hall-Jones')
    })

    test('extensions and withholdings name the field they refuse; a stale extension is a 409', async () => {
      const opened = await dpo.postForm('/subject-rights/requests', {
        personId: String(world.subjectId),
        requesterReference: 'SAR/2026/011',
        receivedOn: '2026-02-10',
      })
      const url = String(opened.headers.location)
      await dpo.get(url)
      const bad = await dpo.postForm(`${url}/extensions`, { version: '1', dueOn: '2026-13-01', reason: '' })
      assert.equal(bad.statusCode, 400)
      assert.deepEqual(namedFields(bad.body).sort(), ['dueOn', 'extension-reason'])
      const tooLong = await dpo.postForm(`${url}/extensions`, {
        version: '1',
        dueOn: '2026-06-01',
        reason: 'Complex',
      })
      assert.equal(tooLong.statusCode, 400)
      assert.match(tooLong.body, /2026-05-10 at the latest/)
      const extended = await dpo.postForm(`${url}/extensions`, {
        version: '1',
        dueOn: '2026-04-10',
        reason: 'Complex',
      })
      assert.equal(extended.statusCode, 303)
      const stale = await dpo.postForm(`${url}/extensions`, {
        version: '1',
        dueOn: '2026-05-10',
        reason: 'Again',
      })
      assert.equal(stale.statusCode, 409)
      const unknownItem = await dpo.postForm(`${url}/withholdings`, { itemKey: 'record:0', reason: 'x' })
      assert.equal(unknownItem.statusCode, 400)
      assert.deepEqual(namedFields(unknownItem.body), ['items'])
      const noReason = await dpo.postForm(`${url}/withholdings`, {
        itemKey: `referral:${world.referralId}`,
        reason: ' ',
      })
      assert.equal(noReason.statusCode, 400)
      assert.deepEqual(namedFields(noReason.body), [`reason-referral-${world.referralId}`])
    })

    test('marking beyond use needs a reason, cannot be done twice, and is shown to the DPO', async () => {
      const url = `/subject-rights/people/${world.subjectId}`
      await dpo.get(url)
      const empty = await dpo.postForm(`${url}/beyond-use`, { reason: '' })
      assert.equal(empty.statusCode, 400)
      assert.deepEqual(namedFields(empty.body), ['beyond-use-reason'])
      assert.equal(
        (await dpo.postForm(`${url}/beyond-use`, { reason: 'Accuracy contested' })).statusCode,
        303,
      )
      assert.equal((await dpo.postForm(`${url}/beyond-use`, { reason: 'Again' })).statusCode, 409)
      assert.match((await dpo.get(url)).body, /Beyond use since/)
      assert.equal((await dpo.postForm(`${url}/beyond-use/lift`, { reason: 'Confirmed' })).statusCode, 303)
      assert.equal((await dpo.postForm(`${url}/beyond-use/lift`, { reason: 'Again' })).statusCode, 409)
    })
  })
}
