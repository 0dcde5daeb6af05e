import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { DomainError } from '../../../errors.ts'
import { importPoliceUkStreetFile } from '../import-run.ts'
import { loadDemoBoundaries } from './demo.ts'
import { loadBoundaryFile, type LoadBoundariesOptions } from './load-boundaries.ts'
import { geometryHolds } from './point-in-polygon.ts'
import { incidentInArea, listAreas } from './queries.ts'
import type { AreaGeometry } from './tables.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../../samples/police-uk/2023-04-city-of-london-street.csv',
)

/** Test shapes around the City of London, not real boundaries. */
const box = (west: number, south: number, east: number, north: number) => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
]
const CITY: AreaGeometry = { type: 'Polygon', coordinates: [box(-0.12, 51.5, -0.07, 51.53)] }
/** Little Britain, where many April incidents are, lies in the west ward's hole. */
const LITTLE_BRITAIN = [-0.098519, 51.517332] as const
const WEST: AreaGeometry = {
  type: 'Polygon',
  coordinates: [box(-0.115, 51.505, -0.09, 51.525), box(-0.099, 51.517, -0.098, 51.5177)],
}
const EAST: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [[box(-0.09, 51.505, -0.075, 51.514)], [box(-0.09, 51.516, -0.075, 51.525)]],
}
const feature = (properties: Record<string, unknown>, geometry: AreaGeometry) => ({
  type: 'Feature',
  properties,
  geometry,
})
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features })

