import { sql } from 'kysely'
import { ConfigError } from '../config.ts'
import type { DatabaseHandle } from './connect.ts'

/**
 * Checklist E1: a PostgreSQL server that does not flush its write-ahead log can lose
 * committed data in a power cut or OS crash, whatever the importer does. With any of these
 * off, production refuses to start; elsewhere it warns.
 */
export const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes'] as const
export type DurabilitySetting = (typeof DURABILITY_SETTINGS)[number]

const WHY: Record<DurabilitySetting, string> = {
  fsync: 'the server does not force its writes to disk, so a power cut can corrupt the database',
  synchronous_commit:
    'a commit is acknowledged before it reaches disk, so a crash can lose committed transactions',
  full_page_writes: 'a page torn by a power cut cannot be repaired from the write-ahead log',
}

/** Raised by a production start on a server with durability turned off. */
export class DurabilityError extends ConfigError {
  override name = 'DurabilityError'
}

export interface UnsafeSetting {
  name: DurabilitySetting
  value: string
  why: string
}

/** The durability settings that are off on this connection's server (and session). */
export async function unsafeDurabilitySettings(
  database: Pick<DatabaseHandle, 'db'>,
): Promise<UnsafeSetting[]> {
  const { rows } = await sql<{ name: DurabilitySetting; setting: string }>`
    select name, setting from pg_settings where name in (${sql.join([...DURABILITY_SETTINGS])})`.execute(
    database.db,
  )
  // synchronous_commit is also off as 'off' only: 'local', 'remote_write', 'on' and 'remote_apply' all flush locally.
  return rows
    .filter((row) => row.setting === 'off')
    .map((row) => ({ name: row.name, value: row.setting, why: WHY[row.name] }))
    .sort((a, b) => DURABILITY_SETTINGS.indexOf(a.name) - DURABILITY_SETTINGS.indexOf(b.name))
}

function describe(unsafe: UnsafeSetting[]): string {
  return unsafe.map((setting) => `${setting.name} is ${setting.value} (${setting.why})`).join('; ')
}

/**
 * At start-up: on PostgreSQL, refuses in production if fsync, synchronous_commit or
 * full_page_writes is off, and warns otherwise. PGlite always runs with fsync off, so in
 * production it gets a warning that it is not safe against power loss (see decision 0007).
 */
export async function checkDurabilityAtStart(
  database: Pick<DatabaseHandle, 'db' | 'driver'>,
  { production }: { production: boolean },
  warn: (line: string) => void,
): Promise<void> {
  if (database.driver === 'pglite') {
    if (production) {
      warn(
        'Warning: the embedded database (PGlite) runs with fsync off: it survives a crash of this process but not a power cut or OS crash. Set DATABASE_URL to a PostgreSQL server for production data.',
      )
    }
    return
  }
  const unsafe = await unsafeDurabilitySettings(database)
  if (!unsafe.length) return
  const names = unsafe.map((setting) => setting.name).join(', ')
  if (production) {
    throw new DurabilityError(
      `The PostgreSQL server is not durable: ${describe(unsafe)}. Production refuses to start until ${names} ${unsafe.length === 1 ? 'is' : 'are'} on in postgresql.conf (or for the database).`,
    )
  }
  warn(
    `Warning: the PostgreSQL server is not durable: ${describe(unsafe)}. Production would refuse to start.`,
  )
}
