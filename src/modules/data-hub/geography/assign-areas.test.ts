import assert from 'node:assert/strict'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importPoliceUkStreetFile } from '../import-run.ts'
import { assignAreasForRun, derivedCode } from './assign-areas.ts'
import { INVENTORY } from '../inventory/geography.ts'
import { incidentInArea, listAreas } from './queries.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../../samples/police-uk')
const APRIL = path.join(FIXTURES, '2023-04-city-of-london-street.csv')
const MAY = path.join(FIXTURES, '2023-05-city-of-london-street.csv')

/** From the sample files: LSOAs per local authority named in April, and in April and May. */
const APRIL_AUTHORITIES = {
  Camden: 2,
  'City of London': 6,
  Hackney: 4,
  Islington: 4,
  Redbridge: 1,
  'Tower Hamlets': 4,
  Westminster: 2,
}
const BOTH_AUTHORITIES = {
  ...APRIL_AUTHORITIES,
  Camden: 3,
  Islington: 5,
  'Tower Hamlets': 6,
  Lambeth: 1,
  Southwark: 1,
  'Waltham Forest': 1,
}

for (const backend of backends()) {
  describe(`areas from police.uk files on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock()
    const load = (file: string) => importPoliceUkStreetFile(database.db, { file, clock })
    const count = async (query: string) =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(query)}`.execute(database.db))
          .rows[0]!.n,
      )
    const snapshot = async () => ({
      areas: await count('area'),
      ancestors: await count('area_ancestor'),
      memberships: await count('incident_area'),
    })

    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('the April file gives its LSOAs under their local authorities under City of London Police', async () => {
      await load(APRIL)
      const areas = await listAreas(database.db)
      const force = areas.filter((area) => area.level === 'force')
      assert.deepEqual(
        force.map((area) => [area.code, area.name, area.parentId]),
        [[derivedCode('City of London Police'), 'City of London Police', null]],
      )
      const authorities = areas.filter((area) => area.level === 'local-authority')
      assert.deepEqual(authorities.map((area) => area.name).sort(), Object.keys(APRIL_AUTHORITIES).sort())
      assert.ok(authorities.every((area) => area.parentId === force[0]!.id))
      const lsoas = areas.filter((area) => area.level === 'lsoa')
      assert.equal(lsoas.length, 23)
      for (const authority of authorities) {
        const children = lsoas.filter((lsoa) => lsoa.parentId === authority.id)
        assert.equal(
          children.length,
          APRIL_AUTHORITIES[authority.name as keyof typeof APRIL_AUTHORITIES],
          authority.name,
        )
        assert.ok(children.every((lsoa) => lsoa.name.startsWith(`${authority.name} `)))
      }
      const camden = lsoas.find((lsoa) => lsoa.code === 'E01000917')!
      assert.equal(camden.name, 'Camden 027C')
      assert.deepEqual(camden.path, ['City of London Police', 'Camden', 'Camden 027C'])
    })

    test('every incident with an LSOA code belongs to that LSOA, and to its authority and force through them', async () => {
      await load(APRIL)
      // Membership by LSOA code is read from the incident, not stored: no incident_area rows
      // without boundary polygons.
      assert.equal(await count('incident_area'), 0)
      const lsoas = await listAreas(database.db, { level: 'lsoa' })
      for (const lsoa of lsoas) {
        const members = await database.db
          .selectFrom('incident')
          .select('lsoa_code')
          .where(incidentInArea(lsoa.id))
          .execute()
        assert.ok(members.length > 0, lsoa.code)
        assert.ok(
          members.every((member) => member.lsoa_code === lsoa.code),
          lsoa.code,
        )
        assert.equal(lsoa.incidents, members.length, lsoa.code)
      }
      assert.equal(
        lsoas.reduce((sum, lsoa) => sum + lsoa.incidents, 0),
        await count('incident where lsoa_code is not null'),
      )
      const inArea = async (level: string, name: string) => {
        const area = await database.db
          .selectFrom('area')
          .select('id')
          .where('level', '=', level as never)
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
        const row = await database.db
          .selectFrom('incident')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(incidentInArea(Number(area.id)))
          .executeTakeFirstOrThrow()
        return Number(row.n)
      }
      assert.equal(await inArea('force', 'City of London Police'), 682)
      const cityRows = await count(`incident where lsoa_name like 'City of London %'`)
      assert.equal(await inArea('local-authority', 'City of London'), cityRows)
      assert.equal(await inArea('lsoa', 'Camden 027C'), await count(`incident where lsoa_code = 'E01000917'`))
      const listed = (await listAreas(database.db, { level: 'force' }))[0]!
      assert.equal(listed.incidents, 682)
    })

    test('area_ancestor holds each area with itself at depth 0 and every area above it', async () => {
      await load(APRIL)
      const pairs = await sql<{ area: string; ancestor: string; depth: number }>`
        select a.code as area, b.code as ancestor, link.depth
        from area_ancestor link join area a on a.id = link.area_id join area b on b.id = link.ancestor_id
        where a.code = 'E01000001' order by link.depth`.execute(database.db)
      assert.deepEqual(
        pairs.rows.map((row) => [row.ancestor, row.depth]),
        [
          ['E01000001', 0],
          [derivedCode('City of London'), 1],
          [derivedCode('City of London Police'), 2],
        ],
      )
      // 23 LSOAs with 3 pairs each, 7 authorities with 2, the force with 1.
      assert.equal(await count('area_ancestor'), 23 * 3 + 7 * 2 + 1)
    })

    test('a second call for the same run adds nothing', async () => {
      const run = await load(APRIL)
      const before = await snapshot()
      await assignAreasForRun(database.db, run.runId!)
      assert.deepEqual(await snapshot(), before)
    })

    test('the May file adds only the areas April did not name, and importing it again adds nothing', async () => {
      await load(APRIL)
      await load(MAY)
      const areas = await listAreas(database.db)
      const authorities = areas.filter((area) => area.level === 'local-authority')
      assert.deepEqual(authorities.map((area) => area.name).sort(), Object.keys(BOTH_AUTHORITIES).sort())
      assert.equal(areas.filter((area) => area.level === 'lsoa').length, 30)
      assert.equal(areas.filter((area) => area.level === 'force').length, 1)
      assert.equal((await listAreas(database.db, { level: 'force' }))[0]!.incidents, 1429)
      const before = await snapshot()
      const again = await load(MAY)
      assert.equal(again.status, 'already-imported')
      assert.deepEqual(await snapshot(), before)
    })

    test('two imports finishing at the same time make each area once', async () => {
      await Promise.all([load(APRIL), load(MAY)])
      const areas = await listAreas(database.db)
      assert.deepEqual(
        ['force', 'local-authority', 'lsoa'].map(
          (level) => areas.filter((area) => area.level === level).length,
        ),
        [1, Object.keys(BOTH_AUTHORITIES).length, 30],
      )
      assert.equal((await listAreas(database.db, { level: 'force' }))[0]!.incidents, 1429)
      assert.equal(await count('area_ancestor'), 30 * 3 + 10 * 2 + 1)
    })

    test('the data inventory classifies exactly the columns of the geography tables', async () => {
      for (const entry of INVENTORY) {
        const columns = await sql<{ column_name: string }>`
          select column_name from information_schema.columns
          where table_schema = current_schema() and table_name = ${entry.table}`.execute(database.db)
        assert.deepEqual(
          columns.rows.map((row) => row.column_name).sort(),
          Object.keys(entry.columns).sort(),
          entry.table,
        )
      }
      assert.deepEqual(INVENTORY.map((entry) => entry.table).sort(), [
        'area',
        'area_ancestor',
        'incident_area',
      ])
    })
  })
}
