import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createTeam, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import { ManualClock } from '../../../clock.ts'
import { deliverDueMail } from '../../platform/mail/deliver.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../../platform/mail/test-support.ts'
import { actOnReferral } from '../../referrals/act-on-referral.ts'
import { sweepGrantNotices } from './grants.ts'

/**
 * SECURITY-CHECKLIST A7, its five steps, with the injectable clock: a staff interest is refused
 * and alerted; break-glass opens a restricted record for 24 hours, audited and notified; grants
 * expire on their day after one notice 7 days before; the review queue lists restrictions due.
 */
const HOUR = 60 * 60_000
const DAY = 24 * HOUR
const NAME = 'Quillon Restrictedperson'

for (const backend of backends()) {
  describe(`restricted records on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let smtp: TestSmtpServer
    const clock = new ManualClock('2026-03-02T09:00:00Z')
    let officer: TestUser
    let related: TestUser
    let supervisor: TestUser
    let owner: TestUser
    let worker: TestUser

    const as = (user: TestUser) => clientSignedInAs(app, database.db, clock, user.id)
    const newPerson = async () =>
      (
        await database.db
          .insertInto('person')
          .values({ display_name: NAME, date_of_birth: '1980-05-05' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const audits = (event: string) =>
      database.db
        .selectFrom('audit_event')
        .select(['action', 'outcome', 'actor_user_id', 'record_ids', 'details'])
        .where('event', '=', event)
        .orderBy('seq')
        .execute()
    const deliver = async () => {
      const counts = await deliverDueMail(database.db, {
        smtpUrl: smtp.url,
        from: 'upstream@partnership.test',
        publicUrl: 'https://upstream.partnership.test',
        clock,
      })
      assert.equal(counts.retrying + counts.failed, 0)
    }
    const mailTo = (email: string) => smtp.received.filter((m) => m.to.includes(email))
    const restrict = async (personId: number, users = '') => {
      const client = await as(owner)
      await client.get('/people/restrictions/new')
      const set = await client.postForm('/people/restrictions', {
        personId: String(personId),
        kind: 'high-profile',
        reason: 'Well known locally; views limited to the case team',
        users,
      })
      assert.equal(set.statusCode, 303, set.body)
      return Number(/\/people\/restrictions\/(\d+)/.exec(set.headers.location as string)![1])
    }

    before(async () => {
      database = await backend.create()
      smtp = await startTestSmtpServer()
      ;({ app } = await testApp(database, { clock }))
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const make = (role: 'officer' | 'supervisor', displayName: string) =>
        createUser(database.db, { role, organisationId: police.id, displayName })
      officer = await make('officer', 'Olive Officer')
      related = await make('officer', 'Rory Related')
      worker = await make('officer', 'Wendy Worker')
      supervisor = await make('supervisor', 'Sam Supervisor')
      owner = await make('supervisor', 'Owen Owner')
      await createTeam(database.db, police.id, {
        memberIds: [officer.id, related.id, worker.id, supervisor.id],
      })
    })
    after(async () => {
      await app.close()
      await smtp.close()
      await database.close()
    })

    test('1. opening the record of oneself or a relative: 403, a high-severity alert row and an email to the supervisor', async () => {
      const personId = await newPerson()
      const declaring = await as(supervisor)
      await declaring.get('/people/staff-interests/new')
      const declared = await declaring.postForm('/people/staff-interests', {
        userEmail: related.email,
        personId: String(personId),
        relationship: 'relative',
      })
      assert.equal(declared.statusCode, 303, declared.body)

      const client = await as(related)
      const page = await client.get(`/people/${personId}?purpose=safeguarding`)
      assert.equal(page.statusCode, 403)
      assert.doesNotMatch(page.body, /Restrictedperson/)
      assert.doesNotMatch(page.body, /Break the glass/)
      const [alert] = await audits('STAFF_INTEREST_ACCESS_DENIED')
      assert.equal(alert!.action, 'security')
      assert.equal(alert!.outcome, 'denied')
      assert.equal(alert!.actor_user_id, related.id)
      assert.deepEqual(alert!.record_ids, [String(personId)])
      assert.equal((alert!.details as Record<string, unknown>).severity, 'high')
      assert.deepEqual((alert!.details as Record<string, unknown>).supervisorIds, [supervisor.id])

      // Break-glass cannot get round a staff interest.
      const broken = await client.postForm(`/people/${personId}/break-glass`, {
        purpose: 'safeguarding',
        reason: 'I need to see this record for an urgent safeguarding call',
      })
      assert.equal(broken.statusCode, 403)
      const glass = await database.db
        .selectFrom('break_glass_access')
        .selectAll()
        .where('person_id', '=', personId)
        .execute()
      assert.equal(glass.length, 0)

      await deliver()
      const [mail] = mailTo(supervisor.email)
      assert.ok(mail, 'the supervisor is emailed')
      assert.match(mail.decoded, /Rory Related tried to open a record/)
      assert.match(mail.decoded, /https:\/\/upstream\.partnership\.test\/audit\/team/)
      assert.doesNotMatch(mail.decoded, /Restrictedperson|Quillon/)
    })

    test('2 and 3. break-glass: 200 with a high-severity audit row and an email; the same request 24 h + 1 s later: 403', async () => {
      const personId = await newPerson()
      const restrictionId = await restrict(personId)
      const client = await as(officer)
      const refused = await client.get(`/people/${personId}?purpose=safeguarding`)
      assert.equal(refused.statusCode, 403)
      assert.match(refused.body, /Break the glass/)
      assert.doesNotMatch(refused.body, /Restrictedperson/)

      const empty = await client.postForm(`/people/${personId}/break-glass`, {
        purpose: 'safeguarding',
        reason: '  ',
      })
      assert.equal(empty.statusCode, 400)
      assert.match(empty.body, /href="#reason"/)
      assert.match(empty.body, /Enter why you need to open this restricted record/)

      const broken = await client.postForm(`/people/${personId}/break-glass`, {
        purpose: 'safeguarding',
        reason: 'Called to the address tonight; need history for risk',
      })
      assert.equal(broken.statusCode, 303, broken.body)
      const opened = await client.get(broken.headers.location as string)
      assert.equal(opened.statusCode, 200)
      assert.match(opened.body, /Quillon Restrictedperson/)

      const [row] = await audits('BREAK_GLASS')
      assert.equal(row!.action, 'security')
      assert.equal(row!.actor_user_id, officer.id)
      assert.equal((row!.details as Record<string, unknown>).severity, 'high')
      assert.equal((row!.details as Record<string, unknown>).restrictionId, restrictionId)
      const views = await audits('VIEW_PERSON')
      assert.equal((views.at(-1)!.details as Record<string, unknown>).restrictionBasis, 'break-glass')

      await deliver()
      for (const email of [owner.email, supervisor.email]) {
        const mail = mailTo(email).find((m) => /break-glass/.test(m.decoded))
        assert.ok(mail, `${email} is told`)
        assert.match(
          mail.decoded,
          new RegExp(
            `restricted record R-${restrictionId} was opened by break-glass by Olive Officer, reason recorded`,
            'i',
          ),
        )
        assert.match(
          mail.decoded,
          new RegExp(`https://upstream\\.partnership\\.test/people/restrictions/${restrictionId}`),
        )
        assert.doesNotMatch(mail.decoded, /Restrictedperson|Quillon|Called to the address/)
      }

      clock.advance(24 * HOUR + 1000)
      const later = await (await as(officer)).get(`/people/${personId}?purpose=safeguarding`)
      assert.equal(later.statusCode, 403)
      assert.doesNotMatch(later.body, /Restrictedperson/)
    })

    test('a restricted record opens for its named users and its owner; its referral, page and API, is refused to others', async () => {
      const personId = await newPerson()
      await restrict(personId, worker.email)
      assert.equal((await (await as(worker)).get(`/people/${personId}?purpose=safeguarding`)).statusCode, 200)
      assert.equal((await (await as(owner)).get(`/people/${personId}?purpose=safeguarding`)).statusCode, 200)
      assert.equal(
        (await (await as(supervisor)).get(`/people/${personId}?purpose=safeguarding`)).statusCode,
        403,
      )

      const referral = await database.db
        .insertInto('referral')
        .values({
          person_id: personId,
          purpose: 'safeguarding',
          reason: 'Repeat victim',
          from_organisation_id: officer.organisationId,
          to_organisation_id: officer.organisationId,
          priority: 'normal',
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const outsider = await as(supervisor)
      assert.equal((await outsider.get(`/referrals/${referral.id}`)).statusCode, 403)
      const api = await outsider.get(`/api/v1/referrals/${referral.id}`, { accept: 'application/json' })
      assert.equal(api.statusCode, 403)
      assert.doesNotMatch(api.body, /Restrictedperson/)
      assert.equal((await (await as(worker)).get(`/referrals/${referral.id}`)).statusCode, 200)

      // Acting on it is refused too, through the function the screening form posts to.
      const screening = await actOnReferral(
        database.db,
        { id: supervisor.id, organisationId: supervisor.organisationId, role: 'supervisor' },
        referral.id,
        1,
        { kind: 'accept' },
        { clock },
      )
      assert.equal(screening.kind, 'denied')
      const after = await database.db
        .selectFrom('referral')
        .select(['status', 'version'])
        .where('id', '=', referral.id)
        .executeTakeFirstOrThrow()
      assert.deepEqual([after.status, after.version], ['new', 1])
    })

    test('4. a grant expires on the day it should, and its notice is sent 7 days before, once', async () => {
      const personId = await newPerson()
      const restrictionId = await restrict(personId)
      const giver = await as(owner)
      await giver.get(`/people/restrictions/${restrictionId}`)
      const given = await giver.postForm(`/people/restrictions/${restrictionId}/grants`, {
        userEmail: worker.email,
        kind: 'task',
      })
      assert.equal(given.statusCode, 303, given.body)
      const grantedAt = clock.now()
      const grant = await database.db
        .selectFrom('involvement_grant')
        .select(['id', 'expires_at'])
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow()
      assert.equal(grant.expires_at.toISOString(), new Date(grantedAt.getTime() + 14 * DAY).toISOString())

      clock.advance(7 * DAY - 1000)
      assert.equal(
        (await sweepGrantNotices(database.db, clock.now())).noticesSent,
        0,
        'not yet 7 days before',
      )
      clock.advance(1000)
      assert.equal(
        (await sweepGrantNotices(database.db, clock.now())).noticesSent,
        1,
        'exactly 7 days before',
      )
      assert.equal((await sweepGrantNotices(database.db, clock.now())).noticesSent, 0, 'once')
      await deliver()
      const notice = mailTo(worker.email).find((m) => new RegExp(`G-${grant.id}`).test(m.decoded))
      assert.ok(notice, 'the holder is told')
      assert.doesNotMatch(notice.decoded, /Restrictedperson/)

      clock.advance(7 * DAY - 1000)
      assert.equal(
        (await (await as(worker)).get(`/people/${personId}?purpose=safeguarding`)).statusCode,
        200,
        'the last second of the grant',
      )
      clock.advance(1000)
      assert.equal(
        (await (await as(worker)).get(`/people/${personId}?purpose=safeguarding`)).statusCode,
        403,
        'the day it ends',
      )
    })

    test('5. the review queue lists restrictions older than 90 days, and keeping one takes it off for another 90', async () => {
      const personId = await newPerson()
      const restrictionId = await restrict(personId)
      const link = `href="/people/restrictions/${restrictionId}"`
      clock.advance(90 * DAY - 1000)
      const early = await (await as(supervisor)).get('/people/restrictions')
      assert.equal(early.statusCode, 200)
      assert.ok(!early.body.includes(link), 'not yet 90 days old')
      clock.advance(2000)
      const reviewer = await as(supervisor)
      const due = await reviewer.get('/people/restrictions')
      assert.ok(due.body.includes(link), 'listed once older than 90 days')
      assert.match(due.body, /OFFICIAL-SENSITIVE/)

      await reviewer.get(`/people/restrictions/${restrictionId}`)
      const noReason = await reviewer.postForm(`/people/restrictions/${restrictionId}/review`, {
        decision: 'keep',
        reason: '',
        version: '1',
      })
      assert.equal(noReason.statusCode, 400)
      assert.match(noReason.body, /href="#reason"/)
      const kept = await reviewer.postForm(`/people/restrictions/${restrictionId}/review`, {
        decision: 'keep',
        reason: 'Still in the news; keep limited',
        version: '1',
      })
      assert.equal(kept.statusCode, 303, kept.body)
      const stale = await reviewer.postForm(`/people/restrictions/${restrictionId}/review`, {
        decision: 'lift',
        reason: 'No longer needed after the trial',
        version: '1',
      })
      assert.equal(stale.statusCode, 409)
      assert.ok(!(await reviewer.get('/people/restrictions')).body.includes(link), 'kept: off the queue')
      const events = (await audits('KEEP_RESTRICTION')).map((a) => a.record_ids)
      assert.deepEqual(events.at(-1), [String(personId)])
    })
  })
}