for (const backend of backends()) {
  describe(`loading boundary files on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    const importApril = () => importPoliceUkStreetFile(database.db, { file: APRIL, clock })
    const write = async (name: string, content: string) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }
    const loadAuthority = async () =>
      loadBoundaryFile(database.db, {
        file: await write(
          'lad.geojson',
          collection(feature({ LAD23CD: 'E09000001', LAD23NM: 'City of London' }, CITY)),
        ),
        level: 'local-authority',
        codeProperty: 'LAD23CD',
        nameProperty: 'LAD23NM',
      })
    const wardOptions = async (): Promise<LoadBoundariesOptions> => ({
      file: await write(
        'wards.geojson',
        collection(
          feature({ WD23CD: 'W-WEST', WD23NM: 'West', LAD23CD: 'E09000001' }, WEST),
          feature({ WD23CD: 'W-EAST', WD23NM: 'East', LAD23CD: 'E09000001' }, EAST),
        ),
      ),
      level: 'ward',
      codeProperty: 'WD23CD',
      nameProperty: 'WD23NM',
      parentLevel: 'local-authority',
    })
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
    const membersOf = async (code: string) =>
      (
        await sql<{ id: string }>`
          select incident_area.incident_id as id from incident_area join area on area.id = incident_area.area_id
          where area.code = ${code} order by 1`.execute(database.db)
      ).rows.map((row) => Number(row.id))
    /** The incidents whose points the shape holds, worked out here from their coordinates. */
    const incidentsHeldBy = async (geometry: AreaGeometry) =>
      (
        await sql<{ id: string; longitude: number; latitude: number }>`
          select id, longitude, latitude from incident where longitude is not null order by id`.execute(
          database.db,
        )
      ).rows
        .filter((row) => geometryHolds(geometry, [row.longitude, row.latitude]))
        .map((row) => Number(row.id))

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-boundaries-'))
    })
    after(async () => {
      await rm(folder, { recursive: true, force: true })
    })
    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('a local authority boundary gives the authority known from LSOA names its ONS code, keeping its children', async () => {
      await importApril()
      const result = await loadAuthority()
      assert.equal(result.status, 'loaded')
      const authorities = await listAreas(database.db, { level: 'local-authority' })
      assert.equal(authorities.length, 7)
      const city = authorities.find((area) => area.name === 'City of London')!
      assert.equal(city.code, 'E09000001')
      assert.equal(city.hasBoundary, true)
      const lsoas = await listAreas(database.db, { level: 'lsoa' })
      assert.equal(lsoas.filter((lsoa) => lsoa.parentId === city.id).length, 6)
      // Its incidents: those of its LSOAs, and now those whose points its polygon holds.
      const ofItsLsoas = (
        await sql<{ id: string }>`select id from incident where lsoa_name like 'City of London %'`.execute(
          database.db,
        )
      ).rows.map((row) => Number(row.id))
      const held = await incidentsHeldBy(CITY)
      assert.ok(
        held.some((id) => !ofItsLsoas.includes(id)),
        'the test shape reaches beyond the City LSOAs',
      )
      assert.equal(city.incidents, new Set([...ofItsLsoas, ...held]).size)
      // A later import finds the authority by name and makes no second one.
      await importPoliceUkStreetFile(database.db, {
        file: path.resolve(APRIL, '../2023-05-city-of-london-street.csv'),
        clock,
      })
      const after = await listAreas(database.db, { level: 'local-authority' })
      assert.equal(after.filter((area) => area.name === 'City of London').length, 1)
    })

    test('wards get their parent by containment, and exactly the incidents their shapes hold, holes and parts included', async () => {
      await importApril()
      await loadAuthority()
      const result = await loadBoundaryFile(database.db, await wardOptions())
      assert.ok(result.status === 'loaded')
      assert.deepEqual([result.created, result.withParent, result.withoutParent], [2, 2, []])
      const west = await membersOf('W-WEST')
      const east = await membersOf('W-EAST')
      assert.deepEqual(west, await incidentsHeldBy(WEST))
      assert.deepEqual(east, await incidentsHeldBy(EAST))
      assert.ok(west.length > 0 && east.length > 0)
      assert.equal(result.membershipsAdded, west.length + east.length)
      const inHole = await sql<{ id: string }>`
        select id from incident where longitude = ${LITTLE_BRITAIN[0]} and latitude = ${LITTLE_BRITAIN[1]}`.execute(
        database.db,
      )
      assert.ok(inHole.rows.length > 0)
      assert.ok(inHole.rows.every((row) => !west.includes(Number(row.id))))

      const [ward] = await listAreas(database.db, { level: 'ward' })
      assert.deepEqual(ward!.path, ['City of London Police', 'City of London', ward!.name])
      // An incident in a ward and an LSOA of the same authority is counted once above them.
      const force = (await listAreas(database.db, { level: 'force' }))[0]!
      assert.equal(force.incidents, 682)
      const inForce = await database.db
        .selectFrom('incident')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(incidentInArea(force.id))
        .executeTakeFirstOrThrow()
      assert.equal(Number(inForce.n), 682)
    })

    test('loading the same file again changes nothing', async () => {
      await importApril()
      await loadAuthority()
      await loadBoundaryFile(database.db, await wardOptions())
      const before = await snapshot()
      const again = await loadBoundaryFile(database.db, await wardOptions())
      assert.ok(again.status === 'loaded')
      assert.deepEqual([again.created, again.updated, again.unchanged, again.membershipsAdded], [0, 0, 2, 0])
      assert.deepEqual(await snapshot(), before)
    })

    test('a changed shape is updated in place and only adds memberships', async () => {
      await importApril()
      await loadBoundaryFile(database.db, { ...(await wardOptions()), parentLevel: undefined })
      const before = await membersOf('W-WEST')
      const wider: AreaGeometry = { type: 'Polygon', coordinates: [box(-0.115, 51.505, -0.09, 51.525)] }
      const result = await loadBoundaryFile(database.db, {
        file: await write(
          'west.geojson',
          collection(feature({ WD23CD: 'W-WEST', WD23NM: 'West ward' }, wider)),
        ),
        level: 'ward',
        codeProperty: 'WD23CD',
        nameProperty: 'WD23NM',
      })
      assert.ok(result.status === 'loaded')
      assert.deepEqual([result.created, result.updated], [0, 1])
      const afterwards = await membersOf('W-WEST')
      assert.ok(afterwards.length > before.length)
      assert.ok(before.every((id) => afterwards.includes(id)))
      assert.equal(
        (await listAreas(database.db, { level: 'ward' })).find((a) => a.code === 'W-WEST')!.name,
        'West ward',
      )
    })

    test('boundaries loaded before an import get its incidents, the same as when loaded after', async () => {
      await loadDemoBoundaries(database.db)
      await importApril()
      const loadedFirst = await snapshot()
      const members = await Promise.all(['DEMO-N1', 'DEMO-N2', 'DEMO-N3'].map(membersOf))
      assert.ok(members.every((ids) => ids.length > 0))

      await database.close()
      database = await backend.create()
      await importApril()
      await loadDemoBoundaries(database.db)
      assert.deepEqual(await Promise.all(['DEMO-N1', 'DEMO-N2', 'DEMO-N3'].map(membersOf)), members)
      assert.deepEqual(await snapshot(), loadedFirst)
      assert.match(await loadDemoBoundaries(database.db), /^3 demonstration neighbourhood/)
      assert.deepEqual(await snapshot(), loadedFirst)
    })

    test('a parent code property links each area to the parent with that code, and a missing one is reported', async () => {
      await loadAuthority()
      const result = await loadBoundaryFile(database.db, {
        file: await write(
          'wards.geojson',
          collection(
            feature({ WD23CD: 'W-WEST', WD23NM: 'West', LAD23CD: 'E09000001' }, WEST),
            feature({ WD23CD: 'W-FAR', WD23NM: 'Far', LAD23CD: 'E09000999' }, EAST),
          ),
        ),
        level: 'ward',
        codeProperty: 'WD23CD',
        nameProperty: 'WD23NM',
        parentLevel: 'local-authority',
        parentCodeProperty: 'LAD23CD',
      })
      assert.ok(result.status === 'loaded')
      assert.deepEqual([result.withParent, result.withoutParent], [1, ['W-FAR']])
      const wards = await listAreas(database.db, { level: 'ward' })
      assert.deepEqual(wards.find((w) => w.code === 'W-WEST')!.path, ['City of London', 'West'])
    })

    test('a file with a bad feature loads nothing and names the feature and property', async () => {
      await importApril()
      const before = await snapshot()
      const file = await write(
        'bad.geojson',
        collection(feature({ WD23CD: 'W-WEST', WD23NM: 'West' }, WEST), feature({ WD23CD: 'W-EAST' }, EAST)),
      )
      const result = await loadBoundaryFile(database.db, { ...(await wardOptions()), file })
      assert.equal(result.status, 'rejected')
      assert.deepEqual(result.status === 'rejected' && result.problems, [
        { feature: 1, property: 'WD23NM', message: 'the area name is missing or empty' },
      ])
      assert.deepEqual(await snapshot(), before)
    })

    test('a parent level that is not larger than the level is refused', async () => {
      await assert.rejects(
        loadBoundaryFile(database.db, { ...(await wardOptions()), parentLevel: 'lsoa' }),
        (error: unknown) =>
          error instanceof DomainError && /cannot have a lsoa as its parent/.test(error.message),
      )
    })
  })
}
