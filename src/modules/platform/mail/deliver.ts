import { sql, type Kysely } from 'kysely'
import nodemailer from 'nodemailer'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { PUBLIC_URL } from './outbox.ts'

/**
 * Sends the outbox's due messages through SMTP. A batch is claimed in a short transaction (`for
 * update skip locked`, then a claim that expires), and sent outside it, so that two servers never
 * send the same message and no transaction stays open while an SMTP server is slow. A message
 * whose claim expires (its server died mid-send) is sent again: at least once, never twice by
 * two live servers.
 */
export interface DeliverySettings {
  smtpUrl: string
  from: string
  /** Put where a message says PUBLIC_URL. */
  publicUrl: string
  clock: Clock
  batchSize?: number
}

export interface DeliveryCounts {
  sent: number
  /** Failed for now (connection refused, a 4xx reply): tried again after a backoff. */
  retrying: number
  /** Refused for good (a 5xx reply), or failed MAX_ATTEMPTS times: not tried again. */
  failed: number
}

export const MAX_ATTEMPTS = 15
const FIRST_RETRY_MS = 60_000
const LONGEST_RETRY_MS = 6 * 60 * 60_000
/** Longer than a batch can take with the timeouts below, so that a live deliverer never loses its claim. */
const CLAIM_MS = 15 * 60_000
const DEFAULT_BATCH_SIZE = 20
const ERROR_LIMIT = 500

/** 1, 2, 4 ... minutes after the first, second, third failure, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS)
}

interface ClaimedMessage {
  id: number
  to_address: string
  subject: string
  body: string
  attempts: number
  claimed_until: Date
}

async function claimDueMessages(db: Kysely<Database>, now: Date, limit: number): Promise<ClaimedMessage[]> {
  const claimedUntil = new Date(now.getTime() + CLAIM_MS)
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('mail_outbox')
      .select(['id', 'to_address', 'subject', 'body', 'attempts'])
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('send_after', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('send_after')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    await trx
      .updateTable('mail_outbox')
      .set({ claimed_until: claimedUntil, attempts: sql<number>`attempts + 1` })
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .execute()
    return due.map((row) => ({
      ...row,
      id: Number(row.id),
      attempts: row.attempts + 1,
      claimed_until: claimedUntil,
    }))
  })
}

/** An SMTP reply in the 500s says the server will never take this message (RFC 5321 4.2.1). */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, ' ').slice(0, ERROR_LIMIT)
}

const withPublicUrl = (text: string, publicUrl: string) => text.split(PUBLIC_URL).join(publicUrl)

/** One pass over the outbox: claims batches of due messages and sends them until none is due. */
export async function deliverDueMail(
  db: Kysely<Database>,
  settings: DeliverySettings,
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { sent: 0, retrying: 0, failed: 0 }
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  })
  try {
    for (;;) {
      const batch = await claimDueMessages(db, settings.clock.now(), settings.batchSize ?? DEFAULT_BATCH_SIZE)
      if (batch.length === 0) break
      for (const message of batch) {
        try {
          await transport.sendMail({
            from: settings.from,
            to: message.to_address,
            subject: withPublicUrl(message.subject, settings.publicUrl),
            text: withPublicUrl(message.body, settings.publicUrl),
          })
          // Settles only our own claim: one that expired belongs to whoever took it next.
          await db
            .updateTable('mail_outbox')
            .set({ sent_at: settings.clock.now(), claimed_until: null, last_error: null })
            .where('id', '=', message.id)
            .where('claimed_until', '=', message.claimed_until)
            .execute()
          counts.sent++
        } catch (error) {
          const giveUp = isPermanent(error) || message.attempts >= MAX_ATTEMPTS
          const now = settings.clock.now()
          await db
            .updateTable('mail_outbox')
            .set({
              last_error: describe(error),
              claimed_until: null,
              ...(giveUp
                ? { failed_at: now }
                : { send_after: new Date(now.getTime() + retryDelayMs(message.attempts)) }),
            })
            .where('id', '=', message.id)
            .where('claimed_until', '=', message.claimed_until)
            .execute()
          if (giveUp) counts.failed++
          else counts.retrying++
        }
      }
    }
  } finally {
    transport.close()
  }
  return counts
}
