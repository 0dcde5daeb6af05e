import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../audit/audit-log.ts'

/**
 * The outbox keeps a message for 30 days after it was sent or given up on, long enough to answer
 * "was I told?", then deletes it (retention class 'notification'). The deletion is audited as an
 * erasure of the messages' ids: they hold staff email addresses.
 */
export const KEEP_SENT_MAIL_DAYS = 30

export async function deleteExpiredMail(db: Kysely<Database>, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - KEEP_SENT_MAIL_DAYS * 24 * 60 * 60_000)
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('mail_outbox')
      .where((eb) => eb.or([eb('sent_at', '<', cutoff), eb('failed_at', '<', cutoff)]))
      .returning('id')
      .execute()
    if (deleted.length > 0) {
      await recordAudit(trx, {
        action: 'erase',
        event: 'DELETE_EXPIRED_MAIL',
        recordType: 'mail_outbox',
        recordIds: deleted.map((row) => String(row.id)),
        occurredAt: now,
        details: { retention: 'notification', keptDays: KEEP_SENT_MAIL_DAYS },
      })
    }
    return deleted.length
  })
}
