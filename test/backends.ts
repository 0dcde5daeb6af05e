import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { fromPglite, openPostgres, type DatabaseHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'

/**
 * The databases every database test runs on: PGlite always, PostgreSQL too when
 * TEST_DATABASE_URL is set. Each call to create() gives a fresh, migrated, empty database.
 */
export interface Backend {
  name: 'pglite' | 'postgres'
  create(): Promise<TestDatabase>
}

export interface TestDatabase extends DatabaseHandle {
  /** The connection string of this database (PostgreSQL only), for child processes. */
  url?: string
}

let template: Promise<PGlite> | undefined

async function migratedTemplate(): Promise<PGlite> {
  const pglite = await PGlite.create()
  const handle = fromPglite(pglite, 'memory')
  await migrateToLatest(handle.db)
  // Keep the PGlite instance; only the Kysely wrapper goes.
  await handle.db.destroy()
  return pglite
}

const pgliteBackend: Backend = {
  name: 'pglite',
  async create() {
    template ??= migratedTemplate()
    const clone = await (await template).clone()
    return fromPglite(clone as PGlite, 'memory')
  },
}

const SOURCE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')

/** A digest of the source a migration may read (every non-test file under src/), naming the template it built. */
function sourceDigest(): string {
  const hash = createHash('sha256')
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.(ts|json|sql)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        hash.update(path.relative(SOURCE_ROOT, full)).update(fs.readFileSync(full))
      }
    }
  }
  walk(SOURCE_ROOT)
  return hash.digest('hex').slice(0, 16)
}

const TEMPLATE_PREFIX = 'upstream_test_template_'
let postgresTemplate: Promise<string> | undefined

/**
 * A migrated, empty database that every test database is copied from (`create database … template`),
 * so the migrations run once per version of the source rather than once per test database. Test
 * processes run side by side, so the first builds it under an advisory lock and the others wait;
 * it is built under a temporary name and renamed, so a half-built one is never copied. Templates
 * of older sources are dropped.
 */
async function migratedPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${sourceDigest()}`
  const admin = await openPostgres(adminUrl, 1)
  try {
    return await admin.db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(hashtext('upstream test template'))`.execute(connection)
      try {
        const existing = await sql<{ datname: string }>`
          select datname from pg_database where datname like ${`${TEMPLATE_PREFIX}%`}`.execute(connection)
        if (existing.rows.some((row) => row.datname === name)) return name
        for (const row of existing.rows) {
          await sql.raw(`drop database if exists ${row.datname} with (force)`).execute(connection)
        }
        const building = `${name}_building`
        await sql.raw(`create database ${building}`).execute(connection)
        const url = new URL(adminUrl)
        url.pathname = `/${building}`
        const handle = await openPostgres(url.toString(), 1)
        try {
          await migrateToLatest(handle.db)
        } finally {
          await handle.close()
        }
        await sql.raw(`alter database ${building} rename to ${name}`).execute(connection)
        return name
      } finally {
        await sql`select pg_advisory_unlock(hashtext('upstream test template'))`.execute(connection)
      }
    })
  } finally {
    await admin.close()
  }
}

function postgresBackend(adminUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      postgresTemplate ??= migratedPostgresTemplate(adminUrl)
      const template = await postgresTemplate
      const name = `upstream_test_${randomBytes(6).toString('hex')}`
      const admin = await openPostgres(adminUrl, 1)
      await sql.raw(`create database ${name} template ${template}`).execute(admin.db)
      await admin.close()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      const handle = await openPostgres(url.toString(), 5)
      return {
        ...handle,
        url: url.toString(),
        async close() {
          await handle.close()
          const cleanup = await openPostgres(adminUrl, 1)
          await sql.raw(`drop database if exists ${name} with (force)`).execute(cleanup.db)
          await cleanup.close()
        },
      }
    },
  }
}

export function backends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL
  return url ? [pgliteBackend, postgresBackend(url)] : [pgliteBackend]
}
