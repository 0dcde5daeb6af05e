import type { Command } from 'commander'
import { output, withDatabase } from '../../../cli/context.ts'
import { systemClock } from '../../../clock.ts'
import { sweepGrantNotices } from './grants.ts'

/** `upstream people grants sweep`: tells the holders of involvement grants that end within 7 days, once each. */
export function registerRestrictionCommands(program: Command): void {
  const people =
    program.commands.find((command) => command.name() === 'people') ??
    program.command('people').description('Linked people and their data protection rights')
  const grants = people.command('grants').description('Involvement grants to restricted records')
  grants
    .command('sweep')
    .description(
      'Queue the email notice for every involvement grant ending within 7 days that has not had one',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await withDatabase('people grants sweep', (database) =>
        sweepGrantNotices(database.db, systemClock.now()),
      )
      output(
        options.json,
        result,
        () => `Queued ${result.noticesSent} notices of involvement grants ending within 7 days.`,
      )
    })
}
