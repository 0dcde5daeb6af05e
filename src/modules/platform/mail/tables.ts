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
}

export interface MailTables {
  mail_outbox: MailOutboxTable
}
