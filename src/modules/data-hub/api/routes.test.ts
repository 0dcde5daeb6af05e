import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { backends } from '../../../../test/backends.ts'
import type { TestClient } from '../../../../test/http-client.ts'
import { apiDocument } from '../../platform/api/routes.ts'
import { dataScene, type DataScene } from '../pages/test-support.ts'

const JSON_ACCEPT = { accept: 'application/json' }

async function getJson<T = Record<string, unknown>>(
  client: TestClient,
  url: string,
): Promise<{ status: number; body: T }> {
  const response = await client.get(url, JSON_ACCEPT)
  return { status: response.statusCode, body: response.json() as T }
}

interface Incident {
  id: number
  month: string
  category: { code: string }
  h3: { res7: string | null; res8: string | null; res9: string | null }
}

for (const backend of backends()) {
  describe(`the data API on ${backend.name}`, () => {
    let scene: DataScene
    let total: number

    before(async () => {
      scene = await dataScene(backend)
      total = scene.expected.total + scene.runs.broken.rowsInserted
    })
    after(async () => scene?.close())

    test('incident counts by H3 cell add up to every matching incident, most first', async () => {
      for (const resolution of [7, 8, 9]) {
        const { status, body } = await getJson<{
          resolution: number
          total: number
          withoutLocation: number
          cells: { cell: string; count: number }[]
        }>(scene.client.officer, `/api/v1/incidents/h3?resolution=${resolution}`)
        assert.equal(status, 200)
        assert.equal(body.resolution, resolution)
        assert.equal(body.total, total)
        assert.equal(body.cells.reduce((sum, c) => sum + c.count, 0) + body.withoutLocation, total)
        assert.ok(body.cells.length > 0)
        assert.ok(body.cells.every((c, i) => i === 0 || body.cells[i - 1]!.count >= c.count))
        assert.ok(body.cells.every((c) => /^[0-9a-f]{15}$/.test(c.cell)))
      }
    })

    test('the H3 counts take the same filters as the incidents and default to resolution 8', async () => {
      const { body } = await getJson<{ resolution: number; total: number }>(
        scene.client.officer,
        '/api/v1/incidents/h3?from=2023-05&to=2023-05',
      )
      assert.equal(body.resolution, 8)
      assert.equal(body.total, scene.expected.byMonth['2023-05'])
    })

    test('following the next links of the incidents walks every matching incident once', async () => {
      let url: string | null = '/api/v1/incidents?limit=400&sort=month-asc'
      const seen: Incident[] = []
      while (url) {
        const page: { status: number; body: { incidents: Incident[]; next: string | null } } = await getJson(
          scene.client.officer,
          url,
        )
        assert.equal(page.status, 200, url)
        seen.push(...page.body.incidents)
        url = page.body.next
      }
      assert.equal(seen.length, total)
      assert.equal(new Set(seen.map((i) => i.id)).size, total)
      const months = seen.map((i) => i.month)
      assert.deepEqual(months, [...months].sort())
    })

    test('bad query parameters are a 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['/api/v1/incidents/h3?resolution=6', 'resolution'],
        ['/api/v1/incidents/h3?from=2023-1', 'from'],
        ['/api/v1/incidents?kind=murder', 'kind'],
        ['/api/v1/incidents?limit=0', 'limit'],
        ['/api/v1/incidents?after=yesterday', 'after'],
        ['/api/v1/incidents?sort=random', 'sort'],
        ['/api/v1/import-runs?status=done', 'status'],
      ]
      for (const [url, field] of cases) {
        const { status, body } = await getJson<{ error: { code: string; fields: Record<string, string> } }>(
          scene.client.officer,
          url,
        )
        assert.equal(status, 400, url)
        assert.equal(body.error.code, 'invalid', url)
        assert.ok(field in body.error.fields, `${url} names ${field}: ${JSON.stringify(body.error)}`)
      }
    })

    test('generated query strings get an answer or a 400, never a server error', async () => {
      const names = [
        'kind',
        'category',
        'from',
        'to',
        'area',
        'source',
        'sort',
        'limit',
        'after',
        'resolution',
      ]
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 10 })), { maxLength: 4 }),
          fc.constantFrom('/api/v1/incidents', '/api/v1/incidents/h3'),
          async (pairs, path) => {
            const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
            const response = await scene.client.officer.get(`${path}?${query}`, JSON_ACCEPT)
            assert.ok(
              [200, 400].includes(response.statusCode),
              `${path}?${query}: ${response.statusCode} ${response.body}`,
            )
          },
        ),
        { numRuns: 40 },
      )
    })

    test('sources, runs and one run come back as JSON', async () => {
      const sources = await getJson<{
        sources: { kind: string; incidentCount: number; latestRun: { id: number } }[]
      }>(scene.client.officer, '/api/v1/sources')
      const policeUk = sources.body.sources.find((s) => s.kind === 'police-uk-street')!
      assert.equal(policeUk.incidentCount, total)
      assert.equal(policeUk.latestRun.id, scene.runs.broken.runId)
      const runs = await getJson<{ runs: { id: number }[]; next: string | null }>(
        scene.client.officer,
        '/api/v1/import-runs?limit=2',
      )
      assert.equal(runs.body.runs.length, 2)
      assert.ok(runs.body.next)
      const rest = await getJson<{ runs: { id: number }[]; next: string | null }>(
        scene.client.officer,
        runs.body.next,
      )
      assert.equal(rest.body.runs.length, 1)
      const one = await getJson<{
        fileName: string
        rows: { rejected: number }
        importedBy: { name: string }
      }>(scene.client.officer, `/api/v1/import-runs/${scene.runs.broken.runId}`)
      assert.equal(one.body.fileName, 'broken street file.csv')
      assert.equal(one.body.rows.rejected, 3)
      assert.equal(one.body.importedBy.name, 'Ada Analyst')
      assert.equal((await getJson(scene.client.officer, '/api/v1/import-runs/424242')).status, 404)
    })

    test("a run's rejections need data:import", async () => {
      const url = `/api/v1/import-runs/${scene.runs.broken.runId}/rejections`
      assert.equal((await getJson(scene.client.officer, url)).status, 403)
      const { status, body } = await getJson<{
        total: number
        rejections: { rowNumber: number; column: string }[]
      }>(scene.client.analyst, url)
      assert.equal(status, 200)
      assert.equal(body.total, 3)
      assert.deepEqual(
        body.rejections.map((r) => r.rowNumber),
        [3, 4, 5],
      )
    })

    test('a partner practitioner is refused the data API', async () => {
      for (const url of [
        '/api/v1/sources',
        '/api/v1/incidents',
        '/api/v1/incidents/h3',
        '/api/v1/import-runs',
      ]) {
        assert.equal((await getJson(scene.client.partner, url)).status, 403, url)
      }
    })

    test('the OpenAPI document describes the data API with its query parameters', () => {
      const document = apiDocument(scene.app) as {
        paths: Record<string, { get?: { parameters?: { name: string }[] } }>
      }
      for (const path of [
        '/api/v1/sources',
        '/api/v1/areas',
        '/api/v1/import-runs',
        '/api/v1/import-runs/{id}',
        '/api/v1/import-runs/{id}/rejections',
        '/api/v1/incidents',
        '/api/v1/incidents/h3',
      ]) {
        assert.ok(document.paths[path]?.get, path)
      }
      const h3 = document.paths['/api/v1/incidents/h3']!.get!.parameters!.map((p) => p.name)
      assert.deepEqual(h3.sort(), ['area', 'category', 'from', 'kind', 'resolution', 'source', 'to'])
    })
  })
}
