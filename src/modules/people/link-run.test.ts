import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../test/factories.ts'
import { ManualClock } from '../../clock.ts'
import { decideReview, undoDecision } from './decisions.ts'
import { runLinkage } from './link-run.ts'
import {
  importLinkablePeople,
  personOfRecords,
  recordIdOf,
  SAME_PEOPLE,
} from './test-support/linked-people.ts'

for (const backend of backends()) {
  describe(`linkage runs over the database on ${backend.name}`, () => {
    let database: TestDatabase
    let analyst: TestUser
    const clock = new ManualClock('2026-03-10T12:00:00Z')

    before(async () => {
      database = await backend.create()
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      analyst = await createUser(database.db, { role: 'analyst', organisationId: police.id })
      await importLinkablePeople(database.db, clock)
    })
    after(() => database.close())

    test('records of the same person from two sources become one person; others stay apart', async () => {
      const summary = await runLinkage(database.db, { startedBy: analyst.id, clock })
      assert.equal(summary.records, 20)
      const person = await personOfRecords(database.db)
      for (const [a, b] of SAME_PEOPLE)
        assert.equal(person.get(a), person.get(b), `${a} and ${b} are one person`)
      assert.notEqual(person.get('P1'), person.get('P4'), 'same name, another date of birth and address')
      assert.notEqual(person.get('P2'), person.get('P3'), 'father and daughter at one address')
      assert.equal(new Set(person.values()).size, 16)
      assert.equal(summary.identities, 16)
      const run = await database.db
        .selectFrom('linkage_run')
        .selectAll()
        .where('id', '=', summary.runId)
        .executeTakeFirstOrThrow()
      assert.equal(run.status, 'completed')
      assert.ok(run.model, 'the estimated model is kept with the run')
      const audit = await database.db
        .selectFrom('audit_event')
        .select(['action', 'event', 'record_ids'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        [audit.action, audit.event, audit.record_ids],
        ['combine', 'LINK_PERSON_RECORDS', [String(summary.runId)]],
      )
    })

    test('a child is in the household of the adults seen at the same address', async () => {
      const person = await personOfRecords(database.db)
      const members = await database.db
        .selectFrom('household_member as m')
        .innerJoin('household as h', 'h.id', 'm.household_id')
        .select(['h.address_key', 'm.person_id', 'm.child_from'])
        .where('m.person_id', 'in', [person.get('P2') as number, person.get('P3') as number])
        .execute()
      const chloe = members.find((m) => m.person_id === person.get('P3'))
      const ben = members.find((m) => m.person_id === person.get('P2'))
      assert.ok(chloe && ben)
      assert.equal(chloe.address_key, ben.address_key)
      assert.equal(chloe.child_from, '2023-04-01')
      assert.equal(ben.child_from, null)
    })

    test('a second run keeps every person id', async () => {
      const before = await personOfRecords(database.db)
      const summary = await runLinkage(database.db, { startedBy: analyst.id, clock })
      assert.equal(summary.newPeople, 0)
      assert.deepEqual(await personOfRecords(database.db), before)
    })

    test('a "different people" decision splits a pair at the next run, and undoing it joins them again', async () => {
      const [a, b] = [await recordIdOf(database.db, 'P10'), await recordIdOf(database.db, 'C83')].sort(
        (x, y) => x - y,
      ) as [number, number]
      const before = await personOfRecords(database.db)
      // A reviewer decides through a review row, as the queue does.
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
          match_probability: 0.7,
          match_weight: 1.2,
          explanation: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const { decisionId } = await decideReview(
        database.db,
        analyst,
        { reviewId: review.id, decision: 'different', reason: 'Twins: the council record is the sister' },
        { clock },
      )
      await runLinkage(database.db, { startedBy: analyst.id, clock })
      const split = await personOfRecords(database.db)
      assert.notEqual(split.get('P10'), split.get('C83'))
      assert.ok([split.get('P10'), split.get('C83')].includes(before.get('P10')), 'one side keeps the id')
      for (const [x, y] of SAME_PEOPLE.filter(([x]) => x !== 'P10')) assert.equal(split.get(x), split.get(y))

      await undoDecision(database.db, analyst, decisionId, { clock })
      await runLinkage(database.db, { startedBy: analyst.id, clock })
      const joined = await personOfRecords(database.db)
      assert.equal(joined.get('P10'), joined.get('C83'))
      assert.equal(joined.get('P10'), before.get('P10'), 'the joined person has its old id back')
      const gone = await database.db
        .selectFrom('person')
        .select(['id', 'merged_into'])
        .where('merged_into', 'is not', null)
        .execute()
      assert.ok(
        gone.every((p) => p.merged_into === before.get('P10')),
        'the split-off person points at the one it joined',
      )
    })

    test('two reviewers deciding one pair at once: one decision is saved, the other is told', async () => {
      const [a, b] = [await recordIdOf(database.db, 'P1'), await recordIdOf(database.db, 'P4')].sort(
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
          match_probability: 0.6,
          match_weight: 0.6,
          explanation: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const second = await createUser(database.db, {
        role: 'supervisor',
        organisationId: analyst.organisationId,
        displayName: 'Sam Second',
      })
      const outcomes = await Promise.allSettled([
        decideReview(
          database.db,
          analyst,
          { reviewId: review.id, decision: 'different', reason: 'Other date of birth' },
          { clock },
        ),
        decideReview(database.db, second, { reviewId: review.id, decision: 'same', reason: '' }, { clock }),
      ])
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1)
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
      assert.match(
        String(rejected.reason.message),
        /decided these records are .* while you were reviewing: nothing you entered was saved/,
      )
      const decisions = await database.db
        .selectFrom('link_decision')
        .selectAll()
        .where('record_a', '=', a)
        .where('record_b', '=', b)
        .execute()
      assert.equal(decisions.length, 1)
    })

    test('"different people" needs a reason; an unknown decision is refused', async () => {
      await assert.rejects(
        decideReview(database.db, analyst, { reviewId: 1, decision: 'different', reason: '  ' }),
        /Say why/,
      )
      await assert.rejects(
        decideReview(database.db, analyst, { reviewId: 1, decision: 'maybe', reason: '' }),
        /Choose whether/,
      )
    })
  })
}
