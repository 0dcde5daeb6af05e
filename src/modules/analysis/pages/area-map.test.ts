import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { DEMO_STREET_FILES, importPoliceUkStreetFile, loadDemoBoundaries } from '../../data-hub/index.ts'

interface Collection {
  type: string
  bbox?: number[]
  features: {
    type: string
    geometry: { type: string; coordinates: unknown } | null
    properties: Record<string, string>
  }[]
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim()

/** The result table's body rows, each cell's text as the page shows it. */
function tableRows(html: string): string[][] {
  const table = /<table[^>]*id="result-table"[\s\S]*?<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)
  assert.ok(table, 'the page has the result table')
  return [...table[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => decode(cell[1]!)),
  )
}

/** Every coordinate of a geometry, however deeply its rings are nested. */
function positions(coordinates: unknown): number[][] {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number') return [coordinates as number[]]
  return (coordinates as unknown[]).flatMap(positions)
}

for (const backend of backends()) {
  describe(`results by area on the map, from loaded boundaries, on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient

    async function completedRun(form: Record<string, string>): Promise<string> {
      await analyst.get('/analysis/methods/counts')
      const response = await analyst.postForm('/analysis/methods/counts', form)
      assert.equal(response.statusCode, 303, response.body)
      const location = response.headers.location as string
      for (let i = 0; i < 300; i++) {
        const { status } = JSON.parse(
          (await analyst.get(`${location}/status`, { accept: 'application/json' })).body,
        ) as { status: string }
        if (status === 'completed') return location
        assert.ok(['queued', 'running'].includes(status), `the run ended ${status}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`${location} did not finish`)
    }

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      await loadDemoBoundaries(database.db)
      for (const file of DEMO_STREET_FILES)
        await importPoliceUkStreetFile(database.db, { file, clock: started.clock })
      const user = await createUser(database.db, { role: 'analyst' })
      analyst = await clientSignedInAs(app, database.db, started.clock, user.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('counts by neighbourhood: each area is drawn as its boundary, with the figures of its table row', async () => {
      const location = await completedRun({ unit: 'lsoa', areaLevel: 'neighbourhood' })
      const page = await analyst.get(location)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /id="incident-map"/)
      assert.match(page.body, /as the areas&#39; boundaries coloured by/)
      assert.match(page.body, /id="result-geojson"/)
      assert.doesNotMatch(page.body, /id="map-no-boundaries"/)
      assert.doesNotMatch(page.body, /id="map-missing"/, 'every neighbourhood counted has a boundary')

      const keys = (await analyst.get(`${location}/result.csv`)).body
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0]!
        .split(',')
      const rows = tableRows(page.body)
      assert.ok(rows.length >= 2, 'points fall in more than one demo neighbourhood')
      assert.ok(
        rows.every((row) => /^DEMO-N\d$/.test(row[0]!)),
        'the rows are the demo neighbourhoods',
      )

      const response = await analyst.get(`${location}/map.geojson`)
      assert.equal(response.statusCode, 200)
      assert.match(String(response.headers['content-type']), /^application\/geo\+json/)
      const map = JSON.parse(response.body) as Collection
      assert.equal(map.type, 'FeatureCollection')
      assert.deepEqual(
        map.features.map(({ properties: { colour: _colour, ...figures } }) => figures),
        rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i]]))),
        'one feature per table row, with the same figures as the table',
      )
      const legend = [...page.body.matchAll(/fill="(#[0-9a-f]{6})"/g)].map((m) => m[1])
      for (const feature of map.features) {
        assert.ok(feature.geometry && ['Polygon', 'MultiPolygon'].includes(feature.geometry.type))
        assert.ok(legend.includes(feature.properties.colour), 'each colour is one of the legend')
        for (const [lng, lat] of positions(feature.geometry.coordinates)) {
          assert.equal(Math.round(lng! * 1e6) / 1e6, lng, 'six decimals at most')
          assert.equal(Math.round(lat! * 1e6) / 1e6, lat, 'six decimals at most')
          assert.ok(
            lng! >= map.bbox![0]! && lat! >= map.bbox![1]! && lng! <= map.bbox![2]! && lat! <= map.bbox![3]!,
          )
        }
      }
      // The boundary drawn is the one loaded (the demo file already has six decimals).
      const stored = await database.db
        .selectFrom('area')
        .select(['code', 'geometry'])
        .where('level', '=', 'neighbourhood')
        .execute()
      for (const feature of map.features) {
        const area = stored.find((row) => row.code === feature.properties.area)
        const geometry = typeof area?.geometry === 'string' ? JSON.parse(area.geometry) : area?.geometry
        assert.deepEqual(feature.geometry, geometry, feature.properties.area)
      }
    })

    test('counts by LSOA, which have no boundaries: the page says how to load them, and the GeoJSON is empty', async () => {
      const location = await completedRun({ unit: 'lsoa' })
      const page = await analyst.get(location)
      assert.equal(page.statusCode, 200)
      assert.ok(tableRows(page.body).length > 0, 'the table has the LSOAs')
      assert.doesNotMatch(page.body, /id="incident-map"/, 'no empty map')
      assert.doesNotMatch(page.body, /id="result-geojson"/)
      assert.doesNotMatch(page.body, /\/build\/map\.js/)
      assert.match(page.body, /id="map-no-boundaries"/)
      assert.match(
        page.body,
        /no area in this table \(LSOA \(Lower layer Super Output Area\)\) has a boundary loaded/,
      )
      assert.match(page.body, /<code id="map-load-command">upstream areas load FILE\.geojson --level lsoa /)
      const map = JSON.parse((await analyst.get(`${location}/map.geojson`)).body) as Collection
      assert.deepEqual(map, { type: 'FeatureCollection', features: [] }, 'no feature without a geometry')
    })
  })
}
