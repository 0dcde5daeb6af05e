import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends } from '../../../../test/backends.ts'
import { readHeadSeq } from '../../platform/audit/queries.ts'
import { INCIDENT_CSV_HEADER } from './exports.ts'
import { INCIDENTS_MAX_PAGE, INCIDENTS_PAGE_SIZE } from './routes.ts'
import { dataScene, type DataScene } from './test-support.ts'

const shownTotal = (body: string) => {
  const match = /Showing [\d,]+ to [\d,]+ of ([\d,]+) incidents?\./.exec(body)
  return match ? Number(match[1]!.replaceAll(',', '')) : body.includes('No incidents match.') ? 0 : undefined
}

const csvRecords = (body: Buffer | string) =>
  parse(body, { bom: true, columns: true }) as Record<string, string>[]

for (const backend of backends()) {
  describe(`the data pages on ${backend.name}`, () => {
    let scene: DataScene
    const auditAfter = (seq: number) =>
      scene.database.db.selectFrom('audit_event').selectAll().where('seq', '>', seq).orderBy('seq').execute()

    before(async () => {
      scene = await dataScene(backend)
    })
    after(async () => scene?.close())

    test('the overview and the sources page show each source with its incident count and latest import', async () => {
      const inPoliceUk = scene.expected.total + scene.runs.broken.rowsInserted
      for (const url of ['/data', '/data/sources']) {
        const response = await scene.client.officer.get(url)
        assert.equal(response.statusCode, 200, url)
        assert.match(response.body, /data\.police\.uk street-level crime/)
        assert.ok(
          response.body.includes(`>${inPoliceUk.toLocaleString('en-GB')}<span`),
          `${url} shows ${inPoliceUk} incidents`,
        )
        assert.ok(
          response.body.includes(`href="/data/runs/${scene.runs.broken.runId}">broken street file.csv</a>`),
          url,
        )
        assert.ok(response.body.includes('href="/data/runs?source=police-uk-street"'), url)
      }
    })

    test('the service navigation has a Data link for roles that may read data, and none for others', async () => {
      const officer = await scene.client.officer.get('/home')
      assert.match(officer.body, /href="\/data"[^>]*>\s*(<[^>]+>\s*)*Data/)
      const partner = await scene.client.partner.get('/home')
      assert.doesNotMatch(partner.body, /href="\/data"/)
    })

    test('the import runs are listed newest first and filter by status', async () => {
      const all = await scene.client.officer.get('/data/runs')
      assert.equal(all.statusCode, 200)
      const ids = [...all.body.matchAll(/href="\/data\/runs\/(\d+)">/g)].map((m) => Number(m[1]))
      const runIds = [...scene.runs.demo, scene.runs.broken].map((run) => run.runId!)
      assert.deepEqual(
        ids,
        [...runIds].sort((a, b) => b - a),
      )
      assert.match(
        all.body,
        /<a class="moj-sub-navigation__link" aria-current="page" href="\/data\/runs">Import runs<\/a>/,
      )
      const failed = await scene.client.officer.get('/data/runs?status=failed')
      assert.equal(failed.statusCode, 200)
      assert.match(failed.body, /No import runs match\./)
      const bad = await scene.client.officer.get('/data/runs?status=finished')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /Status must be one of running, completed/)
      assert.match(bad.body, /href="#status"/)
    })

    test("a run's page shows who imported which file and its counts; its rejections need data:import", async () => {
      const run = scene.runs.broken
      const analyst = await scene.client.analyst.get(`/data/runs/${run.runId}`)
      assert.equal(analyst.statusCode, 200)
      for (const text of [
        'broken street file.csv',
        'Ada Analyst',
        'SHA-256 checksum',
        'Rows rejected',
        'Download the full rejection report as CSV',
      ]) {
        assert.ok(analyst.body.includes(text), text)
      }
      assert.equal([...analyst.body.matchAll(/<td class="govuk-table__cell"><code>/g)].length, 3)
      assert.ok(analyst.body.includes('2023-13'))
      const officer = await scene.client.officer.get(`/data/runs/${run.runId}`)
      assert.equal(officer.statusCode, 200)
      assert.ok(!officer.body.includes('2023-13'), 'no rejected values without data:import')
      assert.ok(officer.body.includes('only people who may import data can read them'))
    })

    test('an unknown or malformed run id is a 404 page', async () => {
      for (const id of ['999999', 'abc', '1e3']) {
        const response = await scene.client.analyst.get(`/data/runs/${id}`)
        assert.equal(response.statusCode, 404, id)
        assert.match(response.body, /Import run not found/)
      }
    })

    test('the rejection report downloads as a formula-safe CSV with every rejected row, and the download is audited', async () => {
      const run = scene.runs.broken
      const head = await readHeadSeq(scene.database.db)
      const response = await scene.client.analyst.get(`/data/runs/${run.runId}/rejections.csv`)
      assert.equal(response.statusCode, 200)
      assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8')
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
      assert.equal(
        response.headers['content-disposition'],
        `attachment; filename="import-run-${run.runId}-rejections.csv"; filename*=UTF-8''import-run-${run.runId}-rejections.csv`,
      )
      assert.deepEqual([...response.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      const records = csvRecords(response.rawPayload)
      assert.equal(records.length, run.rowsRejected)
      assert.deepEqual(
        records.map((r) => r.row_number),
        ['3', '4', '5'],
      )
      assert.ok(
        records.some((r) => r.value_excerpt === `'=HYPERLINK("x")`),
        'the formula is neutralised',
      )
      const audit = await auditAfter(head)
      const entry = audit.find((e) => e.event === 'EXPORT_IMPORT_REJECTIONS')
      assert.ok(entry)
      assert.equal(entry.action, 'disclose')
      assert.deepEqual(entry.details, { format: 'csv', rows: 3 })
    })

    test('roles without the permission are refused the exports with 403', async () => {
      const run = scene.runs.broken
      for (const url of [
        `/data/runs/${run.runId}/rejections.csv`,
        '/data/incidents.csv',
        '/data/incidents.geojson',
      ]) {
        const officer = await scene.client.officer.get(url)
        assert.equal(officer.statusCode, 403, url)
      }
      assert.equal(
        (await scene.client.supervisor.get(`/data/runs/${run.runId}/rejections.csv`)).statusCode,
        403,
      )
      assert.equal((await scene.client.supervisor.get('/data/incidents.csv')).statusCode, 200)
      for (const url of ['/data', '/data/runs', '/data/incidents']) {
        assert.equal((await scene.client.partner.get(url)).statusCode, 403, url)
      }
    })

    test('the incidents browser counts every incident of the demo files, and filters by category and month', async () => {
      const all = await scene.client.officer.get('/data/incidents?source=police-uk-street')
      assert.equal(all.statusCode, 200)
      assert.equal(shownTotal(all.body), scene.expected.total + scene.runs.broken.rowsInserted)
      const aprilBurglary = await scene.client.officer.get(
        '/data/incidents?category=burglary&from=2023-04&to=2023-04',
      )
      assert.equal(aprilBurglary.statusCode, 200)
      const expected = await scene.database.db
        .selectFrom('incident')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('category_code', '=', 'burglary')
        .where('month', '=', '2023-04-01')
        .executeTakeFirstOrThrow()
      assert.equal(shownTotal(aprilBurglary.body), Number(expected.n))
      const may = await scene.client.officer.get('/data/incidents?from=2023-05&to=2023-05')
      assert.equal(shownTotal(may.body), scene.expected.byMonth['2023-05'])
      const asb = await scene.client.officer.get('/data/incidents?kind=anti-social-behaviour')
      assert.equal(shownTotal(asb.body), scene.expected.byCrimeType['Anti-social behaviour'])
    })

    test('the filter form is a GET form whose values come back in the page and its export links', async () => {
      const response = await scene.client.supervisor.get('/data/incidents?category=drugs&from=2023-04')
      assert.match(response.body, /<form method="get" action="\/data\/incidents"/)
      assert.match(response.body, /<option value="drugs" selected>/)
      assert.match(response.body, /id="from" name="from" type="text" spellcheck="false" value="2023-04"/)
      assert.ok(response.body.includes('href="/data/incidents.csv?category=drugs&amp;from=2023-04"'))
      assert.ok(response.body.includes('href="/data/incidents.geojson?category=drugs&amp;from=2023-04"'))
      const officer = await scene.client.officer.get('/data/incidents?category=drugs')
      assert.ok(!officer.body.includes('/data/incidents.csv'), 'no export link without data:export')
    })

    test('pages of incidents are built on the server, newest month first by default, and stop at the cap', async () => {
      const ids = async (url: string) =>
        [...(await scene.client.officer.get(url)).body.matchAll(/the import run of incident (\d+)</g)].map(
          (m) => Number(m[1]),
        )
      const first = await ids('/data/incidents')
      const second = await ids('/data/incidents?page=2')
      assert.equal(first.length, INCIDENTS_PAGE_SIZE)
      assert.equal(second.length, INCIDENTS_PAGE_SIZE)
      assert.equal(new Set([...first, ...second]).size, INCIDENTS_PAGE_SIZE * 2)
      const months = async (sort: string) => {
        const body = (await scene.client.officer.get(`/data/incidents?sort=${sort}`)).body
        return [...body.matchAll(/<td class="govuk-table__cell">(\d{4}-\d{2})<\/td>/g)].map((m) => m[1])
      }
      assert.equal((await months('month-desc'))[0], '2023-05')
      assert.equal((await months('month-asc'))[0], '2023-04')
      const beyond = await scene.client.officer.get(`/data/incidents?page=${INCIDENTS_MAX_PAGE + 1}`)
      assert.equal(beyond.statusCode, 400)
      assert.match(beyond.body, /narrow the filters or export the view/)
    })

    test('a bad month is a 400 page naming the field, with the error summary linking to it', async () => {
      const response = await scene.client.officer.get('/data/incidents?from=2023-13&to=April')
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, /From month &#39;2023-13&#39; is not a month/)
      assert.match(response.body, /To month must be a month in the form YYYY-MM/)
      assert.match(response.body, /href="#from"/)
      assert.match(response.body, /<title>Error: /)
    })

    test('generated query strings get a page or a 400 naming a field, never a server error', async () => {
      const names = ['kind', 'category', 'from', 'to', 'area', 'source', 'sort', 'page']
      const value = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('2023-04', '2023-00', '-1', '0', '1', 'crime', '9'.repeat(20), '%', '%zz', '&'),
      )
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 4 }),
          fc.constantFrom('/data/incidents', '/data/incidents.csv'),
          async (pairs, path) => {
            const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
            const response = await scene.client.supervisor.get(`${path}?${query}`)
            assert.ok([200, 400].includes(response.statusCode), `${path}?${query}: ${response.statusCode}`)
            if (response.statusCode === 400)
              assert.match(
                response.body,
                /(Kind|Category|From month|To month|Area|Source|Sort|page|Give \w+ once)/,
              )
          },
        ),
        { numRuns: 40 },
      )
    })

    test('the CSV export of a filtered view has exactly its rows, formula-safe, and is audited with the filters and row count', async () => {
      const head = await readHeadSeq(scene.database.db)
      const response = await scene.client.supervisor.get(
        '/data/incidents.csv?category=violent-crime&from=2023-05&to=2023-05',
      )
      assert.equal(response.statusCode, 200)
      assert.match(
        String(response.headers['content-disposition']),
        /^attachment; filename="incidents-violent-crime-2023-05-to-2023-05\.csv"; filename\*=UTF-8''/,
      )
      const records = csvRecords(response.rawPayload)
      const page = await scene.client.supervisor.get(
        '/data/incidents?category=violent-crime&from=2023-05&to=2023-05',
      )
      assert.equal(records.length, shownTotal(page.body))
      assert.ok(records.length > 0)
      assert.deepEqual(Object.keys(records[0]!), INCIDENT_CSV_HEADER)
      assert.ok(records.every((r) => r.category_code === 'violent-crime' && r.month === '2023-05'))
      assert.ok(
        records.every((r) => r.longitude === '' || /^-\d/.test(r.longitude!)),
        'negative longitudes stay numbers, unprefixed',
      )
      const entry = (await auditAfter(head)).find((e) => e.event === 'EXPORT_INCIDENTS')
      assert.ok(entry)
      assert.equal(entry.action, 'disclose')
      assert.deepEqual(entry.details, {
        category: 'violent-crime',
        from: '2023-05',
        to: '2023-05',
        sort: 'month-desc',
        format: 'csv',
        rows: records.length,
      })
    })

    test('the GeoJSON export is a FeatureCollection with one feature per incident of the view', async () => {
      const response = await scene.client.supervisor.get('/data/incidents.geojson?from=2023-04&to=2023-04')
      assert.equal(response.statusCode, 200)
      assert.equal(response.headers['content-type'], 'application/geo+json; charset=utf-8')
      assert.match(
        String(response.headers['content-disposition']),
        /^attachment; filename="incidents-2023-04-to-2023-04\.geojson"/,
      )
      const collection = JSON.parse(response.body) as {
        type: string
        features: {
          type: string
          geometry: { type: string; coordinates: number[] } | null
          properties: Record<string, unknown>
        }[]
      }
      assert.equal(collection.type, 'FeatureCollection')
      assert.equal(
        collection.features.length,
        scene.expected.byMonth['2023-04']! + scene.runs.broken.rowsInserted,
      )
      for (const feature of collection.features) {
        assert.equal(feature.type, 'Feature')
        if (feature.geometry) {
          assert.equal(feature.geometry.type, 'Point')
          const [lon, lat] = feature.geometry.coordinates
          assert.ok(lon! >= -180 && lon! <= 180 && lat! >= -90 && lat! <= 90)
        }
        assert.equal(feature.properties.month, '2023-04')
      }
    })

    test('an export with a bad filter is a 400 naming the field and writes no file', async () => {
      const response = await scene.client.supervisor.get('/data/incidents.csv?to=2023-4')
      assert.equal(response.statusCode, 400)
      assert.equal(response.headers['content-disposition'], undefined)
      assert.match(response.body, /To month must be a month in the form YYYY-MM/)
    })

    test('the area filter matches incidents in the area or in any area below it', async () => {
      const db = scene.database.db
      const insertArea = async (level: string, code: string, parent: number | null) => {
        const result = await sql<{ id: number }>`insert into area (level, code, name, parent_id, source)
          values (${level}, ${code}, ${`Test ${code}`}, ${parent}, 'test') returning id`.execute(db)
        return Number(result.rows[0]!.id)
      }
      const force = await insertArea('force', 'test-force', null)
      const lsoa = await insertArea('lsoa', 'test-lsoa', force)
      const other = await insertArea('lsoa', 'test-other', force)
      await sql`insert into area_ancestor (area_id, ancestor_id, depth) values
        (${force}, ${force}, 0), (${lsoa}, ${lsoa}, 0), (${lsoa}, ${force}, 1), (${other}, ${other}, 0), (${other}, ${force}, 1)`.execute(
        db,
      )
      const some = await db.selectFrom('incident').select('id').orderBy('id').limit(5).execute()
      await sql`insert into incident_area (incident_id, area_id)
        select id, ${lsoa}::bigint from incident where id in (${sql.join(some.slice(0, 3).map((r) => r.id))})
        union all select id, ${other}::bigint from incident where id in (${sql.join(some.slice(3).map((r) => r.id))})`.execute(
        db,
      )
      const inLsoa = await scene.client.officer.get(`/data/incidents?area=${lsoa}`)
      assert.equal(shownTotal(inLsoa.body), 3)
      const inForce = await scene.client.officer.get(`/data/incidents?area=${force}`)
      assert.equal(shownTotal(inForce.body), 5)
      assert.match(
        inForce.body,
        new RegExp(`<option value="${force}" selected>Test test-force \\(force, test-force\\)</option>`),
      )
      const bad = await scene.client.officer.get('/data/incidents?area=Camden')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /Area must be the id of an area from the list/)
    })
  })
}
