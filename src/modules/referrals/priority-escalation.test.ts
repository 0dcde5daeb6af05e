import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { actOnReferral } from './act-on-referral.ts'
import { raiseFromTrigger } from './raise-from-trigger.ts'
import { referralScene, viewerOf, type ReferralScene } from './test-support.ts'
import type { Priority } from './workflow.ts'

const DAY = 24 * 60 * 60 * 1000

for (const backend of backends()) {
  describe(`priority escalation from trigger hits on ${backend.name}`, () => {
    let database: TestDatabase
    let scene: ReferralScene
    const clock = new ManualClock('2026-03-02T09:00:00Z')

    before(async () => {
      database = await backend.create()
      scene = await referralScene(database)
    })
    after(() => database.close())

    const hit = (
      ruleKey: string,
      ruleVersion: number,
      incidents: number[],
      priority: Priority,
      total?: number,
    ) =>
      raiseFromTrigger(
        database.db,
        {
          personId: scene.personId,
          ruleKey,
          ruleVersion,
          evidence: incidents.map((i) => ({
            incidentId: scene.incidentIds[i]!,
            date: `2026-0${i + 1}-01`,
            why: 'Offender in a robbery',
          })),
          priority,
          purpose: 'crime-prevention',
          homeLsoaCode: 'E01000002',
          ...(total === undefined
            ? {}
            : { score: { recency: 5, frequency: 4, gravity: total - 9, total, offences: incidents.length } }),
        },
        clock,
      )
    const referral = (id: number) =>
      database.db
        .selectFrom('referral')
        .select(['priority', 'version', 'due_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    const events = (id: number, kind: string) =>
      database.db
        .selectFrom('referral_event')
        .select(['referral_version', 'text', 'details'])
        .where('referral_id', '=', id)
        .where('kind', '=', kind)
        .execute()
    const audits = (id: number) =>
      database.db
        .selectFrom('audit_event')
        .select(['action', 'details', 'purpose'])
        .where('event', '=', 'RAISE_REFERRAL_PRIORITY')
        .where('record_ids', '@>', JSON.stringify([String(id)]) as never)
        .execute()

    test('graver evidence raises the priority, with a new version, an event saying why, an audit entry and a sooner due time', async () => {
      const first = await hit('escalating-rule', 1, [0, 1], 'normal')
      const before = await referral(first.referralId)
      clock.advance(DAY)
      const graver = await hit('escalating-rule', 1, [0, 1, 2], 'high', 21)
      assert.equal(graver.referralId, first.referralId)
      assert.deepEqual(graver.priorityRaised, { from: 'normal', to: 'high', version: 2 })
      const after = await referral(first.referralId)
      assert.deepEqual([after.priority, after.version], ['high', 2])
      // Screening a high-priority referral takes two days: counted from now, sooner than the five days it had.
      assert.equal(after.due_at!.getTime(), clock.now().getTime() + 2 * DAY)
      assert.ok(after.due_at!.getTime() < before.due_at!.getTime())
      const [event] = await events(first.referralId, 'priority-raised')
      assert.equal(event?.referral_version, 2)
      assert.match(
        event!.text,
        /Priority raised from normal to high: the trigger rule escalating-rule \(version 1\) matched again at high priority, with an RFG score of 21/,
      )
      const priorities = await database.db
        .selectFrom('referral_assessment')
        .select(['finding', 'source', 'rule_key'])
        .where('referral_id', '=', first.referralId)
        .where('kind', '=', 'priority')
        .orderBy('id')
        .execute()
      assert.deepEqual(
        priorities.map((row) => row.finding),
        ['Priority normal', 'Priority high'],
        'the raised priority is recorded as the rule’s assessment',
      )
      assert.ok(priorities.every((row) => row.source === 'rule' && row.rule_key === 'escalating-rule'))
      const [audit] = await audits(first.referralId)
      assert.equal(audit?.action, 'alter')
      assert.equal(audit?.purpose, 'crime-prevention')
      assert.deepEqual(audit?.details, {
        from: 'normal',
        to: 'high',
        version: 2,
        ruleKey: 'escalating-rule',
        ruleVersion: 1,
      })

      // A screener still looking at version 1 is told the rules raised it, and nothing of theirs goes in.
      const stale = await actOnReferral(
        database.db,
        viewerOf(scene.users.supervisor),
        first.referralId,
        1,
        { kind: 'accept' },
        { clock },
      )
      assert.equal(stale.kind, 'conflict')
      assert.ok(stale.kind === 'conflict' && stale.currentVersion === 2)
      assert.match(
        stale.kind === 'conflict' ? stale.message : '',
        /^The trigger rules raised the priority of this referral/,
      )
    })

    test('a hit of the same or a lower priority leaves the priority where it is, and adds no event', async () => {
      const first = await hit('steady-rule', 1, [0], 'high')
      const same = await hit('steady-rule', 1, [0, 1], 'high')
      const lower = await hit('steady-rule', 2, [0, 1, 2], 'low')
      assert.equal(same.priorityRaised, undefined)
      assert.equal(lower.priorityRaised, undefined)
      assert.equal(lower.evidenceAdded, 1)
      assert.deepEqual(await referral(first.referralId).then((r) => [r.priority, r.version]), ['high', 1])
      assert.deepEqual(await events(first.referralId, 'priority-raised'), [])
      assert.deepEqual(await audits(first.referralId), [])
    })

    test('a new rule version with a higher priority raises it even without new incidents; running again changes nothing', async () => {
      const first = await hit('reversioned-rule', 1, [3], 'low')
      const raised = await hit('reversioned-rule', 2, [3], 'urgent')
      assert.deepEqual(raised.priorityRaised, { from: 'low', to: 'urgent', version: 2 })
      const again = await hit('reversioned-rule', 2, [3], 'urgent')
      assert.equal(again.priorityRaised, undefined)
      assert.deepEqual(await referral(first.referralId).then((r) => [r.priority, r.version]), ['urgent', 2])
      assert.equal((await events(first.referralId, 'priority-raised')).length, 1)
    })
  })
}
