import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { fromPglite, openPostgres } from './connect.ts'
import { migrateToLatest } from './migrate.ts'
import { migrations } from './migrations/index.ts'

const allMigrations = Object.keys(migrations)

test('on PGlite, migrating twice applies every migration once and then nothing', async () => {
  const database = fromPglite(await PGlite.create(), 'memory')
  try {
    const first = await migrateToLatest(database.db)
    assert.deepEqual(first.map((r) => r.migrationName), allMigrations)
    assert.deepEqual(await migrateToLatest(database.db), [])
  } finally {
    await database.close()
  }
})

const adminUrl = process.env.TEST_DATABASE_URL
test('on PostgreSQL, two migrators at once on separate connections apply each migration exactly once', { skip: !adminUrl && 'TEST_DATABASE_URL is not set' }, async () => {
  const name = `upstream_migrate_${randomBytes(5).toString('hex')}`
  const admin = await openPostgres(adminUrl!, 1)
  await sql.raw(`create database ${name}`).execute(admin.db)
  const url = new URL(adminUrl!)
  url.pathname = `/${name}`
  // Two handles, as two processes would have: each its own pool and session.
  const [one, two] = await Promise.all([openPostgres(url.toString(), 2), openPostgres(url.toString(), 2)])
  try {
    const [a, b] = await Promise.all([migrateToLatest(one.db), migrateToLatest(two.db)])
    const applied = [...a, ...b].map((r) => r.migrationName).sort()
    assert.deepEqual(applied, [...allMigrations].sort())
    assert.ok(a.length === 0 || b.length === 0, 'one migrator did all the work while the other waited')
    assert.deepEqual(await migrateToLatest(one.db), [])
  } finally {
    await one.close()
    await two.close()
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db)
    await admin.close()
  }
})
