/**
 * `upstream people sar <personId> [--out FILE]`: the subject access bundle of a person as JSON,
 * on standard output or in a file, with the withholdings of their latest access request.
 * Audited as a disclosure to the data subject, by the command line.
 */
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { CliError, withDatabase } from '../../../cli/context.ts'
import { systemClock } from '../../../clock.ts'
import { DomainError } from '../../../errors.ts'
import { COMMAND_LINE } from './actor.ts'
import { personIdFrom } from './requests.ts'
import { produceBundle } from './subject-access.ts'

export function registerSubjectRightsCommands(program: Command): void {
  const people =
    program.commands.find((command) => command.name() === 'people') ??
    program.command('people').description('People’s records and their data protection rights')
  people
    .command('sar')
    .description(
      'Produce everything Upstream holds about a person for a subject access request, as JSON: records, ' +
        'involvements, referrals, disclosures and links, other people redacted; uses the withholdings of the ' +
        'person’s latest request',
    )
    .argument('<personId>', 'the id of the linked person')
    .option(
      '--out <file>',
      'write the bundle to this file (name it OFFICIAL-SENSITIVE-…) instead of printing it',
    )
    .action(async (personIdText: string, options: { out?: string }) => {
      let personId: number
      try {
        personId = personIdFrom(personIdText)
      } catch {
        throw new CliError(
          `The person id must be a whole number, such as 1042, not '${personIdText.slice(0, 20)}'`,
        )
      }
      const bundle = await withDatabase('people sar', async (database) => {
        const latest = await database.db
          .selectFrom('subject_access_request')
          .select('id')
          .where('person_id', '=', personId)
          .orderBy('id', 'desc')
          .executeTakeFirst()
        try {
          return await produceBundle(
            database.db,
            COMMAND_LINE,
            latest ? { requestId: Number(latest.id) } : { personId },
            'command-line',
            { clock: systemClock },
          )
        } catch (error) {
          if (error instanceof DomainError && error.code === 'not_found')
            throw new CliError(`There is no person ${personId}`)
          throw error
        }
      })
      const json = JSON.stringify(bundle, null, 2)
      if (options.out) {
        await writeFile(options.out, json + '\n', { mode: 0o600 })
        console.error(
          `Wrote ${bundle.items.length} items (${bundle.withheld.length} withheld) about person ${bundle.subject.personId} to ${options.out}.`,
        )
      } else console.log(json)
    })
}
