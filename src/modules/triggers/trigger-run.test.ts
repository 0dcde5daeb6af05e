import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { createOrganisation, createTeam } from '../../../test/factories.ts'
import { ManualClock } from '../../clock.ts'
import { runLinkage } from '../people/link-run.ts'
import { crimeId, importLinkablePeople, personOfRecords } from '../people/test-support/linked-people.ts'
import { runTriggers } from './trigger-run.ts'

for (const backend of backends()) {
  describe(`running the live trigger rules over linked people on ${backend.name}`, () => {
    let database: TestDatabase
    let noah: number
    let teamId: string
    const clock = new ManualClock('2023-06-01T09:00:00Z')

    before(async () => {
      database = await backend.create()
      await importLinkablePeople(database.db, clock)
      await runLinkage(database.db, { clock })
      noah = (await personOfRecords(database.db)).get('P11') as number
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      teamId = (
        await createTeam(database.db, police.id, { name: 'City neighbourhood team', kind: 'neighbourhood' })
      ).id
    })
    after(() => database.close())

    test('a hit no team can take is listed as unrouted, and the run goes on', async () => {
      const summary = await runTriggers(database.db, { asOf: '2023-06-01', clock })
      assert.ok(summary.hitsByRule['child-victim-or-suspect']! >= 1)
      assert.equal(summary.referralsRaised, 0)
      assert.ok(summary.unrouted.some((u) => u.personId === noah && u.ruleKey === 'child-victim-or-suspect'))
      const run = await database.db
        .selectFrom('trigger_run')
        .selectAll()
        .where('id', '=', summary.runId)
        .executeTakeFirstOrThrow()
      assert.equal(run.status, 'completed')
      assert.ok(run.unrouted.some((u) => u.personId === noah))
    })

    test('a child suspect is referred to the team covering their area with the rule version and the exact incident; a rerun raises nothing', async () => {
      await database.db.insertInto('team_area').values({ team_id: teamId, area_code: 'E01000917' }).execute()
      const first = await runTriggers(database.db, { asOf: '2023-06-01', clock })
      assert.equal(first.unrouted.length, 0)
      const referral = await database.db
        .selectFrom('referral')
        .select(['id', 'to_team_id', 'trigger_rule_key', 'trigger_rule_version', 'status', 'purpose'])
        .where('person_id', '=', noah)
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        { ...referral, id: undefined },
        {
          id: undefined,
          to_team_id: teamId,
          trigger_rule_key: 'child-victim-or-suspect',
          trigger_rule_version: 1,
          status: 'new',
          purpose: 'safeguarding',
        },
      )
      const evidence = await database.db
        .selectFrom('referral_evidence as e')
        .innerJoin('incident as i', 'i.id', 'e.incident_id')
        .select(['i.crime_id', 'e.rule_key', 'e.rule_version'])
        .where('e.referral_id', '=', referral.id)
        .execute()
      assert.deepEqual(evidence, [
        { crime_id: crimeId(10), rule_key: 'child-victim-or-suspect', rule_version: 1 },
      ])
      const again = await runTriggers(database.db, { asOf: '2023-06-01', clock })
      assert.equal(again.referralsRaised, 0)
      assert.equal(again.evidenceAdded, 0)
      const audit = await database.db
        .selectFrom('audit_event')
        .select(['action', 'event'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
      assert.deepEqual(audit, { action: 'combine', event: 'RUN_TRIGGER_RULES' })
    })

    test('outside the rule’s window nothing fires', async () => {
      const later = await runTriggers(database.db, { asOf: '2024-06-01', clock })
      assert.equal(later.hitsByRule['child-victim-or-suspect'] ?? 0, 0)
    })
  })
}
