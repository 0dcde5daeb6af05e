import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../cli/context.ts'
import { systemClock } from '../../clock.ts'
import { dayNumber } from './timeline.ts'
import { runTriggers, type TriggerRunSummary } from './trigger-run.ts'

/** `upstream triggers run`: the live trigger rules over every linked person, raising referrals. */
export function registerTriggerCommands(program: Command): void {
  const triggers = program.command('triggers').description('Trigger rules over linked people (an open TIPT)')
  triggers
    .command('run')
    .description(
      'Run every approved trigger rule over every linked person and raise or update their referrals',
    )
    .option('--as-of <date>', 'the day the look-back windows end (YYYY-MM-DD; default today)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { asOf?: string; json?: boolean }) => {
      if (options.asOf !== undefined && dayNumber(options.asOf) === null) {
        throw new CliError(`--as-of must be a date as YYYY-MM-DD, not '${options.asOf}'`)
      }
      const summary = await withDatabase('triggers run', (database) =>
        runTriggers(database.db, { ...(options.asOf ? { asOf: options.asOf } : {}), clock: systemClock }),
      )
      output(options.json, summary, () => describe(summary))
    })
}

function describe(summary: TriggerRunSummary): string {
  const lines = [
    `Trigger run ${summary.runId} as of ${summary.asOf}: ${summary.people} people, ${summary.hits} hits, ` +
      `${summary.referralsRaised} referrals raised, ${summary.evidenceAdded} incidents added as evidence.`,
    ...Object.entries(summary.hitsByRule).map(([rule, hits]) => `  ${rule}: ${hits}`),
  ]
  for (const stopped of summary.stopped) {
    lines.push(
      `Stopped ${stopped.ruleKey} (version ${stopped.ruleVersion})${stopped.personId ? ` on person ${stopped.personId}` : ''}: ${stopped.message}`,
    )
  }
  for (const refused of summary.refused)
    lines.push(`Not run: ${refused.key} (version ${refused.version}): ${refused.problems.join('; ')}`)
  if (summary.unrouted.length) {
    lines.push(
      `${summary.unrouted.length} hits could not be routed to a team (no team covers the person's area): see trigger run ${summary.runId}.`,
    )
  }
  return lines.join('\n')
}
