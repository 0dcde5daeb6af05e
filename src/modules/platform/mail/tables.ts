import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface MailOutboxTable {
  id: Generated<number>
  kind: string
  to_address: string
  subject: string
  body: string
  subject_person_id: number | null
  created_at: Timestamp
  send_after: Timestamp
  attempts: Generated<number>
  sent_at: Timestamp | null
  last_error: string | null
  /** A deliverer holds the message until then (migration 0025). */
  claimed_until: Timestamp | null
  /** Given up on: refused for good by the SMTP server, or too many attempts. */
  failed_at: Timestamp | null
  /** At most one message per key (a reminder per referral, recipient and day). */
  once_key: string | null
}

export interface MailTables {
  mail_outbox: MailOutboxTable
}
