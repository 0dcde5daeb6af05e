import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { ManualClock } from '../../../clock.ts'
import { DomainError } from '../../../errors.ts'
import { decideRetention } from './decisions.ts'
import { disposeExpiredRecords } from './dispose.ts'
import { assessRetention, recordsDueForReview } from './schedule.ts'
import { importWorld, peopleFile, streetFile } from './test-support.ts'

/** C4: one record for each MoPI group and one partner record, and a clock moved on 6, 10 and 100 years. */
const START = '2026-01-15T09:00:00Z'
const STREET = streetFile([
  { n: 1, month: '2026-01', type: 'Violence and sexual offences', outcome: 'Under investigation' },
  { n: 2, month: '2026-01', type: 'Robbery', outcome: 'Under investigation' },
  { n: 3, month: '2026-01', type: 'Shoplifting', outcome: 'Under investigation' },
  { n: 4, month: '2026-01', type: 'Burglary', outcome: 'Investigation complete; no suspect identified' },
])
const PEOPLE = peopleFile([
  ['col-police', 'G1', 'Gwen', 'One', '1980-05-02', '1 Moor Lane, London', 'EC2Y 9AD', '1', 'suspect'],
  ['col-police', 'G2', 'Gary', 'Two', '1981-05-02', '2 Moor Lane, London', 'EC2Y 9AD', '2', 'offender'],
  ['col-police', 'G3', 'Gail', 'Three', '1982-05-02', '3 Moor Lane, London', 'EC2Y 9AD', '3', 'suspect'],
  ['col-police', 'G4', 'Gus', 'Four', '1983-05-02', '4 Moor Lane, London', 'EC2Y 9AD', '4', 'victim'],
  ['city-council', 'C1', 'Pam', 'Partner', '1984-05-02', '5 Moor Lane, London', 'EC2Y 9AD', '3', 'witness'],
])

const at = (years: number) => `${2026 + years}-01-15`

