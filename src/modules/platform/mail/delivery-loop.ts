import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Config } from '../../../config.ts'
import type { Database } from '../../../db/schema.ts'
import { deliverDueMail } from './deliver.ts'
import { deleteExpiredMail } from './retention.ts'

/** How often the server looks for due messages. */
export const DELIVERY_INTERVAL_MS = 30_000

export interface RepeatingTask {
  /** Stops the timer and waits for a pass still running. */
  stop(): Promise<void>
}

/** Runs the task every intervalMs, one pass at a time: a slow pass delays the next instead of overlapping it. */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (error: unknown) => void,
): RepeatingTask {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    if (running) return
    running = task()
      .catch(onError)
      .finally(() => {
        running = undefined
      })
  }, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}

/**
 * The server's delivery loop: due messages out, expired ones deleted. Without UPSTREAM_SMTP_URL
 * nothing is sent: messages wait in the outbox, and the server says so once.
 */
export function startMailDelivery(
  db: Kysely<Database>,
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl'>,
  clock: Clock,
  log: { info(line: string): void; error(error: unknown): void },
  intervalMs = DELIVERY_INTERVAL_MS,
): RepeatingTask {
  const smtpUrl = config.smtpUrl
  if (!smtpUrl) {
    log.info('UPSTREAM_SMTP_URL is not set: email notifications are kept in the outbox and not sent')
  }
  return repeatEvery(
    intervalMs,
    async () => {
      if (smtpUrl) {
        const counts = await deliverDueMail(db, {
          smtpUrl,
          from: config.mailFrom,
          publicUrl: config.publicUrl,
          clock,
        })
        if (counts.retrying || counts.failed) {
          log.info(`mail: ${counts.sent} sent, ${counts.retrying} to retry, ${counts.failed} given up on`)
        }
      }
      await deleteExpiredMail(db, clock.now())
    },
    log.error,
  )
}
