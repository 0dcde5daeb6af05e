import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../test/backends.ts'
import { createThrowawayCluster, throwawayClusterUnavailable } from '../../test/throwaway-cluster.ts'
import { readConfig } from '../config.ts'
import { startServer } from '../server/serve.ts'
import { openPostgres } from './connect.ts'
import { checkDurabilityAtStart, DurabilityError, unsafeDurabilitySettings } from './durability-check.ts'

const postgres = backends().find((backend) => backend.name === 'postgres')

function productionConfig(databaseUrl: string, dataDir: string) {
  return readConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    UPSTREAM_DATA_DIR: dataDir,
    UPSTREAM_SESSION_SECRET: 'a-test-secret-that-is-long-enough-for-production',
    PORT: '0',
    HOST: '127.0.0.1',
  })
}

describe(
  'the durability check on a PostgreSQL database with synchronous_commit off',
  { skip: !postgres && 'TEST_DATABASE_URL is not set' },
  () => {
    let database: TestDatabase
    let dataDir: string
    before(async () => {
      database = await postgres!.create()
      const name = new URL(database.url!).pathname.slice(1)
      // A database-level setting reaches every new connection, including those of the server under test.
      await sql.raw(`alter database ${name} set synchronous_commit = off`).execute(database.db)
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'upstream-durability-'))
    })
    after(async () => {
      await database.close()
      await rm(dataDir, { recursive: true, force: true })
    })

    test('names synchronous_commit and only it', async () => {
      const fresh = await openPostgres(database.url!, 1)
      try {
        const unsafe = await unsafeDurabilitySettings(fresh)
        assert.deepEqual(
          unsafe.map((setting) => `${setting.name}=${setting.value}`),
          ['synchronous_commit=off'],
        )
      } finally {
        await fresh.close()
      }
    })

    test('a production start refuses, naming synchronous_commit, and does not listen', async () => {
      const lines: string[] = []
      await assert.rejects(
        startServer(productionConfig(database.url!, dataDir), (line) => lines.push(line)),
        (error) => {
          assert.ok(error instanceof DurabilityError)
          assert.match(
            error.message,
            /synchronous_commit is off \(a commit is acknowledged before it reaches disk/,
          )
          assert.match(error.message, /Production refuses to start until synchronous_commit is on/)
          return true
        },
      )
      assert.doesNotMatch(lines.join('\n'), /Upstream is running/)
    })

    test('outside production the server starts with a warning naming it', async () => {
      const config = {
        ...productionConfig(database.url!, dataDir),
        production: false,
        demoData: false,
        logLevel: 'warn',
      }
      const lines: string[] = []
      const server = await startServer(config, (line) => lines.push(line))
      try {
        assert.match(
          lines.join('\n'),
          /Warning: the PostgreSQL server is not durable: synchronous_commit is off/,
        )
        assert.match(lines.join('\n'), /Upstream is running/)
      } finally {
        await server.stop()
      }
    })

    test('a session that turns synchronous_commit back on passes', async () => {
      const fresh = await openPostgres(database.url!, 1)
      try {
        await sql`set synchronous_commit = on`.execute(fresh.db)
        assert.deepEqual(await unsafeDurabilitySettings(fresh), [])
        await checkDurabilityAtStart(fresh, { production: true }, () => assert.fail('no warning expected'))
      } finally {
        await fresh.close()
      }
    })
  },
)

describe('the durability check on a server started with fsync and full_page_writes off', () => {
  test('production refuses, naming both, in the order of the checklist', async (t) => {
    const unavailable = throwawayClusterUnavailable()
    if (unavailable) {
      const message = `THROWAWAY CLUSTER TEST NOT RUN: ${unavailable}`
      if (process.env.CI === 'true') assert.fail(`${message} (CI=true needs it)`)
      console.warn(`${'!'.repeat(78)}\n!! ${message}\n${'!'.repeat(78)}`)
      t.skip(message)
      return
    }
    const cluster = await createThrowawayCluster({ fsync: 'off', full_page_writes: 'off' })
    try {
      const database = await openPostgres(cluster.url, 1)
      try {
        await assert.rejects(
          checkDurabilityAtStart(database, { production: true }, () => undefined),
          /not durable: fsync is off \(.*\); full_page_writes is off \(.*\)\. Production refuses to start until fsync, full_page_writes are on/,
        )
      } finally {
        await database.close()
      }
    } finally {
      await cluster.destroy()
    }
  })
})

describe('the durability check on PGlite', () => {
  test('warns in production that the embedded database is not safe against power loss, and only then', async () => {
    const database = await backends()[0]!.create()
    try {
      const warnings: string[] = []
      await checkDurabilityAtStart(database, { production: false }, (line) => warnings.push(line))
      assert.equal(warnings.length, 0)
      await checkDurabilityAtStart(database, { production: true }, (line) => warnings.push(line))
      assert.equal(warnings.length, 1)
      assert.match(
        warnings[0]!,
        /PGlite\) runs with fsync off: it survives a crash of this process but not a power cut/,
      )
    } finally {
      await database.close()
    }
  })
})
