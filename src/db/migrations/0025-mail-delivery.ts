import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * What delivery of the outbox needs: a claim with an expiry, so that of two servers only one
 * sends a message and a message claimed by a server that died is sent after all; a mark for a
 * message given up on; a key that makes a reminder once a day at most; and the right to delete
 * messages past their retention.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table mail_outbox
      add column claimed_until timestamptz,
      add column failed_at timestamptz,
      add column once_key text`,
    `create unique index mail_outbox_once on mail_outbox (once_key) where once_key is not null`,
    `drop index mail_outbox_unsent`,
    `create index mail_outbox_due on mail_outbox (send_after) where sent_at is null and failed_at is null`,
    `grant delete on mail_outbox to upstream_app`,
  ])
}
