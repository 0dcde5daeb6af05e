import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import { DEMO_STREET_FILES, importPoliceUkStreetFile } from '../../data-hub/index.ts'

for (const backend of backends()) {
  describe(`the table for publication on a run's page, on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let analyst: TestClient
    let officer: TestClient
    let located: number

    async function completedRun(method: string, form: Record<string, string>): Promise<string> {
      await analyst.get(`/analysis/methods/${method}`)
      const response = await analyst.postForm(`/analysis/methods/${method}`, form)
      assert.equal(response.statusCode, 303)
      const location = response.headers.location as string
      for (let i = 0; i < 300; i++) {
        const { status, error } = JSON.parse(
          (await analyst.get(`${location}/status`, { accept: 'application/json' })).body,
        ) as { status: string; error: string | null }
        if (status === 'completed') return location
        assert.ok(['queued', 'running'].includes(status), `${status}: ${error}`)
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

    test('a counts run by H3 cell at resolution 8 links its table for publication, whose every count is 0 or at least 5', async () => {
      const location = await completedRun('counts', { h3Resolution: '8' })
      const page = await analyst.get(location)
      assert.match(page.body, /id="publication-csv"[^>]*>Download for publication \(CSV\)<\/a>/)

      const response = await officer.get(`${location}/publication.csv`)
      assert.equal(response.statusCode, 200)
      assert.match(String(response.headers['content-type']), /^text\/csv/)
      const id = location.split('/').pop()
      assert.match(
        String(response.headers['content-disposition']),
        new RegExp(`counts-run-${id}-publishable-k5\\.csv`),
      )
      const lines = response.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n')
      const blank = lines.indexOf('')
      assert.ok(lines.slice(0, blank).every((line) => line.startsWith('# ')))
      assert.match(
        lines.slice(0, blank).join('\n'),
        /threshold 5: a count from 1 to 4 is shown as 'fewer than 5'/,
      )
      assert.equal(lines[blank + 1], 'cell,count,harm')
      const rows = lines.slice(blank + 2).map((line) => line.split(','))
      assert.deepEqual(rows[rows.length - 1]!.slice(0, 2), ['total', String(located)])
      const counts = rows.slice(0, -1).map((row) => row[1]!)
      assert.ok(counts.includes('fewer than 5'), 'the demo data has cells with a few incidents')
      for (const count of counts)
        assert.ok(/^(fewer than 5|hidden)$/.test(count) || Number(count) === 0 || Number(count) >= 5, count)

      const strict = await analyst.get(`${location}/publication.csv?threshold=10`)
      assert.equal(strict.statusCode, 200)
      assert.match(strict.body, /'fewer than 10'/)
    })

    test('a bad threshold is refused naming it, and a run too fine to publish says why on its page and its link', async () => {
      const fine = await completedRun('counts', { h3Resolution: '9' })
      assert.match(
        (await analyst.get(fine)).body,
        /No table for publication: Counts by H3 cell at resolution 9 are too fine/,
      )
      const refused = await analyst.get(`${fine}/publication.csv`, { accept: 'application/json' })
      assert.equal(refused.statusCode, 422)
      assert.match(
        (JSON.parse(refused.body) as { error: { fields: Record<string, string> } }).error.fields
          .h3Resolution!,
        /resolution of 8 or less/,
      )

      const coarse = await completedRun('counts', { h3Resolution: '7' })
      for (const threshold of ['2', 'x', '1.5', '100000000']) {
        const response = await analyst.get(`${coarse}/publication.csv?threshold=${threshold}`, {
          accept: 'application/json',
        })
        assert.equal(response.statusCode, 400, threshold)
        assert.ok(
          (JSON.parse(response.body) as { error: { fields: Record<string, string> } }).error.fields.threshold,
        )
      }
    })

    test('other methods have no table for publication', async () => {
      const location = await completedRun('gi-star', { h3Resolution: '8', permutations: '99', seed: '1' })
      assert.doesNotMatch((await analyst.get(location)).body, /id="publication/)
      assert.equal((await analyst.get(`${location}/publication.csv`)).statusCode, 404)
      assert.equal((await analyst.get('/analysis/runs/999999/publication.csv')).statusCode, 404)
    })
  })
}
