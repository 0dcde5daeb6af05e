import { randomBytes } from 'node:crypto'
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

function postgresBackend(adminUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const name = `upstream_test_${randomBytes(6).toString('hex')}`
      const admin = await openPostgres(adminUrl, 1)
      await sql.raw(`create database ${name}`).execute(admin.db)
      await admin.close()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      const handle = await openPostgres(url.toString(), 5)
      await migrateToLatest(handle.db)
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
