import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { createOrganisation, createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { importPoliceUkStreetFile, INCIDENT_KINDS } from '../../data-hub/index.ts'
import { defineMethod } from '../method.ts'
import { ANALYSIS_METHODS } from '../methods.ts'
import { startAnalysisRun } from '../runs/analysis-run.ts'
import { registerAnalysisApiRoutes } from './routes.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../../samples/police-uk/2023-04-city-of-london-street.csv',
)
const PREFIX = '/api/v1/test-analysis'
const JSON_HEADERS = { accept: 'application/json' }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Tiny methods for the API's own behaviour, offered under a test prefix beside the real registry. */
const countPoints = defineMethod<{ minimum: number }, { points: number; byCategory: Record<string, number> }>(
  {
    name: 'count-points',
    title: 'Count points',
    description: 'Counts the points per category.',
    options: [
      {
        key: 'minimum',
        flag: 'minimum',
        description: 'Smallest count listed',
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: 1,
      },
    ],
    run: (points, options) => {
      const byCategory: Record<string, number> = {}
      for (const category of points.category) byCategory[category] = (byCategory[category] ?? 0) + 1
      for (const [category, count] of Object.entries(byCategory))
        if (count < options.minimum) delete byCategory[category]
      return { points: points.size, byCategory }
    },
    summarise: () => '',
  },
)
const slow = defineMethod<Record<string, never>, null>({
  name: 'slow',
  title: 'Slow',
  description: 'Takes its time.',
  options: [],
  run: async (_points, _options, { progress }) => {
    for (let step = 0; step < 500; step++) {
      progress?.(step / 500, 'waiting')
      await sleep(10)
    }
    return null
  },
  summarise: () => '',
})

interface RunJson {
  id: number
  status: string
  reused?: boolean
  result: { points: number; byCategory: Record<string, number> } | null
  filter: { visibleKinds: string[]; category?: string }
  error?: { code: string; fields?: Record<string, string> }
}

async function burglaryWithLocation(): Promise<number> {
  const rows = parse(await readFile(APRIL), { columns: true, bom: true }) as Record<string, string>[]
  return rows.filter((row) => row['Crime type'] === 'Burglary' && row.Longitude !== '').length
}

