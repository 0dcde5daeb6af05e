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
  /** Write links as `${PUBLIC_URL}/path`: delivery puts the configured public address there. */
  text: string
  /** The person the message concerns, so that erasing them removes it. */
  subjectPersonId?: number | null
  /** Not before this time (a reminder); now by default. */
  sendAfter?: Date
}

/**
 * Stands for UPSTREAM_PUBLIC_URL in a queued message. Domain code that queues mail (a trigger
 * run, the CLI) does not know the address users reach; the delivery loop does.
 */
export const PUBLIC_URL = '{{publicUrl}}'

export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, now: Date): Promise<number> {
  const row = await db
    .insertInto('mail_outbox')
    .values(outboxRow(mail, now, null))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Queues the message unless one with the same key was queued before (kept until its retention
 * ends): a daily reminder keyed by its day is sent once however often the reminder job runs.
 * Returns the new message's id, or null when the key was taken.
 */
export async function enqueueMailOnce(
  db: Kysely<Database>,
  mail: OutgoingMail,
  onceKey: string,
  now: Date,
): Promise<number | null> {
  const row = await db
    .insertInto('mail_outbox')
    .values(outboxRow(mail, now, onceKey))
    .onConflict((oc) => oc.column('once_key').where('once_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst()
  return row?.id ?? null
}

function outboxRow(mail: OutgoingMail, now: Date, onceKey: string | null) {
  return {
    kind: mail.kind,
    to_address: mail.to,
    subject: mail.subject,
    body: mail.text,
    subject_person_id: mail.subjectPersonId ?? null,
    created_at: now,
    send_after: mail.sendAfter ?? now,
    once_key: onceKey,
  }
}
