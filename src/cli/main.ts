import { Command, CommanderError } from 'commander'
import { ConfigError, readConfig } from '../config.ts'
import { DatabaseUnreachableError } from '../db/connect.ts'
import { DataFolderLockedError } from '../db/data-folder-lock.ts'
import { migrateToLatest, MigrationError } from '../db/migrate.ts'
import { DomainError } from '../errors.ts'
import { registerPlatformCommands } from '../modules/platform/cli.ts'
import { registerDataHubCommands } from '../modules/data-hub/cli.ts'
import { registerAnalysisCommands } from '../modules/analysis/cli.ts'
import { registerTriggerCommands } from '../modules/triggers/cli.ts'
import { registerPeopleCommands } from '../modules/people/cli.ts'
import { registerSubjectRightsCommands } from '../modules/people/subject-rights/index.ts'
import { registerRetentionCommands } from '../modules/people/retention/cli.ts'
import { registerRestrictionCommands } from '../modules/people/restrictions/cli.ts'
import { startServer } from '../server/serve.ts'
import { CliError, output, withDatabase } from './context.ts'
import { registerInventoryCommands } from './inventory.ts'

/** The `upstream` program. Each module adds its commands from its cli.ts. */
export function buildProgram(): Command {
  const program = new Command('upstream')
    .description('Upstream: crime prevention for a partnership of police and partner agencies')
    .showHelpAfterError()
    .exitOverride()

  program
    .command('serve')
    .description('Start the web server (the same as npm start)')
    .action(async () => {
      await startServer(readConfig())
    })

  const db = program.command('db').description('Database maintenance')
  db.command('migrate')
    .description('Bring the database schema up to date (safe to run twice, or from two processes)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const results = await withDatabase('db migrate', (database) => migrateToLatest(database.db), { migrate: false })
      const applied = results.map((r) => r.migrationName)
      output(options.json, { applied }, () =>
        applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.',
      )
    })

  registerPlatformCommands(program)
  registerDataHubCommands(program)
  registerAnalysisCommands(program)
  registerPeopleCommands(program)
  registerSubjectRightsCommands(program)
  registerRetentionCommands(program)
  registerRestrictionCommands(program)
  registerTriggerCommands(program)
  registerInventoryCommands(program)
  return program
}

const KNOWN_FAILURES = [CliError, ConfigError, DatabaseUnreachableError, DataFolderLockedError, MigrationError, DomainError]

export async function runCli(argv: string[], program = buildProgram()): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (KNOWN_FAILURES.some((kind) => error instanceof kind)) {
      console.error(`upstream: ${(error as Error).message}`)
      return error instanceof CliError ? error.exitCode : 1
    }
    throw error
  }
}

// Run directly (node --import tsx src/cli/main.ts ...); bin/upstream.js calls runCli itself.
if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runCli(process.argv.slice(2))
