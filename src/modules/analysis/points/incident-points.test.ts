import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import {
  DEMO_STREET_FILES,
  importPoliceUkStreetFile,
  INCIDENT_KINDS,
  loadDemoBoundaries,
  type IncidentFilter,
} from '../../data-hub/index.ts'
import { loadPopulationFile } from '../../data-hub/geography/load-population.ts'
import { countHarm } from '../counts/counts-method.ts'
import { loadIncidentPoints } from './incident-points.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const APRIL = path.join(ROOT, 'samples/police-uk/2023-04-city-of-london-street.csv')
const SAMPLE = path.join(ROOT, 'samples/population/made-up-lsoa-population.csv')
const ALL_KINDS: IncidentFilter = { visibleKinds: INCIDENT_KINDS }

/** Located rows per LSOA code and the sample's residents, read with csv-parse. */
async function fromFiles() {
  const rows = (parse(await readFile(APRIL), { columns: true }) as Record<string, string>[]).filter(
    (row) => row.Longitude !== '',
  )
  const counts = new Map<string, number>()
  for (const row of rows) counts.set(row['LSOA code']!, (counts.get(row['LSOA code']!) ?? 0) + 1)
  const sample = parse(await readFile(SAMPLE), { columns: true }) as Record<string, string>[]
  const population = new Map(sample.map((row) => [row['LSOA 2021 Code']!, Number(row.Total)]))
  return { counts, population }
}

for (const backend of backends()) {
  describe(`incident points with their LSOA and its population on ${backend.name}`, () => {
    let database: TestDatabase
    beforeEach(async () => {
      database = await backend.create()
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock: new ManualClock() })
    })
    afterEach(() => database.close())

    test('carry the LSOA code of each incident, and no population before one is loaded', async () => {
      const { counts } = await fromFiles()
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS)
      assert.equal(points.area?.length, points.size)
      const read = new Map<string, number>()
      for (const code of points.area!) read.set(code, (read.get(code) ?? 0) + 1)
      assert.deepEqual(new Map([...read].sort()), new Map([...counts].sort()))
      assert.equal(points.areaPopulation, undefined)
    })

    test('carry the loaded population, and give rates per 1,000 residents per LSOA', async () => {
      const { counts, population } = await fromFiles()
      await loadPopulationFile(database.db, { file: SAMPLE })
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS)
      const areas = Object.keys(points.areaPopulation ?? {})
      assert.deepEqual(areas.sort(), [...counts.keys()].sort(), 'the known LSOAs are those of April')
      for (const code of areas) assert.equal(points.areaPopulation![code], population.get(code))
      const result = countHarm(points, { unit: 'lsoa' })
      for (const area of result.areas) {
        assert.equal(area.count, counts.get(area.area))
        assert.equal(area.countPer1000, (counts.get(area.area)! / population.get(area.area)!) * 1000)
      }
    })

    test('with an area filter, carry only the population of the LSOAs in the area', async () => {
      await loadPopulationFile(database.db, { file: SAMPLE })
      const city = await database.db
        .selectFrom('area')
        .select('id')
        .where('level', '=', 'local-authority')
        .where('name', '=', 'City of London')
        .executeTakeFirstOrThrow()
      const { points } = await loadIncidentPoints(database.db, { ...ALL_KINDS, area: Number(city.id) })
      const rows = parse(await readFile(APRIL), { columns: true }) as Record<string, string>[]
      const cityLsoas = new Set(
        rows.filter((row) => row['LSOA name']!.startsWith('City of London ')).map((row) => row['LSOA code']!),
      )
      assert.ok(points.size > 0)
      assert.deepEqual(Object.keys(points.areaPopulation!).sort(), [...cityLsoas].sort())
    })
  })
}

/** Located incidents per area code, counted by SQL written for the test: the reference for the points' areas. */
async function countsBy(database: TestDatabase, query: ReturnType<typeof sql<{ code: string; n: number }>>) {
  const rows = (await query.execute(database.db)).rows
  return new Map(rows.map((row) => [row.code, Number(row.n)]))
}

/** Incidents per area code of the points, '' (no area) left out. */
function pointCounts(area: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const code of area) if (code !== '') counts.set(code, (counts.get(code) ?? 0) + 1)
  return counts
}

const sorted = <V>(map: Map<string, V>) => new Map([...map].sort(([a], [b]) => a.localeCompare(b)))

