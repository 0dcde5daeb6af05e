import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { DomainError } from '../../errors.ts'
import { actOnReferral } from './act-on-referral.ts'
import { parseInboxQuery } from './inbox-query.ts'
import { makeReferral, makeReferralInputFrom } from './make-referral.ts'
import { referralInbox, viewReferral } from './queries.ts'
import { raiseFromTrigger } from './raise-from-trigger.ts'
import { POLICE_CANARY, PERSON_CANARY, referralScene, viewerOf, type ReferralScene } from './test-support.ts'

const HOUR = 60 * 60 * 1000

for (const backend of backends()) {
  describe(`referrals on ${backend.name}`, () => {
    let database: TestDatabase
    let scene: ReferralScene
    const clock = new ManualClock('2026-03-02T09:00:00Z')

    before(async () => {
      database = await backend.create()
      scene = await referralScene(database)
    })
    after(() => database.close())

    const raise = (
      ruleKey: string,
      incidentIndexes: number[],
      extra: { personId?: number; homeLsoaCode?: string } = {},
    ) =>
      raiseFromTrigger(
        database.db,
        {
          personId: extra.personId ?? scene.personId,
          ruleKey,
          ruleVersion: 1,
          evidence: incidentIndexes.map((i) => ({
            incidentId: scene.incidentIds[i]!,
            date: `2026-0${i + 1}-01`,
            why: 'Victim of burglary',
          })),
          priority: 'normal',
          purpose: 'safeguarding',
          homeLsoaCode: extra.homeLsoaCode ?? 'E01000002',
        },
        clock,
      )
    const lastAudit = () =>
      database.db
        .selectFrom('audit_event')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()

    test('a trigger raises one open referral per person and rule; new evidence joins it and the same evidence twice adds nothing', async () => {
      const first = await raise('repeat-victim', [0, 1])
      assert.equal(first.created, true)
      assert.equal(first.evidenceAdded, 2)
      const again = await raise('repeat-victim', [0, 1])
      assert.deepEqual([again.referralId, again.created, again.evidenceAdded], [first.referralId, false, 0])
      const more = await raise('repeat-victim', [1, 2])
      assert.deepEqual([more.referralId, more.created, more.evidenceAdded], [first.referralId, false, 1])
      const evidence = await database.db
        .selectFrom('referral_evidence')
        .select('incident_id')
        .where('referral_id', '=', first.referralId)
        .execute()
      assert.equal(evidence.length, 3)
      const events = await database.db
        .selectFrom('referral_event')
        .select('kind')
        .where('referral_id', '=', first.referralId)
        .orderBy('id')
        .execute()
      assert.deepEqual(
        events.map((e) => e.kind),
        ['raised', 'evidence-added'],
      )
    })

    test('a trigger referral goes to the team covering the area; of two covering teams, the one with more room', async () => {
      const referral = await raise('area-rule', [0], {
        personId: scene.otherPersonId,
        homeLsoaCode: 'E01000001',
      })
      const row = await database.db
        .selectFrom('referral')
        .select(['to_team_id'])
        .where('id', '=', referral.referralId)
        .executeTakeFirstOrThrow()
      // North (capacity 2) already holds the repeat-victim referral; south (capacity 1) is empty: 0/1 < 1/2.
      assert.equal(row.to_team_id, scene.southTeam.id)
      const unrouted = await raise('area-rule', [0], {
        personId: scene.otherPersonId,
        homeLsoaCode: 'W99999999',
      })
      assert.equal(
        unrouted.referralId,
        referral.referralId,
        'the open referral takes the evidence whatever the area',
      )
      await assert.rejects(
        raise('new-rule', [0], { personId: scene.otherPersonId, homeLsoaCode: 'W99999999' }),
        (error: DomainError) => /No team covers the area W99999999/.test(error.fields.homeLsoaCode ?? ''),
      )
    })

    test('bad trigger input is refused naming the field, not crashed on', async () => {
      await assert.rejects(
        raiseFromTrigger(
          database.db,
          {
            personId: scene.personId,
            ruleKey: 'x',
            ruleVersion: 1,
            evidence: [{ incidentId: 999_999, date: '2026-01-01', why: 'w' }],
            priority: 'normal',
            purpose: 'safeguarding',
            homeLsoaCode: 'E01000001',
          },
          clock,
        ),
        (error: DomainError) => error.code === 'invalid' && 'evidence[0].incidentId' in error.fields,
      )
      await assert.rejects(
        raiseFromTrigger(
          database.db,
          {
            personId: scene.personId,
            ruleKey: '',
            ruleVersion: 0,
            evidence: [],
            priority: 'soon' as never,
            purpose: 'gossip',
            homeLsoaCode: 'E01000001',
          },
          clock,
        ),
        (error: DomainError) =>
          ['ruleKey', 'ruleVersion', 'evidence', 'priority', 'purpose'].every(
            (field) => field in error.fields,
          ),
      )
    })

    test('two supervisors screening the same referral at once: one wins, the other is told who did what, nothing is overwritten', async () => {
      const { referralId } = await raise('concurrency', [3])
      const accept = actOnReferral(
        database.db,
        viewerOf(scene.users.supervisor),
        referralId,
        1,
        { kind: 'accept' },
        { clock },
      )
      const decline = actOnReferral(
        database.db,
        viewerOf(scene.users.secondSupervisor),
        referralId,
        1,
        { kind: 'decline', reason: 'Not for us' },
        { clock },
      )
      const results = await Promise.all([accept, decline])
      const kinds = results.map((r) => r.kind).sort()
      assert.deepEqual(kinds, ['conflict', 'done'])
      const loser = results.find((r) => r.kind === 'conflict')!
      assert.ok(loser.kind === 'conflict')
      const winnerName = results[0]!.kind === 'done' ? 'Sam Supervisor' : 'Sol Supervisor'
      assert.match(
        loser.message,
        new RegExp(
          `^${winnerName} \\(Test Constabulary\\) (accepted|declined) this referral at \\d\\d:\\d\\d`,
        ),
      )
      assert.equal(loser.changes.length, 1)
      const row = await database.db
        .selectFrom('referral')
        .select(['status', 'version'])
        .where('id', '=', referralId)
        .executeTakeFirstOrThrow()
      assert.equal(row.version, 2)
      assert.equal(row.status, results[0]!.kind === 'done' ? 'accepted' : 'declined')
      const screenings = await database.db
        .selectFrom('referral_event')
        .select('kind')
        .where('referral_id', '=', referralId)
        .where('kind', 'in', ['accept', 'decline'])
        .execute()
      assert.equal(screenings.length, 1)
    })

    test('declining needs a reason; an action the status does not allow is refused', async () => {
      const { referralId } = await raise('decline-rule', [0])
      await assert.rejects(
        actOnReferral(
          database.db,
          viewerOf(scene.users.supervisor),
          referralId,
          1,
          { kind: 'decline', reason: '  ' },
          { clock },
        ),
        (e: DomainError) => /reason for declining/.test(e.fields.reason ?? ''),
      )
      await assert.rejects(
        actOnReferral(
          database.db,
          viewerOf(scene.users.supervisor),
          referralId,
          1,
          { kind: 'start' },
          { clock },
        ),
        (e: DomainError) => 'action' in e.fields,
      )
      await assert.rejects(
        actOnReferral(
          database.db,
          viewerOf(scene.users.officer),
          referralId,
          1,
          { kind: 'accept' },
          { clock },
        ),
        (e: DomainError) => /may not/.test(e.fields.action ?? ''),
      )
    })

    test('a referral becomes overdue when its time limit passes, and the inbox filters it on the server', async () => {
      const local = new ManualClock('2026-03-02T09:00:00Z')
      const { referralId } = await raiseFromTrigger(
        database.db,
        {
          personId: scene.personId,
          ruleKey: 'overdue-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[0]!, date: '2026-01-01', why: 'w' }],
          priority: 'urgent',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        local,
      )
      const overdueIds = async (at: ManualClock) =>
        (
          await referralInbox(
            database.db,
            viewerOf(scene.users.supervisor),
            parseInboxQuery({ overdue: 'yes', pageSize: '100' }).query,
            { clock: at },
          )
        ).referrals.map((r) => r.id)
      local.advance(23 * HOUR)
      assert.equal((await overdueIds(local)).includes(referralId), false)
      local.advance(2 * HOUR)
      assert.equal((await overdueIds(local)).includes(referralId), true)
      const view = await viewReferral(database.db, viewerOf(scene.users.supervisor), referralId, {
        clock: local,
      })
      assert.ok(view.kind === 'found' && view.referral.overdue && /overdue/.test(view.referral.due))
      // Accepting starts the working time limit (7 days for urgent): no longer overdue.
      await actOnReferral(
        database.db,
        viewerOf(scene.users.supervisor),
        referralId,
        1,
        { kind: 'accept' },
        { clock: local },
      )
      assert.equal((await overdueIds(local)).includes(referralId), false)
    })

    test('a partner sees only referrals sent to it, only the fields its agreement allows, never the police note', async () => {
      const made = await makeReferral(
        database.db,
        viewerOf(scene.users.officer),
        makeReferralInputFrom({
          purpose: 'safeguarding',
          to: `team:${scene.councilTeam.id}`,
          priority: 'high',
          reason: 'Needs early help',
          personId: String(scene.personId),
          policeNote: POLICE_CANARY,
          subject: '',
        }),
        { clock },
      )
      await raiseFromTrigger(
        database.db,
        {
          personId: scene.personId,
          ruleKey: 'x-rule',
          ruleVersion: 1,
          evidence: [{ incidentId: scene.incidentIds[0]!, date: '2026-01-01', why: 'w' }],
          priority: 'low',
          purpose: 'safeguarding',
          routeToTeamId: scene.northTeam.id,
        },
        clock,
      )
      const council = await viewReferral(database.db, viewerOf(scene.users.councilPractitioner), made.id, {
        clock,
      })
      assert.ok(council.kind === 'found')
      assert.equal(
        council.referral.person?.displayName,
        PERSON_CANARY,
        'the agreement shares identity for safeguarding',
      )
      assert.equal(council.referral.evidence, undefined, 'the agreement does not share person-involvement')
      assert.equal('policeNote' in council.referral, false)
      assert.equal(JSON.stringify(council).includes(POLICE_CANARY), false)
      const audit = await lastAudit()
      assert.deepEqual(
        [audit.action, audit.event, audit.purpose, audit.sharing_agreement_id],
        ['disclose', 'VIEW_REFERRAL', 'safeguarding', scene.agreementId],
      )
      const police = await viewReferral(database.db, viewerOf(scene.users.officer), made.id, { clock })
      assert.ok(police.kind === 'found' && police.referral.policeNote === POLICE_CANARY)
      assert.equal((await lastAudit()).action, 'consult')

      const charity = await viewReferral(database.db, viewerOf(scene.users.charityPractitioner), made.id, {
        clock,
      })
      const missing = await viewReferral(database.db, viewerOf(scene.users.charityPractitioner), 987_654, {
        clock,
      })
      assert.deepEqual(charity, missing)
      assert.equal(charity.kind, 'not-found')

      const inbox = await referralInbox(
        database.db,
        viewerOf(scene.users.councilPractitioner),
        parseInboxQuery({ status: 'all' }).query,
        { clock },
      )
      assert.deepEqual(
        inbox.referrals.map((r) => r.id),
        [made.id],
      )
      const listed = await lastAudit()
      assert.deepEqual(
        [listed.event, listed.action, listed.purpose, listed.record_ids],
        ['LIST_REFERRALS', 'disclose', 'safeguarding', [String(made.id)]],
      )
      assert.equal(JSON.stringify(inbox).includes(POLICE_CANARY), false)
    })

    test('suspending the agreement takes effect on the next read, which is refused and audited', async () => {
      const made = await makeReferral(
        database.db,
        viewerOf(scene.users.officer),
        makeReferralInputFrom({
          purpose: 'safeguarding',
          to: `organisation:${scene.council.id}`,
          priority: 'normal',
          reason: 'r',
          subject: 'A family on Elm Street',
        }),
        { clock },
      )
      assert.equal(
        (await viewReferral(database.db, viewerOf(scene.users.councilPractitioner), made.id, { clock })).kind,
        'found',
      )
      await database.db
        .updateTable('sharing_agreement')
        .set({ status: 'suspended' })
        .where('id', '=', scene.agreementId)
        .execute()
      try {
        const refused = await viewReferral(database.db, viewerOf(scene.users.councilPractitioner), made.id, {
          clock,
        })
        assert.equal(refused.kind, 'denied')
        const audit = await lastAudit()
        assert.deepEqual([audit.outcome, audit.purpose], ['denied', 'safeguarding'])
        const inbox = await referralInbox(
          database.db,
          viewerOf(scene.users.councilPractitioner),
          parseInboxQuery({}).query,
          { clock },
        )
        assert.equal(inbox.total, 0)
      } finally {
        await database.db
          .updateTable('sharing_agreement')
          .set({ status: 'active' })
          .where('id', '=', scene.agreementId)
          .execute()
      }
    })

    test('a partner naming a person without an identity agreement for the purpose is refused naming personId', async () => {
      await assert.rejects(
        makeReferral(
          database.db,
          viewerOf(scene.users.councilPractitioner),
          makeReferralInputFrom({
            purpose: 'crime-prevention',
            to: `organisation:${scene.police.id}`,
            priority: 'normal',
            reason: 'r',
            personId: String(scene.personId),
          }),
          { clock },
        ),
        (e: DomainError) => 'purpose' in e.fields && 'personId' in e.fields,
      )
      assert.throws(
        () => makeReferralInputFrom({ purpose: 'safeguarding', ownerId: 'x' }),
        (e: DomainError) => 'ownerId' in e.fields,
      )
    })

    test('the work goes through to an outcome the referrer sees, and onward referral opens a new referral with the evidence', async () => {
      const { referralId } = await raise('work-rule', [0, 1])
      const supervisor = viewerOf(scene.users.supervisor)
      const officer = viewerOf(scene.users.officer)
      let version = 1
      const step = async (actor: typeof supervisor, action: Parameters<typeof actOnReferral>[4]) => {
        const result = await actOnReferral(database.db, actor, referralId, version, action, { clock })
        assert.equal(result.kind, 'done')
        if (result.kind === 'done') version = result.version
        return result
      }
      await step(supervisor, { kind: 'accept' })
      await step(supervisor, { kind: 'assign', userId: scene.users.officer.id })
      await step(officer, { kind: 'start' })
      await step(officer, { kind: 'action', text: 'Visited the address' })
      const onward = await step(officer, {
        kind: 'refer-on',
        reason: 'Needs early help',
        to: `team:${scene.councilTeam.id}`,
      })
      assert.ok(onward.kind === 'done' && onward.onward)
      const view = await viewReferral(database.db, officer, referralId, { clock })
      assert.ok(view.kind === 'found')
      assert.deepEqual([view.referral.status, view.referral.outcome], ['closed', 'referred-on'])
      assert.deepEqual(
        view.referral.history.map((h) => h.kind),
        ['raised', 'accept', 'assign', 'start', 'action', 'refer-on'],
      )
      const child = await viewReferral(
        database.db,
        viewerOf(scene.users.councilSupervisor),
        onward.onward.id,
        { clock },
      )
      assert.ok(child.kind === 'found')
      assert.equal(child.referral.onwardFrom?.id, referralId)
      assert.equal(child.referral.evidenceCount, 2)
    })
  })
}
