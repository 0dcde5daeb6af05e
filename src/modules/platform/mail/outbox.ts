import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'

/**
 * Queues an email, in the caller's transaction when it passes one, so the message exists exactly
 * when the change it tells of does. Write no personal data into it: say what happened and give
 * the link; the page behind the link checks who may see what.
 */
export interface OutgoingMail {
  /** What kind of notification this is, e.g. 'referral-received', 'break-glass'. */
  kind: string
  to: string
  subject: string
  text: string
  /** The person the message concerns, so that erasing them removes it. */
  subjectPersonId?: number | null
  /** Not before this time (a reminder); now by default. */
  sendAfter?: Date
}

export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, now: Date): Promise<number> {
  const row = await db
    .insertInto('mail_outbox')
    .values({
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      body: mail.text,
      subject_person_id: mail.subjectPersonId ?? null,
      created_at: now,
      send_after: mail.sendAfter ?? now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
