import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'
import { acquireDataFolderLock, type DataFolderLock } from './data-folder-lock.ts'

// int8 (counts, sequence numbers) arrives as a string over pg; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
// Dates stay as text ('2026-01-15'); timestamps become Date objects.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

export type Driver = 'pglite' | 'postgres'

const drivers = new WeakMap<Kysely<Database>, Driver>()

/**
 * Which engine a database handle runs on, for the few places that must differ: a reserved
 * connection (for a session advisory lock) works on PostgreSQL but blocks every other query
 * on PGlite, which has one session.
 */
export function driverOf(db: Kysely<Database>): Driver | undefined {
  return drivers.get(db)
}

export interface DatabaseHandle {
  db: Kysely<Database>
  driver: Driver
  /** Where the data lives, for messages: the data folder or the server's host. */
  location: string
  close(): Promise<void>
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError'
}

export interface OpenOptions {
  databaseUrl?: string
  dataDir: string
  /** What holds the PGlite lock, shown to a second process that is refused. */
  command: string
  /** Connections in the PostgreSQL pool. */
  poolSize?: number
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10)
  const lock = acquireDataFolderLock(options.dataDir, options.command)
  try {
    const pglite = await PGlite.create(path.join(options.dataDir, 'pgdata'))
    return fromPglite(pglite, path.join(options.dataDir, 'pgdata'), lock)
  } catch (error) {
    lock.release()
    throw error
  }
}

/** Wraps an open PGlite instance (a data folder, or memory in tests) in the same dialect as PostgreSQL. */
export function fromPglite(pglite: PGlite, location: string, lock?: DataFolderLock): DatabaseHandle {
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  drivers.set(db, 'pglite')
  return {
    db,
    driver: 'pglite',
    location,
    async close() {
      // After a failed query the pg adapter settles on the next turn; destroying before then never returns.
      await new Promise(setImmediate)
      await db.destroy()
      await pglite.close()
      lock?.release()
    },
  }
}

export async function openPostgres(databaseUrl: string, poolSize: number): Promise<DatabaseHandle> {
  const host = describeHost(databaseUrl)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5000 })
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    await sql`select 1`.execute(db)
  } catch (error) {
    await db.destroy().catch(() => undefined)
    const reason = (error as Error).message || (error as NodeJS.ErrnoException).code || 'no answer'
    throw new DatabaseUnreachableError(`Cannot reach the PostgreSQL server at ${host}: ${reason}`)
  }
  drivers.set(db, 'postgres')
  return { db, driver: 'postgres', location: host, close: () => db.destroy() }
}

export function describeHost(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname}:${url.port || 5432}${url.pathname}`
  } catch {
    return 'the address in DATABASE_URL (it is not a valid URL)'
  }
}
