import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../test/backends.ts'
import { testApp } from '../../test/app.ts'

for (const backend of backends()) {
  describe(`/health on ${backend.name}`, () => {
    test('answers 200 with the database ok while the database answers', async () => {
      const database = await backend.create()
      const { app } = await testApp(database)
      try {
        const response = await app.inject({ url: '/health' })
        assert.equal(response.statusCode, 200)
        assert.equal(response.json().status, 'ok')
        assert.deepEqual({ ...response.json().database, milliseconds: 0 }, { driver: backend.name, ok: true, milliseconds: 0 })
      } finally {
        await app.close()
        await database.close()
      }
    })

    test('answers 503, not 500, once the database is closed', async () => {
      const database = await backend.create()
      const { app } = await testApp(database)
      await database.close()
      try {
        const response = await app.inject({ url: '/health' })
        assert.equal(response.statusCode, 503)
        assert.equal(response.headers['retry-after'], '10')
        assert.deepEqual(response.json(), { status: 'unavailable', database: { driver: backend.name, ok: false } })
      } finally {
        await app.close()
      }
    })
  })
}
