import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { DEMO_STREET_FILES } from '../index.ts'
import { importPoliceUkStreetFile } from '../import-run.ts'
import type { CellFeatureCollection } from './cell-geojson.ts'

/** The numbers of the table's cells, its total, and the totals line. */
function tableOf(html: string) {
  const counts = [
    ...html.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric" data-count="(\d+)">/g),
  ].map((m) => Number(m[1]))
  const cells = [...html.matchAll(/<td class="govuk-table__cell"><code>([0-9a-f]{15})<\/code><\/td>/g)].map(
    (m) => m[1]!,
  )
  const total = Number(/id="cell-total" data-count="(\d+)"/.exec(html)?.[1])
  return { counts, cells, total }
}

for (const backend of backends()) {
  describe(`the incident map on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let officer: TestClient

    const incidents = async (where: { category?: string; located?: boolean } = {}) => {
      let query = database.db.selectFrom('incident').select((eb) => eb.fn.countAll<string>().as('n'))
      if (where.category) query = query.where('category_code', '=', where.category)
      if (where.located) query = query.where('h3_res8', 'is not', null)
      return Number((await query.executeTakeFirstOrThrow()).n)
    }

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      for (const file of DEMO_STREET_FILES)
        await importPoliceUkStreetFile(database.db, { file, clock: started.clock })
      officer = await clientSignedInAs(
        app,
        database.db,
        started.clock,
        (await createUser(database.db, { role: 'officer' })).id,
      )
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the table counts every located incident once, and names those without a location', async () => {
      const response = await officer.get('/data/map')
      assert.equal(response.statusCode, 200)
      const table = tableOf(response.body)
      assert.ok(table.cells.length > 10, 'the sample spreads over many cells')
      assert.equal(
        table.counts.reduce((a, b) => a + b, 0),
        table.total,
      )
      assert.equal(table.total, await incidents({ located: true }))
      const located = await incidents({ located: true })
      const all = await incidents()
      if (all > located) assert.match(response.body, new RegExp(`${all - located} have no location`))
    })

    test('the GeoJSON has one closed hexagon per row of the table, with the same counts', async () => {
      const page = tableOf((await officer.get('/data/map?resolution=9')).body)
      const response = await officer.get('/data/map.geojson?resolution=9')
      assert.equal(response.statusCode, 200)
      assert.match(String(response.headers['content-type']), /^application\/geo\+json/)
      const collection = response.json<CellFeatureCollection>()
      assert.deepEqual(
        collection.features.map((f) => f.properties.cell),
        page.cells,
      )
      assert.deepEqual(
        collection.features.map((f) => f.properties.count),
        page.counts,
      )
      for (const feature of collection.features) {
        const ring = feature.geometry.coordinates[0]!
        assert.equal(ring.length, 7, 'six corners and the first again')
        assert.deepEqual(ring[0], ring[6])
        assert.match(feature.properties.colour, /^#[0-9a-f]{6}$/)
      }
      const [west, south, east, north] = collection.bbox!
      assert.ok(
        west < east && south < north && west > -0.2 && east < 0.1 && south > 51.45 && north < 51.65,
        'around the City of London',
      )
    })

    test('filters narrow the counts as the incidents browser does', async () => {
      const burglary = tableOf((await officer.get('/data/map?category=burglary')).body)
      const located = Number(
        (
          await database.db
            .selectFrom('incident')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('category_code', '=', 'burglary')
            .where('h3_res8', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      )
      assert.equal(burglary.total, located)
      const april = tableOf((await officer.get('/data/map?from=2023-04&to=2023-04&resolution=7')).body)
      const may = tableOf((await officer.get('/data/map?from=2023-05&to=2023-05&resolution=7')).body)
      assert.equal(april.total + may.total, await incidents({ located: true }))
    })

    for (const query of [
      'resolution=6',
      'from=2023-13',
      'from=2023-05&to=2023-04',
      'kind=murder',
      "category=x'%20or%201=1",
    ]) {
      test(`a bad filter (${query}) gets 400 on the page and on the GeoJSON`, async () => {
        const page = await officer.get(`/data/map?${query}`)
        assert.equal(page.statusCode, 400)
        assert.match(page.body, /There is a problem/)
        const geojson = await officer.get(`/data/map.geojson?${query}`)
        assert.equal(geojson.statusCode, 400)
        assert.equal(geojson.json<{ error: { code: string } }>().error.code, 'invalid')
      })
    }

    test('only the map page may start workers, and only from this origin', async () => {
      const map = await officer.get('/data/map')
      assert.match(String(map.headers['content-security-policy']), /worker-src 'self'(;|$)/)
      assert.match(map.body, /<script type="module" src="\/build\/map.js" nonce="[^"]+"><\/script>/)
      const home = await officer.get('/home')
      assert.match(String(home.headers['content-security-policy']), /worker-src 'none'/)
      assert.doesNotMatch(home.body, /map\.js/)
    })

    test('a map with no matching incidents says so', async () => {
      const response = await officer.get('/data/map?kind=missing-episode')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /No incidents with a location match these filters/)
      assert.doesNotMatch(response.body, /map\.js/)
    })
  })
}
