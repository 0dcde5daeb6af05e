import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { arrayLiteral } from './incident-writer.ts'

for (const backend of backends()) {
  describe(`array literals of the incident writer on ${backend.name}`, () => {
    let database: TestDatabase
    before(async () => {
      database = await backend.create()
    })
    after(async () => {
      await database.close()
    })

    test('any text or null comes back from the database exactly as sent', async () => {
      const value = fc.option(
        fc.oneof(
          fc.string({ unit: fc.constantFrom('a', '"', '\\', ',', '{', '}', ' ', "'", '\n', 'é') }),
          fc.constantFrom('NULL', 'null', '', ' padded '),
        ),
        { nil: null },
      )
      await fc.assert(
        fc.asyncProperty(fc.array(value, { maxLength: 20 }), async (values) => {
          const { rows } = await sql<{ value: string | null }>`
            select unnest(${arrayLiteral(values)}::text[]) as value`.execute(database.db)
          assert.deepEqual(
            rows.map((row) => row.value),
            values,
          )
        }),
        { numRuns: 100 },
      )
    })

    test('numbers and dates keep their values', async () => {
      const { rows } = await sql<{ number: number | null; at: Date }>`
        select unnest(${arrayLiteral([-0.11035, 51.51809, null])}::float8[]) as number,
               unnest(${arrayLiteral([new Date('2024-03-01T10:00:00Z'), null, null])}::timestamptz[]) as at`.execute(
        database.db,
      )
      assert.deepEqual(
        rows.map((row) => row.number),
        [-0.11035, 51.51809, null],
      )
      assert.equal(rows[0]!.at.toISOString(), '2024-03-01T10:00:00.000Z')
    })
  })
}
