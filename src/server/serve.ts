import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { systemClock } from '../clock.ts'
import type { Config } from '../config.ts'
import { openDatabase, type DatabaseHandle } from '../db/connect.ts'
import { checkDurabilityAtStart } from '../db/durability-check.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { writeAuditCheckpoint } from '../modules/platform/audit/checkpoints.ts'
import { describeCredentials, isEmptyDatabase, loadDemoData, saveCredentials } from '../modules/platform/demo-data.ts'
import { loadDemoDataHub } from '../modules/data-hub/index.ts'
import { loadDemoLinkageAndTriggers } from '../modules/people/demo.ts'
import { sweepGrantNotices } from '../modules/people/restrictions/index.ts'
import { repeatEvery, startMailDelivery } from '../modules/platform/mail/delivery-loop.ts'
import { queueOverdueReminders } from '../modules/referrals/index.ts'
import { buildApp } from './app.ts'

export const SHUTDOWN_GRACE_MS = 10_000
/** How often the audit chain head is checkpointed outside the database while running. */
const CHECKPOINT_INTERVAL_MS = 60 * 60_000
/** How often overdue referrals are looked for; each is reminded of once a day at most. */
const OVERDUE_REMINDER_INTERVAL_MS = 15 * 60_000

export interface RunningServer {
  app: FastifyInstance
  database: DatabaseHandle
  url: string
  stop(): Promise<void>
}

/**
 * Opens the database, brings it up to date, loads the demo partnership into an empty one
 * (outside production), and listens. SIGTERM and SIGINT shut down gracefully.
 */
export async function startServer(config: Config, print: (line: string) => void = console.log): Promise<RunningServer> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command: 'upstream serve' })
  let app: FastifyInstance | undefined
  try {
    await checkDurabilityAtStart(database, config, print)
    await migrateToLatest(database.db)
    if (config.demoData && (await isEmptyDatabase(database.db))) {
      const credentials = await loadDemoData(database.db, systemClock.now())
      const file = saveCredentials(config.dataDir, credentials)
      const loaded = await loadDemoDataHub(database.db, systemClock)
      loaded.push(await loadDemoLinkageAndTriggers(database.db, systemClock))
      print(`Loaded the demo partnership and ${loaded.join(', ')}.`)
      print(`${describeCredentials(credentials)}\n(also saved in ${file})`)
    }
    app = await buildApp(
      { config, db: database.db, clock: systemClock, driver: database.driver },
      { logger: { level: config.logLevel } },
    )
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app?.close().catch(() => undefined)
    await database.close()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`

  const checkpointTimer = setInterval(() => {
    writeAuditCheckpoint(database.db, config.auditCheckpointDir, 'periodic').catch((error) => app?.log.error({ err: error }, 'audit checkpoint failed'))
  }, CHECKPOINT_INTERVAL_MS)
  checkpointTimer.unref()
  // Notices of involvement grants ending within 7 days (A7); each grant gets one, however often this runs.
  const grantSweepTimer = setInterval(() => {
    sweepGrantNotices(database.db, systemClock.now()).catch((error) => app?.log.error({ err: error }, 'grant notice sweep failed'))
  }, CHECKPOINT_INTERVAL_MS)
  grantSweepTimer.unref()
  const mailDelivery = startMailDelivery(database.db, config, systemClock, {
    info: print,
    error: (error) => app?.log.error({ err: error }, 'mail delivery failed'),
  })
  const overdueReminders = repeatEvery(
    OVERDUE_REMINDER_INTERVAL_MS,
    async () => void (await queueOverdueReminders(database.db, systemClock)),
    (error) => app?.log.error({ err: error }, 'queueing overdue referral reminders failed'),
  )

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(checkpointTimer)
      clearInterval(grantSweepTimer)
      await Promise.all([mailDelivery.stop(), overdueReminders.stop()])
      await app!.close()
      await writeAuditCheckpoint(database.db, config.auditCheckpointDir, 'shutdown')
      await database.close()
    })())

  const graceful = closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app?.log.error({ err }, 'stopping after an error')
    else print(`Received ${signal}: finishing requests and stopping`)
    await stop()
  })
  // Announced only now, so that a SIGTERM sent as soon as the line appears is a graceful stop.
  print(`Upstream is running at ${url} (database: ${database.driver === 'pglite' ? `embedded, in ${database.location}` : database.location})`)
  return {
    app,
    database,
    url,
    stop: async () => {
      graceful.uninstall()
      await stop()
    },
  }
}
