import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { loadDemoDataHub } from '../data-hub/index.ts'
import { loadDemoData } from '../platform/demo-data.ts'
import { loadDemoLinkageAndTriggers } from './demo.ts'

const POLICE = 'sv-police-demo'

for (const backend of backends()) {
  describe(`the demo's people after linkage and the trigger rules on ${backend.name}`, () => {
    let database: TestDatabase
    let summary: string
    const clock = new ManualClock('2026-03-10T12:00:00Z')

    // One load of the whole demo per driver: it takes a while, and the tests below only read it.
    before(async () => {
      database = await backend.create()
      await loadDemoData(database.db, clock.now())
      await loadDemoDataHub(database.db, clock)
      summary = await loadDemoLinkageAndTriggers(database.db, clock)
    })
    after(() => database.close())

    /** For each person: the source systems of their records. */
    async function sourcesByPerson(): Promise<Map<number, string[]>> {
      const rows = await database.db
        .selectFrom('person_record_link as l')
        .innerJoin('person_record as r', 'r.id', 'l.person_record_id')
        .select(['l.person_id', 'r.source_system'])
        .execute()
      const sources = new Map<number, string[]>()
      for (const row of rows)
        sources.set(row.person_id, [...(sources.get(row.person_id) ?? []), row.source_system])
      return sources
    }

    test('every partner involvement is on an incident of the demo', async () => {
      const waiting = await database.db
        .selectFrom('person_involvement')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('incident_id', 'is', null)
        .executeTakeFirstOrThrow()
      assert.equal(Number(waiting.n), 0)
    })

    test("records of the council and of the emergency department are linked to the force's", async () => {
      const records = await database.db
        .selectFrom('person_record')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const sources = await sourcesByPerson()
      assert.ok(sources.size < Number(records.n), `${sources.size} people from ${records.n} records`)
      assert.match(summary, new RegExp(`^${records.n} person records linked into ${sources.size} people`))
      const withPolice = (partner: string) =>
        [...sources.values()].filter((systems) => systems.includes(POLICE) && systems.includes(partner))
          .length
      // scripts/generate-demo-people.ts re-records 144 of the force's people for the council and 44
      // for the emergency department; no other record is anyone else's.
      const council = withPolice('sv-council-demo')
      const ed = withPolice('sv-nhs-ed-demo')
      assert.ok(council >= 130, `${council} council records found their police record`)
      assert.ok(ed >= 40, `${ed} emergency department records found their police record`)
      const links = Number(records.n) - sources.size
      assert.ok(links <= 144 + 44, `${links} records joined another person's: more than were re-recorded`)
    })

    test('two people of the same name, born years apart at different addresses, stay two people', async () => {
      const namesakes = await database.db
        .selectFrom('person_record as r')
        .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
        .select(['l.person_id', 'r.date_of_birth'])
        .where('r.first_names', '=', 'Patrick')
        .where('r.last_name', '=', 'Doherty')
        .execute()
      assert.equal(namesakes.length, 2)
      assert.notEqual(namesakes[0]!.person_id, namesakes[1]!.person_id)
    })

    test('domestic abuse in a household raises referrals, one for a child only through an adult they live with', async () => {
      const referrals = await database.db
        .selectFrom('referral')
        .select(['id', 'person_id'])
        .where('trigger_rule_key', '=', 'domestic-abuse-in-household')
        .execute()
      assert.ok(referrals.length >= 1, 'the rule fires in the demo')
      // Evidence that is none of the child's own involvements came from the household's adults.
      const throughHousehold = await sql<{ n: number }>`
        select count(distinct r.id)::int as n from referral r
        join referral_evidence e on e.referral_id = r.id
        where r.trigger_rule_key = 'domestic-abuse-in-household'
          and not exists (
            select 1 from person_record_link l
            join person_involvement v on v.person_record_id = l.person_record_id
            where l.person_id = r.person_id and v.incident_id = e.incident_id)`.execute(database.db)
      assert.ok(throughHousehold.rows[0]!.n >= 1, 'a referral rests on an adult’s incident alone')
    })
  })
}