for (const backend of backends()) {
  describe(`review, retention and disposal on ${backend.name}`, () => {
    let database: TestDatabase
    let reviewer: TestUser
    const clock = new ManualClock(START)
    const ids: Record<string, number> = {}
    const moveTo = (day: string) =>
      clock.advance(new Date(`${day}T09:00:00Z`).getTime() - clock.now().getTime())
    const queue = async () =>
      (await recordsDueForReview(database.db, clock.now().toISOString().slice(0, 10))).map(
        (r) => r.sourcePersonId,
      )
    const remaining = async () =>
      (
        await database.db
          .selectFrom('person_record')
          .select('source_person_id')
          .orderBy('source_person_id')
          .execute()
      ).map((r) => r.source_person_id)

    before(async () => {
      database = await backend.create()
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const council = await createOrganisation(database.db, { kind: 'council' })
      reviewer = await createUser(database.db, { role: 'auditor', organisationId: police.id })
      await sql`insert into sharing_agreement (reference, title, provider_organisation_id, recipient_organisation_id,
          data_classes, purposes, status, starts_on, retention_months, source_systems)
        values ('ISA-RET', 'Council records', ${council.id}, ${police.id}, '{person-identity}', '{safeguarding}',
          'active', '2025-01-01', 36, '{city-council}')`.execute(database.db)
      await importWorld(database.db, clock, { street: STREET, people: PEOPLE })
      for (const row of await database.db
        .selectFrom('person_record')
        .select(['id', 'source_person_id'])
        .execute())
        ids[row.source_person_id] = Number(row.id)
    })
    after(async () => database.close())

    test('each record gets the group and review date of the group table', async () => {
      await assessRetention(database.db, clock.now())
      const rows = await database.db
        .selectFrom('record_retention as rr')
        .innerJoin('person_record as r', 'r.id', 'rr.person_record_id')
        .select(['r.source_person_id', 'rr.regime', 'rr.mopi_group', 'rr.next_review_on'])
        .orderBy('r.source_person_id')
        .execute()
      assert.deepEqual(
        rows.map((r) => [
          r.source_person_id,
          r.regime,
          r.mopi_group === null ? null : Number(r.mopi_group),
          r.next_review_on,
        ]),
        [
          ['C1', 'partner', null, '2029-01-01'],
          ['G1', 'mopi', 1, '2036-01-01'],
          ['G2', 'mopi', 2, '2036-01-01'],
          ['G3', 'mopi', 3, '2032-01-01'],
          ['G4', 'mopi', 4, '2032-01-01'],
        ],
      )
      assert.deepEqual(await queue(), [])
    })

    test('after 6 years the partner record and groups 3 and 4 are due and disposed of', async () => {
      moveTo(at(6))
      await assessRetention(database.db, clock.now())
      assert.deepEqual(await queue(), ['C1', 'G3', 'G4'])
      const summary = await disposeExpiredRecords(database.db, { asOf: at(6), now: clock.now() })
      assert.deepEqual(summary.byRule, { partner: 1, 'mopi-3': 1, 'mopi-4': 1 })
      assert.deepEqual(await remaining(), ['G1', 'G2'])
      assert.deepEqual(await queue(), [])
    })

    test('every disposal leaves an erase audit row and a tombstone', async () => {
      for (const key of ['C1', 'G3', 'G4']) {
        const audit = await sql<{ n: number }>`select count(*)::int as n from audit_event
          where action = 'erase' and event = 'DISPOSE_RECORD' and record_ids ? ${String(ids[key])}`.execute(
          database.db,
        )
        assert.equal(audit.rows[0]!.n, 1, key)
        const tombstone = await database.db
          .selectFrom('erasure_tombstone')
          .select('reason')
          .where('subject_kind', '=', 'person_record')
          .where('subject_id', '=', ids[key]!)
          .executeTakeFirst()
        assert.ok(tombstone, key)
      }
    })

    test('after 10 years groups 1 and 2 are due; group 2 is disposed of and group 1 waits for review', async () => {
      moveTo(at(10))
      await assessRetention(database.db, clock.now())
      assert.deepEqual(await queue(), ['G1', 'G2'])
      const summary = await disposeExpiredRecords(database.db, { asOf: at(10), now: clock.now() })
      assert.deepEqual(summary.byRule, { 'mopi-2': 1 })
      assert.equal(summary.awaitingReview, 1)
      assert.deepEqual(await remaining(), ['G1'])
      assert.deepEqual(await queue(), ['G1'])
    })

    test('retaining without a rationale is refused, naming the field', async () => {
      const [due] = await recordsDueForReview(database.db, at(10))
      await assert.rejects(
        decideRetention(
          database.db,
          reviewer,
          {
            recordId: ids.G1!,
            decision: 'retain',
            rationale: '  ',
            reviewInYears: '',
            version: due!.version,
          },
          { now: clock.now(), today: at(10) },
        ),
        (error: unknown) =>
          error instanceof DomainError && error.code === 'invalid' && 'rationale' in error.fields,
      )
    })

    test('after 100 years group 1 is still never disposed of automatically', async () => {
      moveTo(at(100))
      const summary = await disposeExpiredRecords(database.db, { asOf: at(100), now: clock.now() })
      assert.equal(summary.disposed, 0)
      assert.equal(summary.awaitingReview, 1)
      assert.deepEqual(await remaining(), ['G1'])
      assert.deepEqual(await queue(), ['G1'])
    })

    test('a retain decision with a rationale moves the review on and is audited without the rationale', async () => {
      const [due] = await recordsDueForReview(database.db, at(100))
      const rationale = 'Subject of a MAPPA referral RZQX'
      const outcome = await decideRetention(
        database.db,
        reviewer,
        { recordId: ids.G1!, decision: 'retain', rationale, reviewInYears: '', version: due!.version },
        { now: clock.now(), today: at(100) },
      )
      assert.equal(outcome.nextReviewOn, '2136-01-15')
      assert.deepEqual(await queue(), [])
      const text = await sql<{ t: string }>`select string_agg(a::text, ' ') as t from audit_event a`.execute(
        database.db,
      )
      assert.ok(!text.rows[0]!.t.includes('RZQX'))
      // A stale form (the version it carried has moved on) is told so, not applied.
      await assert.rejects(
        decideRetention(
          database.db,
          reviewer,
          { recordId: ids.G1!, decision: 'dispose', rationale: '', reviewInYears: '', version: due!.version },
          { now: clock.now(), today: at(100) },
        ),
        (error: unknown) => error instanceof DomainError && error.code === 'conflict',
      )
    })
  })
}
