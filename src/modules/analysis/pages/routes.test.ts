import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { DEMO_STREET_FILES, importPoliceUkStreetFile } from '../../data-hub/index.ts'
import { ANALYSIS_METHODS } from '../methods.ts'

const cellsOf = (html: string) =>
  [
    ...html.matchAll(/<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([0-9a-f]{15})<\/td>/g),
  ].map((m) => m[1]!)

for (const backend of backends()) {
  describe(`the analysis pages on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient
    let officer: TestClient
    let located: number

    const runCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('analysis_run')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    /** Follows a run's status until it ends, as the page's script does. */
    async function finished(client: TestClient, location: string): Promise<string> {
      for (let i = 0; i < 300; i++) {
        const status = JSON.parse(
          (await client.get(`${location}/status`, { accept: 'application/json' })).body,
        ) as { status: string }
        if (!['queued', 'running'].includes(status.status)) return status.status
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`${location} did not finish`)
    }

    before(async () => {
      database = await backend.create()
      const started = await testApp(database)
      app = started.app
      for (const file of DEMO_STREET_FILES)
        await importPoliceUkStreetFile(database.db, { file, clock: started.clock })
      const user = async (role: 'analyst' | 'officer') =>
        clientSignedInAs(app, database.db, started.clock, (await createUser(database.db, { role })).id)
      analyst = await user('analyst')
      officer = await user('officer')
      located = Number(
        (
          await database.db
            .selectFrom('incident')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('longitude', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      )
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the analysis page lists every method, each with its form', async () => {
      const response = await analyst.get('/analysis')
      assert.equal(response.statusCode, 200)
      assert.ok(ANALYSIS_METHODS.length > 0)
      for (const method of ANALYSIS_METHODS) {
        assert.ok(response.body.includes(`href="/analysis/methods/${method.name}"`), method.name)
        const form = await analyst.get(`/analysis/methods/${method.name}`)
        assert.equal(form.statusCode, 200, method.name)
        for (const option of method.options)
          assert.ok(form.body.includes(`name="${option.key}"`), `${method.name} ${option.key}`)
      }
    })

    test('bad parameters and filters come back named on the form, and no run is made', async () => {
      await analyst.get('/analysis/methods/gi-star')
      const before = await runCount()
      const response = await analyst.postForm('/analysis/methods/gi-star', {
        rings: 'x',
        from: '2023-13',
        h3Resolution: '9',
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, /href="#rings"/)
      assert.match(response.body, /href="#from"/)
      assert.match(response.body, /value="9"/, 'the values typed are kept')
      assert.equal(await runCount(), before)
    })

    test('a Gi* run is followed to its end and shows every cell, on the map and in the table alike', async () => {
      await analyst.get('/analysis/methods/gi-star')
      const response = await analyst.postForm('/analysis/methods/gi-star', {
        h3Resolution: '8',
        rings: '1',
        permutations: '99',
        seed: '7',
      })
      assert.equal(response.statusCode, 303)
      const location = response.headers.location as string
      assert.match(location, /^\/analysis\/runs\/\d+$/)
      assert.equal(await finished(analyst, location), 'completed')

      const page = await analyst.get(location)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /id="run-status"[^>]*>\s*Completed/)
      const json = JSON.parse((await analyst.get(`${location}/result.json`)).body) as {
        cells: { cell: string; count: number }[]
      }
      assert.equal(
        json.cells.reduce((sum, cell) => sum + cell.count, 0),
        located,
        'every located incident is counted once',
      )
      assert.deepEqual(
        cellsOf(page.body),
        json.cells.slice(0, 500).map((cell) => cell.cell),
      )
      const map = JSON.parse((await analyst.get(`${location}/map.geojson`)).body) as {
        features: { properties: { cell: string; colour: string } }[]
      }
      assert.deepEqual(
        map.features.map((feature) => feature.properties.cell).sort(),
        json.cells.map((cell) => cell.cell).sort(),
      )
      const csv = (await analyst.get(`${location}/result.csv`)).body
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/)
      assert.equal(csv.length, json.cells.length + 1)
      assert.match(csv[0]!, /^cell,count,z,p,pPermutation,pFdr,class$/)

      // The same request on the same data is answered from the stored run.
      await analyst.get('/analysis/methods/gi-star')
      const again = await analyst.postForm('/analysis/methods/gi-star', {
        h3Resolution: '8',
        rings: '1',
        permutations: '99',
        seed: '7',
      })
      assert.equal(again.headers.location, location)
    })

    test('the form offers "Group areas by", LSOA chosen; a count by local authority is run at that level', async () => {
      const form = await analyst.get('/analysis/methods/counts')
      assert.match(form.body, /<label class="govuk-label" for="areaLevel">\s*Group areas by/)
      assert.match(form.body, /<option value="lsoa" selected>/)
      assert.match(form.body, /<option value="local-authority">Local authority<\/option>/)
      const response = await analyst.postForm('/analysis/methods/counts', {
        unit: 'lsoa',
        areaLevel: 'local-authority',
      })
      assert.equal(response.statusCode, 303)
      const location = response.headers.location as string
      assert.equal(await finished(analyst, location), 'completed')
      const run = await database.db
        .selectFrom('analysis_run')
        .select(['filter', 'result'])
        .where('id', '=', Number(location.split('/').pop()))
        .executeTakeFirstOrThrow()
      assert.equal((run.filter as { areaLevel?: string }).areaLevel, 'local-authority')
      const areas = (run.result as { areas: { area: string }[] }).areas
      assert.ok(areas.length > 1 && areas.every((area) => area.area.startsWith('derived:')))
    })

    test('a bad "Group areas by" comes back named on the form, the other values kept, and no run is made', async () => {
      await analyst.get('/analysis/methods/counts')
      const before = await runCount()
      const response = await analyst.postForm('/analysis/methods/counts', {
        areaLevel: 'county',
        h3Resolution: '7',
      })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#areaLevel"/)
      assert.match(response.body, /Choose a level to group areas by/)
      assert.match(response.body, /value="7"/)
      assert.equal(await runCount(), before)
    })

    test('an officer may read results but not run or cancel analyses', async () => {
      assert.equal((await officer.get('/analysis')).statusCode, 200)
      assert.equal((await officer.get('/analysis/methods/gi-star')).statusCode, 403)
      const before = await runCount()
      await officer.get('/analysis')
      assert.equal((await officer.postForm('/analysis/methods/gi-star', {})).statusCode, 403)
      assert.equal(await runCount(), before)
    })

    test('a run that read kinds of incident the viewer may not see is not shown to them', async () => {
      const inserted = await database.db
        .insertInto('analysis_run')
        .values({
          method: 'gi-star',
          parameters: JSON.stringify({}),
          filter: JSON.stringify({ visibleKinds: ['ae-assault', 'crime'] }),
          input: 'database',
          input_detail: JSON.stringify({}),
          data_version: 'test',
          status: 'completed',
          result: JSON.stringify({ cells: [] }),
          error: null,
          stage: null,
          started_by: null,
          created_at: new Date(),
          started_at: null,
          finished_at: null,
          duration_ms: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      assert.doesNotMatch(
        (await officer.get('/analysis')).body,
        new RegExp(`href="/analysis/runs/${inserted.id}"`),
      )
      assert.match(
        (await analyst.get('/analysis')).body,
        /href="\/analysis\/runs\/\d+"/,
        'the analyst still sees runs',
      )
      for (const path of ['', '/status', '/result.json', '/result.csv', '/map.geojson']) {
        assert.equal((await officer.get(`/analysis/runs/${inserted.id}${path}`)).statusCode, 404, path)
      }
      assert.equal((await officer.get('/analysis/runs/x')).statusCode, 404)
    })
  })
}
