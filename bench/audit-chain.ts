/**
 * What the tamper-evident audit log costs: appending entries through recordAudit (advisory
 * lock, read of the chain head, SHA-256, insert) against the peer, a plain one-row INSERT of
 * the same columns into a bare table with no chain; and verifying the chain afterwards.
 *
 *   npm run bench -- audit-chain            PGlite in memory
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- audit-chain
 *
 * Prints ratios (ours / peer), as the machines here are shared and noisy.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { PGlite } from '@electric-sql/pglite'
import { fromPglite, openPostgres, type DatabaseHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { recordAudit } from '../src/modules/platform/audit/audit-log.ts'
import { verifyAuditChain } from '../src/modules/platform/audit/verify.ts'

const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 5000)

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  const adminUrl = process.env.BENCH_DATABASE_URL
  if (!adminUrl) {
    const handle = fromPglite(await PGlite.create(), 'memory')
    return { handle, cleanup: () => handle.close() }
  }
  const name = `upstream_bench_${Date.now()}`
  const admin = await openPostgres(adminUrl, 1)
  await sql.raw(`create database ${name}`).execute(admin.db)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const handle = await openPostgres(url.toString(), 4)
  return {
    handle,
    cleanup: async () => {
      await handle.close()
      await sql.raw(`drop database ${name} with (force)`).execute(admin.db)
      await admin.close()
    },
  }
}

const entry = (i: number) => ({
  action: 'consult' as const,
  event: 'VIEW_PERSON',
  actorUserId: randomUUID(),
  actorOrganisationId: randomUUID(),
  recordType: 'person',
  recordIds: [randomUUID()],
  purpose: 'safeguarding',
  requestId: randomUUID(),
  ip: '127.0.0.1',
  details: { page: i },
})

const { handle, cleanup } = await openBenchDatabase()
const { db } = handle
await migrateToLatest(db)
await sql`create table bench_plain_audit (like audit_event including defaults)`.execute(db)

let started = performance.now()
for (let i = 0; i < ENTRIES; i++) {
  const e = entry(i)
  await sql`insert into bench_plain_audit (seq, occurred_at, action, event, outcome, actor_user_id, actor_organisation_id,
      record_type, record_ids, record_count, purpose, request_id, ip, details, prev_hash, hash)
    values (${i + 1}, now(), ${e.action}, ${e.event}, 'success', ${e.actorUserId}, ${e.actorOrganisationId}, ${e.recordType},
      ${JSON.stringify(e.recordIds)}, 1, ${e.purpose}, ${e.requestId}, ${e.ip}, ${JSON.stringify(e.details)}, '', ${String(i)})`.execute(db)
}
const plainSeconds = (performance.now() - started) / 1000

started = performance.now()
for (let i = 0; i < ENTRIES; i++) await recordAudit(db, entry(i))
const chainedSeconds = (performance.now() - started) / 1000

started = performance.now()
const verification = await verifyAuditChain(db)
const verifySeconds = (performance.now() - started) / 1000
if (!verification.ok) throw new Error(`the benchmark's own chain did not verify: ${verification.message}`)

const rate = (n: number, seconds: number) => `${Math.round(n / seconds).toLocaleString('en-GB')}/s`
console.log(`audit chain on ${handle.driver}, ${ENTRIES.toLocaleString('en-GB')} entries, one at a time`)
console.log(`  peer: plain one-row INSERT, no chain   ${rate(ENTRIES, plainSeconds)}`)
console.log(`  recordAudit (lock, head, SHA-256)      ${rate(ENTRIES, chainedSeconds)}  ratio ours/peer time ${(chainedSeconds / plainSeconds).toFixed(2)}`)
console.log(`  verifyAuditChain                       ${rate(ENTRIES, verifySeconds)}  (${verifySeconds.toFixed(2)} s)`)
await cleanup()
