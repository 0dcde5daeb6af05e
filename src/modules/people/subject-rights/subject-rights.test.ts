import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createUser } from '../../../../test/factories.ts'
import { ManualClock } from '../../../clock.ts'
import { PERSON_CANARY } from '../../referrals/test-support.ts'
import { listRules } from '../../triggers/index.ts'
import { dryRunVersion } from '../../triggers/rule-actions.ts'
import { runTriggers } from '../../triggers/trigger-run.ts'
import { openReviews, reviewPair } from '../review-queue.ts'
import { recordIdOf } from '../test-support/linked-people.ts'
import { liftBeyondUse, markBeyondUse } from './beyond-use.ts'
import { ANOTHER_PERSON } from './bundle.ts'
import { rectifiableRecord, rectifyPersonRecord } from './rectification.ts'
import { openSubjectAccessRequest, withholdItem } from './requests.ts'
import { produceBundle } from './subject-access.ts'
import { STAFF_CANARIES, subjectScene, THIRD_PARTY_CANARY, type SubjectScene } from './test-support.ts'

/** SECURITY-CHECKLIST C6: subject access, rectification and restriction, each tested as the checklist says. */

for (const backend of backends()) {
  describe(`subject rights on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let world: SubjectScene
    const dpoActor = () => ({ id: world.dpo.id, organisationId: world.dpo.organisationId })

    before(async () => {
      database = await backend.create()
      clock = new ManualClock('2026-03-02T10:00:00Z')
      ;({ app } = await testApp(database, { clock }))
      world = await subjectScene(database, app, clock)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('C6.1: the subject’s bundle holds exactly the expected items and no canary of anyone else', async () => {
      const db = database.db
      const involvements = await db
        .selectFrom('person_involvement')
        .select('id')
        .where('person_record_id', 'in', [world.records.police, world.records.council])
        .orderBy('id')
        .execute()
      assert.equal(involvements.length, 2)
      const household = await db
        .selectFrom('household_member')
        .select('household_id')
        .where('person_id', '=', world.subjectId)
        .executeTakeFirstOrThrow()
      const councilRead = await db
        .selectFrom('audit_event')
        .select('seq')
        .where('event', '=', 'VIEW_REFERRAL')
        .where('action', '=', 'disclose')
        .where('actor_user_id', '=', world.scene.users.councilPractitioner.id)
        .executeTakeFirstOrThrow()
      const made = await db
        .selectFrom('audit_event')
        .select('seq')
        .where('event', '=', 'MAKE_REFERRAL')
        .executeTakeFirst()
      const expected = [
        `record:${world.records.police}`,
        `record:${world.records.council}`,
        ...involvements.map((v) => `involvement:${v.id}`),
        `referral:${world.referralId}`,
        `disclosure:referral:${world.referralId}`,
        `disclosure:audit:${councilRead.seq}`,
        `linkage:${world.records.police}`,
        `linkage:${world.records.council}`,
        `household:${household.household_id}`,
      ].sort()
      assert.ok(made, 'the referral was made')

      const requestId = await openSubjectAccessRequest(
        db,
        dpoActor(),
        { personId: String(world.subjectId), requesterReference: 'SAR/2026/001', receivedOn: '2026-02-27' },
        { clock },
      )
      const bundle = await produceBundle(db, dpoActor(), { requestId }, 'json', { clock })
      assert.deepEqual(bundle.items.map((item) => item.key).sort(), expected)
      assert.equal(bundle.items.length, 10)
      assert.equal(bundle.request?.dueOn, '2026-03-27')

      const text = JSON.stringify(bundle)
      for (const canary of [
        THIRD_PARTY_CANARY,
        'Ozzy',
        'Chloe',
        '2012-06-01',
        PERSON_CANARY,
        ...STAFF_CANARIES,
      ])
        assert.ok(!text.includes(canary), `the bundle shows ${canary}`)
      assert.ok(text.includes('Benjamin') && text.includes('Ben'), 'the subject’s own names are in it')
      const incident = bundle.items.find((item) => item.key === `involvement:${involvements[0]!.id}`)!
      assert.deepEqual(incident.tables[0]!.rows.sort(), [
        [ANOTHER_PERSON, 'child-present'],
        [ANOTHER_PERSON, 'witness'],
      ])
      const home = bundle.items.find((item) => item.kind === 'household')!
      assert.equal(home.tables[0]!.rows.length, 2)
      assert.ok(home.tables[0]!.rows.every((row) => row[0] === ANOTHER_PERSON))
      const disclosure = bundle.items.find((item) => item.key === `disclosure:audit:${councilRead.seq}`)!
      assert.deepEqual(
        disclosure.fields.filter((f) => f.label === 'Recipient' || f.label === 'Purpose').map((f) => f.value),
        ['Test City Council', 'safeguarding'],
      )

      const audit = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'SUBJECT_ACCESS_DISCLOSURE')
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'disclose')
      assert.deepEqual(audit.record_ids, [String(world.subjectId)])
      assert.equal(audit.details.items, 10)
      assert.ok(!JSON.stringify(audit).includes('Benjamin'))
    })

    test('an item withheld under s.45(4) leaves the bundle and is listed with its reason', async () => {
      const db = database.db
      const requestId = await openSubjectAccessRequest(
        db,
        dpoActor(),
        { personId: String(world.subjectId), requesterReference: 'SAR/2026/002', receivedOn: '2026-01-31' },
        { clock },
      )
      const before = await produceBundle(db, dpoActor(), { requestId }, 'json', { clock })
      const key = `referral:${world.referralId}`
      await withholdItem(
        db,
        dpoActor(),
        {
          requestId,
          itemKey: key,
          reason: 'Would prejudice an investigation',
          itemKeys: new Set(before.items.map((i) => i.key)),
        },
        { clock },
      )
      const withheld = await produceBundle(db, dpoActor(), { requestId }, 'json', { clock })
      assert.equal(withheld.request?.dueOn, '2026-02-28')
      assert.equal(withheld.items.length, before.items.length - 1)
      assert.ok(!withheld.items.some((item) => item.key === key))
      assert.deepEqual(withheld.withheld, [
        { key, kind: 'referral', reason: 'Would prejudice an investigation' },
      ])
      await assert.rejects(
        withholdItem(
          db,
          dpoActor(),
          { requestId, itemKey: 'referral:999999', reason: 'x', itemKeys: new Set() },
          { clock },
        ),
        (error: Error & { fields?: Record<string, string> }) =>
          Object.keys(error.fields ?? {}).includes('itemKey'),
      )
    })

    test('C6.3: a rectification creates a notification row for each earlier recipient, and emails naming no one', async () => {
      const db = database.db
      const charitySupervisor = await createUser(db, {
        role: 'supervisor',
        organisationId: world.scene.charity.id,
        displayName: 'Chris Charity',
      })
      const officer = await world.as(world.scene.users.officer)
      await officer.get('/referrals/new')
      const second = await officer.postForm('/referrals', {
        purpose: 'safeguarding',
        to: `organisation:${world.scene.charity.id}`,
        priority: 'normal',
        personId: String(world.subjectId),
        subject: '',
        reason: 'Support with housing',
        policeNote: '',
      })
      assert.equal(second.statusCode, 303, second.body)
      const record = (await rectifiableRecord(db, world.records.police))!
      const result = await rectifyPersonRecord(
        db,
        dpoActor(),
        world.records.police,
        {
          firstNames: 'Benjamin',
          lastName: 'Hughes-Okafor',
          dateOfBirth: '1979-11-30',
          address: record.values.address,
          postcode: record.values.postcode,
          reason: 'The subject showed a deed poll',
          fingerprint: record.fingerprint,
        },
        { clock },
      )
      assert.deepEqual(result.fields, ['last_name'])
      const notices = await db
        .selectFrom('rectification_notice')
        .select(['organisation_id', 'emails', 'disclosures'])
        .where('rectification_id', '=', result.rectificationId)
        .orderBy('organisation_id')
        .execute()
      assert.deepEqual(
        notices.map((n) => n.organisation_id).sort(),
        [world.scene.council.id, world.scene.charity.id].sort(),
      )
      assert.ok(notices.every((n) => n.emails === 1))
      const mails = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('kind', '=', 'rectification-notice')
        .orderBy('to_address')
        .execute()
      assert.deepEqual(
        mails.map((m) => m.to_address).sort(),
        [charitySupervisor.email, world.scene.users.councilSupervisor.email].sort(),
      )
      for (const mail of mails) {
        for (const name of ['Benjamin', 'Hughes', 'Okafor', '1979'])
          assert.ok(!`${mail.subject} ${mail.body}`.includes(name), `the email names ${name}`)
        assert.equal(mail.subject_person_id, world.subjectId)
      }
      const history = await db
        .selectFrom('person_rectification_field')
        .select(['field', 'old_value', 'new_value'])
        .where('rectification_id', '=', result.rectificationId)
        .execute()
      assert.deepEqual(history, [{ field: 'last_name', old_value: 'Hughes', new_value: 'Hughes-Okafor' }])
      const audit = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'RECTIFY_PERSON_RECORD')
        .executeTakeFirstOrThrow()
      assert.deepEqual(audit.details.fields, ['last_name'])
      assert.ok(!JSON.stringify(audit).includes('Okafor'))
      const stale = rectifyPersonRecord(
        db,
        dpoActor(),
        world.records.police,
        {
          ...record.values,
          firstNames: 'Ben',
          lastName: 'Hughes',
          dateOfBirth: '',
          address: '',
          postcode: '',
          reason: 'x',
          fingerprint: record.fingerprint,
        },
        { clock },
      )
      await assert.rejects(stale, (error: Error & { code?: string }) => error.code === 'conflict')
    })

    test('a person beyond use leaves the linkage review queue, and comes back when it is lifted', async () => {
      const db = database.db
      // A pair the linkage was unsure about: Olivia Smith's record and Sophie Brown's.
      const [a, b] = [await recordIdOf(db, 'P6'), await recordIdOf(db, 'C81')].sort((x, y) => x - y)
      const run = await db
        .selectFrom('linkage_run')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('link_review')
        .values({
          linkage_run_id: run.id,
          record_a: a!,
          record_b: b!,
          match_probability: 0.7,
          match_weight: 1.2,
          explanation: '[]',
        })
        .execute()
      const pair = await db
        .selectFrom('link_review as v')
        .innerJoin('person_record_link as l', 'l.person_record_id', 'v.record_a')
        .select(['v.id', 'l.person_id'])
        .where('v.status', '=', 'open')
        .orderBy('v.id')
        .executeTakeFirst()
      assert.ok(pair, 'the fixture has a pair to review')
      const analyst = {
        id: world.scene.users.analyst.id,
        organisationId: world.scene.police.id,
        role: 'analyst',
      }
      const queued = async () => {
        const queue = await openReviews(db, analyst, 1, { clock })
        assert.ok(queue.allowed)
        return queue.pairs.map((p) => p.id)
      }
      assert.ok((await queued()).includes(pair.id))
      await markBeyondUse(db, dpoActor(), { personId: pair.person_id, reason: 'Contested' }, { clock })
      assert.ok(!(await queued()).includes(pair.id))
      assert.equal(await reviewPair(db, analyst, pair.id, { clock }), null)
      await liftBeyondUse(db, dpoActor(), { personId: pair.person_id, reason: 'Settled' }, { clock })
      assert.ok((await queued()).includes(pair.id))
    })

    test('C6.2: after restriction, trigger and dry runs count one person fewer and partner views answer 404', async () => {
      const db = database.db
      const rule = (await listRules(db)).find((r) => r.live !== null)!
      const dryRunPeople = async () => {
        const outcome = await dryRunVersion(db, rule, {
          version: String(rule.live),
          from: '2023-04-01',
          to: '2023-06-01',
        })
        assert.ok(outcome.ok)
        return outcome.peopleRead
      }
      const triggerBefore = await runTriggers(db, { asOf: '2023-06-01', clock })
      const dryBefore = await dryRunPeople()
      const council = await world.as(world.scene.users.councilPractitioner)
      const officer = await world.as(world.scene.users.officer)
      assert.equal((await council.get(`/referrals/${world.referralId}`)).statusCode, 200)
      const listed = (body: string) => body.includes(`href="/referrals/${world.referralId}"`)
      const found = (body: string) => body.includes(`href="/people/${world.subjectId}?`)
      const search = async () => {
        await officer.get('/people')
        return (
          await officer.postForm('/people', { name: 'Hughes', dateOfBirth: '', purpose: 'safeguarding' })
        ).body
      }
      assert.ok(listed((await council.get('/referrals?status=all')).body), 'the inbox lists the referral')
      assert.ok(found(await search()), 'search finds the person')

      await markBeyondUse(
        db,
        dpoActor(),
        { personId: world.subjectId, reason: 'The subject contests accuracy' },
        { clock },
      )
      const triggerAfter = await runTriggers(db, { asOf: '2023-06-01', clock })
      assert.equal(triggerAfter.people, triggerBefore.people - 1)
      assert.equal(await dryRunPeople(), dryBefore - 1)
      assert.equal((await council.get(`/referrals/${world.referralId}`)).statusCode, 404)
      const api = await council.get(`/api/v1/referrals/${world.referralId}`, { accept: 'application/json' })
      assert.equal(api.statusCode, 404)
      const inbox = await council.get('/referrals?status=all')
      assert.equal(inbox.statusCode, 200)
      assert.ok(!listed(inbox.body), 'the inbox leaves the referral out')
      const person = await officer.get(`/people/${world.subjectId}?purpose=safeguarding`)
      assert.equal(person.statusCode, 404)
      assert.ok(!found(await search()), 'search leaves the person out')
      const dpo = await world.as(world.dpo)
      assert.equal((await dpo.get(`/subject-rights/people/${world.subjectId}`)).statusCode, 200)

      await liftBeyondUse(
        db,
        dpoActor(),
        { personId: world.subjectId, reason: 'Accuracy confirmed' },
        { clock },
      )
      assert.equal((await council.get(`/referrals/${world.referralId}`)).statusCode, 200)
      assert.equal(await dryRunPeople(), dryBefore)
      const events = await db
        .selectFrom('audit_event')
        .select(['event', 'action'])
        .where('event', 'in', ['MARK_PERSON_BEYOND_USE', 'LIFT_PERSON_BEYOND_USE'])
        .where(sql<boolean>`record_ids @> ${JSON.stringify([String(world.subjectId)])}::jsonb`)
        .orderBy('seq')
        .execute()
      assert.deepEqual(events, [
        { event: 'MARK_PERSON_BEYOND_USE', action: 'alter' },
        { event: 'LIFT_PERSON_BEYOND_USE', action: 'alter' },
      ])
    })
  })
}
