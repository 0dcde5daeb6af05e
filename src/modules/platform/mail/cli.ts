import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../../cli/context.ts'
import { systemClock } from '../../../clock.ts'
import { deliverDueMail } from './deliver.ts'

export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('Email notifications: the outbox and its delivery')

  mail
    .command('send')
    .description('Send the due messages of the outbox once (the server does this every 30 seconds)')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { json?: boolean }) => {
      const counts = await withDatabase('mail send', async (database, config) => {
        if (!config.smtpUrl) {
          throw new CliError('UPSTREAM_SMTP_URL is not set: messages stay in the outbox until it is')
        }
        return deliverDueMail(database.db, {
          smtpUrl: config.smtpUrl,
          from: config.mailFrom,
          publicUrl: config.publicUrl,
          clock: systemClock,
        })
      })
      output(
        options.json,
        counts,
        () => `Sent ${counts.sent}; ${counts.retrying} to retry later; ${counts.failed} given up on.`,
      )
      if (counts.failed > 0 && !options.json) {
        console.error('Messages given up on keep their last error in mail_outbox.last_error.')
      }
    })
}