for (const backend of backends()) {
  describe(`incident points grouped by a level of the area hierarchy on ${backend.name}`, () => {
    let database: TestDatabase
    let located: number
    before(async () => {
      database = await backend.create()
      const clock = new ManualClock()
      await loadDemoBoundaries(database.db)
      for (const file of DEMO_STREET_FILES) await importPoliceUkStreetFile(database.db, { file, clock })
      const row = await sql<{ n: number }>`
        select count(*)::int as n from incident where longitude is not null`.execute(database.db)
      located = Number(row.rows[0]!.n)
    })
    after(() => database.close())

    test('counts with unit lsoa at local-authority level equal a count through the LSOAs’ ancestors', async () => {
      const expected = await countsBy(
        database,
        sql<{ code: string; n: number }>`
          select authority.code, count(*)::int as n
          from incident
          join area lsoa on lsoa.level = 'lsoa' and lsoa.code = incident.lsoa_code
          join area_ancestor link on link.area_id = lsoa.id
          join area authority on authority.id = link.ancestor_id and authority.level = 'local-authority'
          where incident.longitude is not null
          group by authority.code`,
      )
      assert.ok(expected.size > 1, 'the demo streets lie in more than one local authority')
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'local-authority' })
      assert.equal(points.size, located)
      const result = countHarm(points, { unit: 'lsoa' })
      assert.deepEqual(sorted(new Map(result.areas.map((area) => [area.area, area.count]))), sorted(expected))
      const placed = [...expected.values()].reduce((sum, n) => sum + n, 0)
      assert.equal(result.unplaced, located - placed)
    })

    test('counts at neighbourhood level equal a count through the boundary polygons that hold the incidents', async () => {
      const expected = await countsBy(
        database,
        sql<{ code: string; n: number }>`
          select neighbourhood.code, count(*)::int as n
          from incident
          join incident_area membership on membership.incident_id = incident.id
          join area neighbourhood on neighbourhood.id = membership.area_id and neighbourhood.level = 'neighbourhood'
          where incident.longitude is not null
          group by neighbourhood.code`,
      )
      assert.ok(expected.size > 1, 'the demo neighbourhoods hold incidents')
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'neighbourhood' })
      const result = countHarm(points, { unit: 'lsoa' })
      assert.deepEqual(sorted(new Map(result.areas.map((area) => [area.area, area.count]))), sorted(expected))
      assert.ok(result.unplaced > 0, 'incidents outside every demo neighbourhood have no area')
    })

    test('at lsoa level, given or not, the points carry the incident’s own LSOA code', async () => {
      const expected = await countsBy(
        database,
        sql<{ code: string; n: number }>`
          select lsoa_code as code, count(*)::int as n from incident
          where longitude is not null and lsoa_code is not null and lsoa_code <> ''
          group by lsoa_code`,
      )
      const byDefault = await loadIncidentPoints(database.db, ALL_KINDS)
      const given = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'lsoa' })
      assert.deepEqual(given.points.area, byDefault.points.area)
      assert.deepEqual(sorted(pointCounts(byDefault.points.area!)), sorted(expected))
    })

    test('an authority’s population is the sum of its LSOAs’ when every one is loaded, or its own', async () => {
      await loadPopulationFile(database.db, { file: SAMPLE })
      const sample = parse(await readFile(SAMPLE), { columns: true }) as Record<string, string>[]
      const residents = new Map(sample.map((row) => [row['LSOA 2021 Code']!, Number(row.Total)]))
      const links = await sql<{ authority: string; lsoa: string }>`
        select authority.code as authority, lsoa.code as lsoa
        from area authority
        join area_ancestor link on link.ancestor_id = authority.id
        join area lsoa on lsoa.id = link.area_id and lsoa.level = 'lsoa'
        where authority.level = 'local-authority'`.execute(database.db)
      const lsoasOf = new Map<string, string[]>()
      for (const { authority, lsoa } of links.rows)
        lsoasOf.set(authority, [...(lsoasOf.get(authority) ?? []), lsoa])
      const expected: Record<string, number> = {}
      for (const [authority, lsoas] of lsoasOf)
        if (lsoas.every((code) => residents.has(code)))
          expected[authority] = lsoas.reduce((sum, code) => sum + residents.get(code)!, 0)
      assert.ok(Object.keys(expected).length > 1, 'several authorities have every LSOA loaded')
      const summed = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'local-authority' })
      assert.deepEqual(summed.points.areaPopulation, expected)

      const city = await database.db
        .selectFrom('area')
        .select(['id', 'code'])
        .where('level', '=', 'local-authority')
        .where('name', '=', 'City of London')
        .executeTakeFirstOrThrow()
      await database.db.updateTable('area').set({ population: 8600 }).where('id', '=', city.id).execute()
      const own = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'local-authority' })
      assert.deepEqual(own.points.areaPopulation, { ...expected, [city.code]: 8600 })
      await database.db.updateTable('area').set({ population: null }).where('id', '=', city.id).execute()

      // One LSOA without a population: its authority has no population rather than too small a one.
      const [partly, lsoas] = [...lsoasOf].find(([code]) => code !== city.code)!
      await database.db
        .updateTable('area')
        .set({ population: null })
        .where('level', '=', 'lsoa')
        .where('code', '=', lsoas[0]!)
        .execute()
      const partial = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'local-authority' })
      const withoutPartly = Object.fromEntries(Object.entries(expected).filter(([code]) => code !== partly))
      assert.deepEqual(partial.points.areaPopulation, withoutPartly)
    })
  })
}