for (const backend of backends()) {
  describe(`the analysis API on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient
    let officer: TestClient
    let partner: TestClient

    before(async () => {
      database = await backend.create()
      let clock: ManualClock
      ;({ app, clock } = await testApp(database, {
        extraRoutes: (extra) =>
          registerAnalysisApiRoutes(extra, { methods: [countPoints, slow], prefix: PREFIX }),
      }))
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
      const police = await createOrganisation(database.db, { name: 'Test Police' })
      const charity = await createOrganisation(database.db, { name: 'Test Charity', kind: 'charity' })
      const user = async (role: 'analyst' | 'officer' | 'partner_practitioner', organisationId: string) =>
        clientSignedInAs(
          app,
          database.db,
          clock,
          (await createUser(database.db, { role, organisationId })).id,
        )
      analyst = await user('analyst', police.id)
      officer = await user('officer', police.id)
      partner = await user('partner_practitioner', charity.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    const post = (client: TestClient, url: string, body: unknown) =>
      client.request({
        method: 'POST',
        url,
        payload: body as object,
        headers: { ...JSON_HEADERS, 'content-type': 'application/json', 'x-csrf-token': client.csrfToken },
      })

    async function finished(client: TestClient, id: number): Promise<RunJson> {
      for (;;) {
        const run = (await client.get(`${PREFIX}/runs/${id}`, JSON_HEADERS)).json<RunJson>()
        if (run.status !== 'queued' && run.status !== 'running') return run
        await sleep(20)
      }
    }

    test('the methods are listed with their options and the JSON schema of them', async () => {
      const response = await officer.get('/api/v1/analysis/methods', JSON_HEADERS)
      assert.equal(response.statusCode, 200)
      const { methods } = response.json<{
        methods: { name: string; options: { key: string }[]; optionsSchema: { properties: object } }[]
      }>()
      assert.deepEqual(
        methods.map((m) => m.name),
        ANALYSIS_METHODS.map((m) => m.name),
      )
      for (const method of methods) {
        assert.deepEqual(
          Object.keys(method.optionsSchema.properties),
          method.options.map((o) => o.key),
        )
      }
    })

    test('a run is created (201), computed over the incidents the user may see, and read back with its result', async () => {
      const response = await post(analyst, `${PREFIX}/runs`, {
        method: 'count-points',
        options: { minimum: 1 },
        filter: { category: 'burglary' },
      })
      assert.equal(response.statusCode, 201, response.body)
      const created = response.json<RunJson>()
      assert.equal(created.reused, false)
      const run = await finished(analyst, created.id)
      assert.equal(run.status, 'completed')
      assert.deepEqual(run.result, {
        points: await burglaryWithLocation(),
        byCategory: { burglary: await burglaryWithLocation() },
      })
      // A police analyst without a sharing agreement sees police data, not the NHS trust's A&E data.
      assert.ok(run.filter.visibleKinds.includes('crime'))
      assert.ok(!run.filter.visibleKinds.includes('ae-assault'))
    })

    test('the same request again answers 200 with the earlier run, marked reused', async () => {
      const body = { method: 'count-points', options: { minimum: 2 }, filter: { category: 'robbery' } }
      const first = (await post(analyst, `${PREFIX}/runs`, body)).json<RunJson>()
      await finished(analyst, first.id)
      const again = await post(analyst, `${PREFIX}/runs`, body)
      assert.equal(again.statusCode, 200)
      assert.equal(again.json<RunJson>().id, first.id)
      assert.equal(again.json<RunJson>().reused, true)
    })

    test('bad options and filters are 400 naming each field, never a 500', async () => {
      const response = await post(analyst, `${PREFIX}/runs`, {
        method: 'count-points',
        options: { minimum: 'many', extra: 1 },
        filter: { from: '2023-13' },
      })
      assert.equal(response.statusCode, 400)
      const fields = response.json<RunJson>().error!.fields!
      assert.equal(fields.minimum, "minimum must be a whole number from 1 to 100, not 'many'")
      assert.match(fields.extra!, /^extra is not an option of count-points/)
      assert.match(fields['filter.from']!, /From month/)
      const unknown = await post(analyst, `${PREFIX}/runs`, { method: 'nothing' })
      assert.equal(unknown.statusCode, 400)
      assert.match(
        unknown.json<RunJson>().error!.fields!.method!,
        /^method must be one of count-points, slow/,
      )
      assert.equal((await post(analyst, `${PREFIX}/runs`, { options: {} })).statusCode, 400)
      assert.equal(
        (await post(analyst, `${PREFIX}/runs`, { method: 'count-points', options: [1] })).statusCode,
        400,
      )
    })

    test('areaLevel groups a run by that level, and runs of different levels are not reused for each other', async () => {
      const body = { method: 'counts', options: { unit: 'lsoa' }, filter: { category: 'burglary' } }
      const byLsoa = (await post(analyst, '/api/v1/analysis/runs', body)).json<RunJson>()
      const lsoaRun = await finished(analyst, byLsoa.id)
      assert.equal('areaLevel' in lsoaRun.filter, false, 'an LSOA run keeps the filter it always had')

      const response = await post(analyst, '/api/v1/analysis/runs', { ...body, areaLevel: 'local-authority' })
      assert.equal(response.statusCode, 201, response.body)
      const byAuthority = await finished(analyst, response.json<RunJson>().id)
      assert.equal(byAuthority.status, 'completed')
      assert.equal((byAuthority.filter as { areaLevel?: string }).areaLevel, 'local-authority')
      const areas = (byAuthority.result as unknown as { areas: { area: string; count: number }[] }).areas
      assert.ok(areas.length > 0 && areas.every((area) => area.area.startsWith('derived:')), 'authorities')
      const lsoaAreas = (lsoaRun.result as unknown as { areas: { count: number }[] }).areas
      assert.equal(
        areas.reduce((sum, area) => sum + area.count, 0),
        lsoaAreas.reduce((sum, area) => sum + area.count, 0),
        'every LSOA of the sample lies in a local authority',
      )

      const again = await post(analyst, '/api/v1/analysis/runs', { ...body, areaLevel: 'local-authority' })
      assert.equal(again.statusCode, 200)
      assert.equal(again.json<RunJson>().id, byAuthority.id)
      const explicitLsoa = await post(analyst, '/api/v1/analysis/runs', { ...body, areaLevel: 'lsoa' })
      assert.equal(explicitLsoa.json<RunJson>().id, byLsoa.id, 'areaLevel lsoa is the default')
      const byForce = await post(analyst, '/api/v1/analysis/runs', { ...body, areaLevel: 'force' })
      assert.equal(byForce.statusCode, 201)
      assert.notEqual(byForce.json<RunJson>().id, byAuthority.id)
      await finished(analyst, byForce.json<RunJson>().id)
    })

    test('a bad areaLevel is 400 naming areaLevel', async () => {
      const response = await post(analyst, `${PREFIX}/runs`, { method: 'count-points', areaLevel: 'county' })
      assert.equal(response.statusCode, 400)
      assert.equal(
        response.json<RunJson>().error!.fields!.areaLevel,
        "areaLevel must be one of force, local-policing-area, local-authority, ward, neighbourhood, lsoa, not 'county'",
      )
      assert.equal(
        (await post(analyst, `${PREFIX}/runs`, { method: 'count-points', areaLevel: 3 })).statusCode,
        400,
      )
    })

    test('a running run can be cancelled, and cancelling it again is a conflict', async () => {
      const created = (await post(analyst, `${PREFIX}/runs`, { method: 'slow' })).json<RunJson>()
      const cancelled = await post(analyst, `${PREFIX}/runs/${created.id}/cancel`, {})
      assert.equal(cancelled.statusCode, 200, cancelled.body)
      assert.equal(cancelled.json<RunJson>().status, 'cancelled')
      assert.equal((await finished(analyst, created.id)).status, 'cancelled')
      assert.equal((await post(analyst, `${PREFIX}/runs/${created.id}/cancel`, {})).statusCode, 409)
    })

    test('an officer may read runs but not start or cancel them; a partner may do neither', async () => {
      const created = (
        await post(analyst, `${PREFIX}/runs`, { method: 'count-points', options: { minimum: 3 } })
      ).json<RunJson>()
      await finished(analyst, created.id)
      assert.equal((await officer.get(`${PREFIX}/runs/${created.id}`, JSON_HEADERS)).statusCode, 200)
      assert.equal((await post(officer, `${PREFIX}/runs`, { method: 'count-points' })).statusCode, 403)
      assert.equal((await post(officer, `${PREFIX}/runs/${created.id}/cancel`, {})).statusCode, 403)
      assert.equal((await partner.get(`${PREFIX}/runs/${created.id}`, JSON_HEADERS)).statusCode, 403)
    })

    test('a run that read kinds the user may not see is not found for them', async () => {
      // As the command line runs it: every kind, A&E assaults included.
      const { run, finished: done } = await startAnalysisRun(database.db, {
        method: countPoints,
        options: { minimum: 4 },
        input: { kind: 'database', filter: { visibleKinds: INCIDENT_KINDS } },
        user: null,
        clock: new ManualClock(),
      })
      await done
      const response = await officer.get(`${PREFIX}/runs/${run.id}`, JSON_HEADERS)
      assert.equal(response.statusCode, 404)
      assert.equal((await officer.get(`${PREFIX}/runs/not-a-number`, JSON_HEADERS)).statusCode, 404)
    })
  })
}
