import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../../cli/context.ts'
import { systemClock } from '../../../clock.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import { setAgreementRetention } from './agreement-retention.ts'
import { disposeExpiredRecords } from './dispose.ts'
import { erasePerson } from './erase.ts'

/**
 * `upstream retention dispose [--as-of DAY]`: the disposal job (C4).
 * `upstream people erase <id> --reason TEXT`: erase a person and everything derived from them (C5).
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/

function dayOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const date = new Date(`${text}T12:00:00Z`)
  if (!DAY.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text)
    throw new CliError(`--as-of must be a day as YYYY-MM-DD, such as 2032-01-31, not '${text}'`)
  return text
}

export function registerRetentionCommands(program: Command): void {
  const retention = program
    .command('retention')
    .description('Review, retention and disposal of person records')
  retention
    .command('dispose')
    .description(
      'Dispose of every person record past its retention period (MoPI groups 2 to 4, partner periods), with all derived ' +
        'from it; Group 1 records are left for review',
    )
    .option('--as-of <day>', 'the day to dispose as of (YYYY-MM-DD; default today)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { asOf?: string; json?: boolean }) => {
      const asOf = dayOption(options.asOf) ?? partnershipDate(systemClock.now())
      const summary = await withDatabase('retention dispose', (database, config) =>
        disposeExpiredRecords(database.db, { asOf, now: systemClock.now(), dataDir: config.dataDir }),
      )
      output(options.json, summary, () => {
        const rules = Object.entries(summary.byRule).map(([rule, n]) => `${rule}: ${n}`)
        return (
          `Disposed of ${summary.disposed} person records as of ${summary.asOf}${rules.length ? ` (${rules.join(', ')})` : ''}.` +
          (summary.awaitingReview
            ? ` ${summary.awaitingReview} Group 1 records are due and wait for review.`
            : '')
        )
      })
    })

  retention
    .command('agreement <reference>')
    .description(
      'Set how long the records of a sharing agreement are kept, and which source systems’ person records came under it',
    )
    .option('--months <n>', 'months from the start of a record’s clear period (1 to 1200)')
    .option('--source-systems <codes>', 'comma-separated source system codes, as in the people extracts')
    .option('--json', 'print the result as JSON')
    .action(
      async (reference: string, options: { months?: string; sourceSystems?: string; json?: boolean }) => {
        if (options.months === undefined && options.sourceSystems === undefined)
          throw new CliError('Give --months, --source-systems or both')
        const result = await withDatabase('retention agreement', (database) =>
          setAgreementRetention(database.db, { reference, ...options, now: systemClock.now() }),
        )
        output(
          options.json,
          result,
          () =>
            `${result.reference}: records kept ${result.retentionMonths} months; source systems: ${result.sourceSystems.join(', ') || 'none'}.`,
        )
      },
    )

  const people =
    program.commands.find((command) => command.name() === 'people') ??
    program.command('people').description('Linked people and their data protection rights')
  people
    .command('erase <personId>')
    .description(
      'Erase a person, their records and everything derived from them; a tombstone and an audit entry remain',
    )
    .requiredOption('--reason <text>', 'why: the request reference or legal ground (never a name)')
    .option('--by <email>', 'the user the erasure is recorded against')
    .option('--json', 'print the result as JSON')
    .action(async (personId: string, options: { reason: string; by?: string; json?: boolean }) => {
      if (!/^\d{1,15}$/.test(personId))
        throw new CliError(`The person id must be a whole number, not '${personId}'`)
      const result = await withDatabase('people erase', async (database, config) => {
        let by: { id: string; organisation_id: string } | undefined
        if (options.by) {
          by = await database.db
            .selectFrom('app_user')
            .select(['id', 'organisation_id'])
            .where('email', '=', options.by.trim().toLowerCase())
            .executeTakeFirst()
          if (!by) throw new CliError(`--by: there is no user with the email ${options.by}`)
        }
        return erasePerson(database.db, Number(personId), {
          by: by?.id ?? null,
          byOrganisationId: by?.organisation_id ?? null,
          reason: options.reason,
          now: systemClock.now(),
          dataDir: config.dataDir,
        })
      })
      output(
        options.json,
        result,
        () =>
          `Erased person ${personId}: ${result.personIds.length} identities, ${result.recordIds.length} records, ` +
          `${result.referrals} referrals, ${result.mail} emails, ${result.unroutedHits} trigger-run entries, ` +
          `${result.households} households, ${result.files} files. A tombstone remains.`,
      )
    })
}
