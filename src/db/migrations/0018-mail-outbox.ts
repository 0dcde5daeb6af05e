import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * The outbox of email notifications. A message is written in the same transaction as the change
 * it tells of, and sent afterwards by the delivery loop, so that a notification is never lost
 * when SMTP is down and never sent for a change that rolled back. Messages name no one: they say
 * what happened and link to the page, where access is checked (SECURITY-CHECKLIST A3).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table mail_outbox (
      id bigserial primary key,
      kind text not null check (kind <> ''),
      to_address text not null check (position('@' in to_address) > 1),
      subject text not null,
      body text not null,
      -- The person the message is about, if any, so that erasing them removes it (C5).
      subject_person_id bigint,
      created_at timestamptz not null,
      send_after timestamptz not null,
      attempts int not null default 0,
      sent_at timestamptz,
      last_error text
    )`,
    `create index mail_outbox_unsent on mail_outbox (send_after) where sent_at is null`,
    `create index mail_outbox_person on mail_outbox (subject_person_id) where subject_person_id is not null`,
    `grant select, insert, update on mail_outbox to upstream_app`,
    `grant usage on sequence mail_outbox_id_seq to upstream_app`,
  ])
}
