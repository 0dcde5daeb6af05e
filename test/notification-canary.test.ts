import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from './backends.ts'
import { ManualClock } from '../src/clock.ts'
import { deliverDueMail } from '../src/modules/platform/mail/deliver.ts'
import { startTestSmtpServer, type TestSmtpServer } from '../src/modules/platform/mail/test-support.ts'
import { actOnReferral } from '../src/modules/referrals/act-on-referral.ts'
import { makeReferral, makeReferralInputFrom } from '../src/modules/referrals/make-referral.ts'
import { queueOverdueReminders } from '../src/modules/referrals/notifications.ts'
import { raiseFromTrigger } from '../src/modules/referrals/raise-from-trigger.ts'
import {
  PERSON_CANARY,
  POLICE_CANARY,
  referralScene,
  viewerOf,
  type ReferralScene,
} from '../src/modules/referrals/test-support.ts'
import type { ReferralAction } from '../src/modules/referrals/workflow.ts'

/**
 * SECURITY-CHECKLIST A3 step 3: every referral notification, sent through a real SMTP server, with
 * canaries in the person's name, the referral's reason, subject and police note, the evidence and
 * the text of every action. Email is read outside Upstream's access checks, so no canary may
 * reach any message, whoever it goes to.
 */
const REASON_CANARY = `CANARY-REASON-${randomUUID()}`
const SUBJECT_CANARY = `CANARY-SUBJECT-${randomUUID()}`
const EVIDENCE_CANARY = `CANARY-EVIDENCE-${randomUUID()}`
const ACTION_CANARY = `CANARY-ACTION-${randomUUID()}`
const NOTIFICATION_KINDS = [
  'referral-received',
  'referral-information-requested',
  'referral-information-supplied',
  'referral-assigned',
  'referral-outcome',
  'referral-overdue',
]

for (const backend of backends()) {
  describe(`no referral notification carries personal or police-only content, on ${backend.name}`, () => {
    let database: TestDatabase
    let scene: ReferralScene
    let smtp: TestSmtpServer
    const clock = new ManualClock('2026-03-02T09:00:00Z')
    const references: string[] = []

    const act = async (user: keyof ReferralScene['users'], id: number, action: ReferralAction) => {
      const { version } = await database.db
        .selectFrom('referral')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const result = await actOnReferral(database.db, viewerOf(scene.users[user]), id, version, action, {
        clock,
      })
      assert.equal(result.kind, 'done', JSON.stringify(result))
      return result
    }
    const make = async (to: string, withPerson: boolean) => {
      const made = await makeReferral(
        database.db,
        viewerOf(scene.users.officer),
        makeReferralInputFrom({
          purpose: 'safeguarding',
          to,
          priority: 'high',
          reason: REASON_CANARY,
          personId: withPerson ? String(scene.personId) : '',
          policeNote: POLICE_CANARY,
          subject: withPerson ? '' : SUBJECT_CANARY,
        }),
        { clock },
      )
      references.push(made.reference)
      return made
    }

    before(async () => {
      database = await backend.create()
      scene = await referralScene(database)
      smtp = await startTestSmtpServer()

      // Made by hand, worked through every step, referred on, and the onward referral declined.
      const worked = await make(`team:${scene.councilTeam.id}`, true)
      await act('councilSupervisor', worked.id, { kind: 'request-information', question: ACTION_CANARY })
      await act('officer', worked.id, { kind: 'supply-information', text: ACTION_CANARY })
      await act('councilSupervisor', worked.id, { kind: 'accept', note: ACTION_CANARY })
      await act('councilSupervisor', worked.id, {
        kind: 'assign',
        userId: scene.users.councilPractitioner.id,
      })
      await act('councilPractitioner', worked.id, { kind: 'start' })
      await act('councilPractitioner', worked.id, { kind: 'note', text: ACTION_CANARY })
      const onward = await act('councilPractitioner', worked.id, {
        kind: 'refer-on',
        reason: ACTION_CANARY,
        to: `team:${scene.northTeam.id}`,
      })
      assert.ok(onward.kind === 'done' && onward.onward)
      references.push(onward.onward.reference)
      await act('supervisor', onward.onward.id, { kind: 'decline', reason: ACTION_CANARY })

      // Made about a place or group, closed with an outcome and a note.
      const closed = await make(`organisation:${scene.council.id}`, false)
      await act('councilSupervisor', closed.id, { kind: 'accept' })
      await act('councilSupervisor', closed.id, {
        kind: 'assign',
        userId: scene.users.councilPractitioner.id,
      })
      await act('councilPractitioner', closed.id, { kind: 'start' })
      await act('councilPractitioner', closed.id, {
        kind: 'close',
        outcome: 'support-refused',
        note: ACTION_CANARY,
      })

      // Raised by a trigger, then left to go overdue along with one made by hand.
      const raised = await raiseFromTrigger(
        database.db,
        {
          personId: scene.personId,
          ruleKey: 'canary-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[0]!, date: '2026-01-01', why: EVIDENCE_CANARY }],
          priority: 'urgent',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        clock,
      )
      references.push(raised.reference)
      await make(`team:${scene.councilTeam.id}`, true)
      clock.advance(3 * 24 * 60 * 60_000)
      await queueOverdueReminders(database.db, clock)

      const counts = await deliverDueMail(database.db, {
        smtpUrl: smtp.url,
        from: 'upstream@partnership.test',
        publicUrl: 'https://upstream.partnership.test',
        clock,
      })
      assert.equal(counts.retrying + counts.failed, 0)
    })
    after(async () => {
      await smtp.close()
      await database.close()
    })

    test('every kind of referral notification was sent', async () => {
      const kinds = await database.db
        .selectFrom('mail_outbox')
        .select('kind')
        .where('sent_at', 'is not', null)
        .distinct()
        .execute()
      assert.deepEqual(kinds.map((row) => row.kind).sort(), [...NOTIFICATION_KINDS].sort())
      assert.ok(smtp.received.length >= NOTIFICATION_KINDS.length)
      for (const mail of smtp.received) {
        assert.ok(
          references.some((reference) => mail.decoded.includes(reference)),
          `each message gives a reference: ${mail.decoded}`,
        )
        assert.match(mail.decoded, /https:\/\/upstream\.partnership\.test\/referrals\/\d+/)
      }
    })

    const canaries = {
      "the person's name": PERSON_CANARY,
      "the person's date of birth": '1990-02-03',
      'the police-only note': POLICE_CANARY,
      'the reason': REASON_CANARY,
      'the subject': SUBJECT_CANARY,
      'the evidence': EVIDENCE_CANARY,
      'the text of an action': ACTION_CANARY,
      'a staff name': 'Cody Council',
      'a staff name (the assigned worker)': 'Cara Council',
      'the purpose': 'afeguarding',
    }
    for (const [where, canary] of Object.entries(canaries)) {
      test(`${where} appears 0 times in every message the SMTP server received`, () => {
        const hits = smtp.received.filter(
          (mail) =>
            mail.raw.toLowerCase().includes(canary.toLowerCase()) ||
            mail.decoded.toLowerCase().includes(canary.toLowerCase()),
        )
        assert.equal(hits.length, 0, hits.map((mail) => mail.decoded).join('\n---\n'))
      })
    }
  })
}
