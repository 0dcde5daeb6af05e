import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importPoliceUkStreetFile, INCIDENT_KINDS, type IncidentFilter } from '../../data-hub/index.ts'
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
