import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ManualClock } from '../src/clock.ts'
import { readConfig, type Config } from '../src/config.ts'
import { buildApp, type BuildOptions } from '../src/server/app.ts'
import type { TestDatabase } from './backends.ts'

/** The whole app in-process over a test database, with a clock the test moves. */
export async function testApp(
  database: TestDatabase,
  options: { config?: Partial<Config>; clock?: ManualClock } & BuildOptions = {},
): Promise<{ app: FastifyInstance; clock: ManualClock; config: Config }> {
  const clock = options.clock ?? new ManualClock(new Date())
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-test-'))
  const config = { ...readConfig({ UPSTREAM_DATA_DIR: dataDir }), demoData: false, ...options.config }
  const app = await buildApp({ config, db: database.db, clock, driver: database.driver }, options)
  await app.ready()
  return { app, clock, config }
}
