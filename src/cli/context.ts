import { readConfig, type Config } from '../config.ts'
import { openDatabase, type DatabaseHandle } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'

/** A failure the CLI reports as one line and a non-zero exit code. */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

/**
 * Opens the configured database for one command, migrated, and closes it after.
 * On PGlite this takes the data folder's lock, so it refuses while the server runs.
 */
export async function withDatabase<T>(
  command: string,
  work: (database: DatabaseHandle, config: Config) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = readConfig()
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    command: `upstream ${command}`,
    poolSize: 2,
  })
  try {
    if (options.migrate !== false) await migrateToLatest(database.db)
    return await work(database, config)
  } finally {
    await database.close()
  }
}

/** Prints a result as JSON for scripts, or as text for people. */
export function output(json: boolean | undefined, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text())
}
