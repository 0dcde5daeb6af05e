import { access } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../../cli/context.ts'
import { checkpointFileIn, CheckpointFileError, writeAuditCheckpoint } from './checkpoints.ts'
import { auditLogExists } from './queries.ts'
import { verifyAuditChain } from './verify.ts'

/** Exit code of `audit verify` when the chain is broken (1 is any other failure). */
export const BROKEN_CHAIN_EXIT_CODE = 2

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The audit log: verify the hash chain, write checkpoints')

  audit
    .command('verify')
    .description('Recompute the audit hash chain and compare it with the checkpoints outside the database')
    .option('--checkpoints <dir>', 'folder holding audit-checkpoints.jsonl (default: UPSTREAM_AUDIT_CHECKPOINT_DIR)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { checkpoints?: string; json?: boolean }) => {
      const result = await withDatabase(
        'audit verify',
        async (database, config) => {
          const dir = path.resolve(options.checkpoints ?? config.auditCheckpointDir)
          const file = checkpointFileIn(dir)
          // The default folder may not exist yet on a new installation; a folder named on the command line must.
          const haveFile = options.checkpoints !== undefined || (await exists(file))
          if (!(await auditLogExists(database.db))) {
            throw new CliError(`The database at ${database.location} has no audit log yet: run upstream db migrate first`)
          }
          try {
            return await verifyAuditChain(database.db, { checkpointFile: haveFile ? file : undefined })
          } catch (error) {
            if (error instanceof CheckpointFileError) throw new CliError(error.message)
            throw error
          }
        },
        { migrate: false },
      )
      // A broken chain goes to stderr as the failure; scripts asking for JSON get the result on stdout too.
      if (result.ok || options.json) output(options.json, result, () => result.message)
      if (!result.ok) throw new CliError(result.message, BROKEN_CHAIN_EXIT_CODE)
    })

  audit
    .command('checkpoint')
    .description('Append the current head of the audit chain to the checkpoint file now')
    .option('--json', 'print the checkpoint as JSON')
    .action(async (options: { json?: boolean }) => {
      const { checkpoint, dir } = await withDatabase('audit checkpoint', async (database, config) => ({
        checkpoint: await writeAuditCheckpoint(database.db, config.auditCheckpointDir, 'manual', { log: () => undefined }),
        dir: config.auditCheckpointDir,
      }))
      output(options.json, { checkpoint }, () =>
        checkpoint
          ? `Wrote checkpoint of entry ${checkpoint.seq} (${checkpoint.hash}) to ${checkpointFileIn(dir)}`
          : 'No checkpoint written: the audit log is empty or its head is already checkpointed.',
      )
    })
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}
