import { ConfigError, readConfig } from './config.ts'
import { DatabaseUnreachableError } from './db/connect.ts'
import { DataFolderLockedError } from './db/data-folder-lock.ts'
import { MigrationError } from './db/migrate.ts'
import { startServer } from './server/serve.ts'

/** `npm start`: read the configuration, open the database, serve. Known failures are one line. */
export async function main(): Promise<void> {
  try {
    await startServer(readConfig())
  } catch (error) {
    const known = [ConfigError, DatabaseUnreachableError, DataFolderLockedError, MigrationError]
    if (known.some((kind) => error instanceof kind)) {
      console.error(`upstream: ${(error as Error).message}`)
      process.exit(1)
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`upstream: the port is already in use: ${(error as Error).message}. Set PORT to another port.`)
      process.exit(1)
    }
    throw error
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
