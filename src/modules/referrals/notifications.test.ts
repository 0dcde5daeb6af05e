import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { actOnReferral } from './act-on-referral.ts'
import { makeReferral, makeReferralInputFrom } from './make-referral.ts'
import { queueOverdueReminders } from './notifications.ts'
import { raiseFromTrigger } from './raise-from-trigger.ts'
import { referralScene, viewerOf, type ReferralScene } from './test-support.ts'
import type { ReferralAction } from './workflow.ts'

const HOUR = 60 * 60_000

for (const backend of backends()) {
  describe(`referral notifications on ${backend.name}`, () => {
    let database: TestDatabase
    let scene: ReferralScene
    let clock: ManualClock

    before(async () => {
      database = await backend.create()
      scene = await referralScene(database)
    })
    beforeEach(async () => {
      await database.db.deleteFrom('mail_outbox').execute()
      clock = new ManualClock('2026-03-02T09:00:00Z')
    })
    after(() => database.close())

    const outbox = async (kind?: string) =>
      (
        await database.db
          .selectFrom('mail_outbox')
          .selectAll()
          .$if(kind !== undefined, (q) => q.where('kind', '=', kind!))
          .orderBy('id')
          .execute()
      ).map((row) => ({ ...row, id: Number(row.id) }))
    const emailOf = (user: { email: string }) => user.email
    const makeToCouncil = (reason = 'Needs early help') =>
      makeReferral(
        database.db,
        viewerOf(scene.users.officer),
        makeReferralInputFrom({
          purpose: 'safeguarding',
          to: `team:${scene.councilTeam.id}`,
          priority: 'high',
          reason,
          personId: String(scene.personId),
          policeNote: '',
          subject: '',
        }),
        { clock },
      )
    const act = async (user: keyof ReferralScene['users'], id: number, action: ReferralAction) => {
      const version = await database.db
        .selectFrom('referral')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const result = await actOnReferral(
        database.db,
        viewerOf(scene.users[user]),
        id,
        version.version,
        action,
        {
          clock,
        },
      )
      assert.equal(result.kind, 'done', JSON.stringify(result))
      return result
    }

    test("a referral made to a team with no screeners tells the organisation's screeners, in the same transaction", async () => {
      const made = await makeToCouncil()
      const arrived = await outbox('referral-received')
      assert.deepEqual(
        arrived.map((mail) => mail.to_address),
        [emailOf(scene.users.councilSupervisor)],
      )
      assert.equal(arrived[0]!.subject, `A referral has arrived: ${made.reference}`)
      assert.match(arrived[0]!.body, new RegExp(`Reference: ${made.reference}\nStatus: New\n`))
      assert.match(arrived[0]!.body, new RegExp(`\\{\\{publicUrl\\}\\}/referrals/${made.id}\n`))
      assert.equal(Number(arrived[0]!.subject_person_id), scene.personId)
    })

    test('a referral that rolls back leaves no message behind', async () => {
      // The audit entry is the last write of makeReferral: make the database refuse it.
      await sql
        .raw(
          `create function refuse_make_referral() returns trigger language plpgsql as $$
           begin
             if new.event = 'MAKE_REFERRAL' then raise exception 'refused for the test'; end if;
             return new;
           end $$`,
        )
        .execute(database.db)
      await sql
        .raw(
          `create trigger refuse_make_referral before insert on audit_event
           for each row execute function refuse_make_referral()`,
        )
        .execute(database.db)
      const before = await database.db.selectFrom('referral').select('id').execute()
      try {
        await assert.rejects(makeToCouncil(), /refused for the test/)
      } finally {
        await sql.raw('drop trigger refuse_make_referral on audit_event').execute(database.db)
        await sql.raw('drop function refuse_make_referral()').execute(database.db)
      }
      assert.equal((await database.db.selectFrom('referral').select('id').execute()).length, before.length)
      assert.deepEqual(await outbox(), [])
    })

    test("a trigger's referral tells the receiving team's screeners only", async () => {
      const raised = await raiseFromTrigger(
        database.db,
        {
          personId: scene.otherPersonId,
          ruleKey: 'notify-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[0]!, date: '2026-01-01', why: 'Victim of burglary' }],
          priority: 'normal',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        clock,
      )
      assert.deepEqual(
        (await outbox('referral-received')).map((mail) => mail.to_address),
        [emailOf(scene.users.supervisor)],
        'the north team has the officer and one supervisor; the second supervisor is in no team',
      )
      // New evidence for the open referral is not a new arrival.
      await raiseFromTrigger(
        database.db,
        {
          personId: scene.otherPersonId,
          ruleKey: 'notify-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[1]!, date: '2026-02-01', why: 'Victim of burglary' }],
          priority: 'normal',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        clock,
      )
      assert.equal((await outbox('referral-received')).length, 1)
      await database.db.deleteFrom('referral').where('id', '=', raised.referralId).execute()
    })

    test('information asked and given, assignment, the outcome and an onward referral each tell who must act', async () => {
      const made = await makeToCouncil()
      await act('councilSupervisor', made.id, { kind: 'request-information', question: 'Which school?' })
      assert.deepEqual(
        (await outbox('referral-information-requested')).map((mail) => mail.to_address),
        [emailOf(scene.users.officer)],
      )
      await act('officer', made.id, { kind: 'supply-information', text: 'The one on the hill' })
      assert.deepEqual(
        (await outbox('referral-information-supplied')).map((mail) => mail.to_address),
        [emailOf(scene.users.councilSupervisor)],
      )
      await act('councilSupervisor', made.id, { kind: 'accept' })
      await act('councilSupervisor', made.id, { kind: 'assign', userId: scene.users.councilPractitioner.id })
      assert.deepEqual(
        (await outbox('referral-assigned')).map((mail) => mail.to_address),
        [emailOf(scene.users.councilPractitioner)],
      )
      await act('councilPractitioner', made.id, { kind: 'start' })
      const done = await act('councilPractitioner', made.id, {
        kind: 'refer-on',
        reason: 'Police lead needed',
        to: `team:${scene.northTeam.id}`,
      })
      assert.ok(done.kind === 'done' && done.onward)
      const outcome = await outbox('referral-outcome')
      assert.deepEqual(
        outcome.map((mail) => mail.to_address),
        [emailOf(scene.users.officer)],
      )
      assert.match(outcome[0]!.body, /Status: Closed\n/)
      const arrived = (await outbox('referral-received')).filter((mail) =>
        mail.body.includes(done.onward!.reference),
      )
      assert.deepEqual(
        arrived.map((mail) => mail.to_address),
        [emailOf(scene.users.supervisor)],
      )

      // The onward referral's referrer is the worker who referred it on: told of its outcome.
      await act('supervisor', done.onward.id, { kind: 'decline', reason: 'Already known' })
      const declined = (await outbox('referral-outcome')).filter((mail) =>
        mail.body.includes(done.onward!.reference),
      )
      assert.deepEqual(
        declined.map((mail) => mail.to_address),
        [emailOf(scene.users.councilPractitioner)],
      )
      assert.match(declined[0]!.body, /Status: Declined\n/)
    })

    test('no one is told of their own action', async () => {
      const made = await makeReferral(
        database.db,
        viewerOf(scene.users.supervisor),
        makeReferralInputFrom({
          purpose: 'safeguarding',
          to: `team:${scene.northTeam.id}`,
          priority: 'normal',
          reason: 'Seen at the station',
          personId: '',
          policeNote: '',
          subject: 'A group by the station',
        }),
        { clock },
      )
      assert.deepEqual(await outbox('referral-received'), [], 'the maker is the only screener of the team')
      await act('supervisor', made.id, { kind: 'decline', reason: 'Made in error' })
      assert.deepEqual(await outbox('referral-outcome'), [])
    })

    test('an overdue referral reminds whoever it waits on once a day, however often the reminder runs', async () => {
      await database.db.deleteFrom('referral').execute()
      const made = await makeToCouncil()
      await database.db.deleteFrom('mail_outbox').execute()
      // High priority: two days to screen.
      clock.advance(47 * HOUR)
      assert.equal(await queueOverdueReminders(database.db, clock), 0)
      clock.advance(2 * HOUR)
      const reminded = async () =>
        (await outbox('referral-overdue')).filter((mail) => mail.body.includes(made.reference))
      assert.equal(await queueOverdueReminders(database.db, clock), 1)
      await queueOverdueReminders(database.db, clock)
      clock.advance(HOUR)
      await queueOverdueReminders(database.db, clock)
      assert.deepEqual(
        (await reminded()).map((mail) => mail.to_address),
        [emailOf(scene.users.councilSupervisor)],
      )
      clock.advance(24 * HOUR)
      await queueOverdueReminders(database.db, clock)
      assert.equal((await reminded()).length, 2)

      await act('councilSupervisor', made.id, { kind: 'accept' })
      await act('councilSupervisor', made.id, { kind: 'assign', userId: scene.users.councilPractitioner.id })
      await database.db
        .updateTable('referral')
        .set({ due_at: clock.now() })
        .where('id', '=', made.id)
        .execute()
      await queueOverdueReminders(database.db, clock)
      assert.deepEqual(
        (await reminded()).slice(2).map((mail) => mail.to_address),
        [emailOf(scene.users.councilPractitioner)],
        'once assigned, the worker is reminded',
      )
      await database.db.deleteFrom('referral').where('id', '=', made.id).execute()
    })
  })
}
