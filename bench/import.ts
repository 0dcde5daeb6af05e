/**
 * What the police.uk street importer costs against its peer, plain COPY of the same file into a
 * bare table of text columns (no validation, no H3, no de-duplication, no batches).
 *
 *   node --import tsx bench/import.ts       PGlite in a temporary data folder
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/import.ts
 *   BENCH_IMPORT_ROWS=100000 node --import tsx bench/import.ts
 *
 * (`npm run bench -- import` runs this and also bench/fuzz-import.ts, whose name contains "import".)
 *
 * Prints rows/s for both, the ratio ours/peer and the peak RSS of ours (sampled every 100 ms).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { once } from 'node:events'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { systemClock } from '../src/clock.ts'
import { fromPglite, openPostgres, type DatabaseHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { importPoliceUkStreetFile } from '../src/modules/data-hub/import-run.ts'
import {
  CRIME_TYPE_CODES,
  POLICE_UK_STREET_COLUMNS,
} from '../src/modules/data-hub/formats/police-uk-street.ts'

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000)
const PGLITE_COPY_CHUNK = 50_000
const adminUrl = process.env.BENCH_DATABASE_URL

const CRIME_TYPES = Object.keys(CRIME_TYPE_CODES).filter((type) => type !== 'Anti-social behaviour')
const OUTCOMES = [
  'Investigation complete; no suspect identified',
  'Status update unavailable',
  'Unable to prosecute suspect',
  'Under investigation',
  'Awaiting court outcome',
  'Local resolution',
]
const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Park Road', 'Victoria Street', 'Mill Lane']

/** A deterministic generator, so every run reads the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function writeStreetFile(file: string, rows: number): Promise<void> {
  const next = random(42)
  const out = createWriteStream(file)
  out.write(`${POLICE_UK_STREET_COLUMNS.join(',')}\n`)
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!
  for (let i = 0; i < rows; i++) {
    const asb = next() < 0.05
    const crimeId = asb ? '' : createHash('sha256').update(`bench-${i}`).digest('hex')
    const located = next() >= 0.05
    const lsoa = 1 + Math.floor(next() * 4800)
    const fields = [
      crimeId,
      '2024-03',
      'Metropolitan Police Service',
      'Metropolitan Police Service',
      located ? (-0.5 + next() * 0.8).toFixed(6) : '',
      located ? (51.3 + next() * 0.4).toFixed(6) : '',
      located ? `On or near ${pick(STREETS)}` : 'No Location',
      located ? `E01${String(lsoa).padStart(6, '0')}` : '',
      located ? `Borough ${String(lsoa % 999).padStart(3, '0')}A` : '',
      asb ? 'Anti-social behaviour' : pick(CRIME_TYPES),
      asb ? '' : `"${pick(OUTCOMES)}"`,
      '',
    ]
    if (!out.write(`${fields.join(',')}\n`)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

const BARE_TABLE = `create table bench_plain_street (${POLICE_UK_STREET_COLUMNS.map(
  (_, i) => `c${i} text`,
).join(', ')})`

async function copyWithPglite(file: string, dataDir: string): Promise<number> {
  const pglite = await PGlite.create(dataDir)
  await pglite.exec(BARE_TABLE)
  const started = performance.now()
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  let chunk: string[] = []
  let header = true
  const flush = async () => {
    if (!chunk.length) return
    const blob = new Blob([chunk.join('\n'), '\n'])
    chunk = []
    await pglite.query(`copy bench_plain_street from '/dev/blob' with (format csv)`, [], { blob })
  }
  for await (const line of lines) {
    if (header) {
      header = false
      continue
    }
    chunk.push(line)
    if (chunk.length === PGLITE_COPY_CHUNK) await flush()
  }
  await flush()
  const seconds = (performance.now() - started) / 1000
  await pglite.close()
  return seconds
}

async function copyWithPostgres(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(BARE_TABLE)
  const started = performance.now()
  await pipeline(
    createReadStream(file),
    client.query(copyFrom(`copy bench_plain_street from stdin with (format csv, header true)`)),
  )
  const seconds = (performance.now() - started) / 1000
  await client.query('drop table bench_plain_street')
  await client.end()
  return seconds
}

async function openBenchDatabase(dataDir: string): Promise<{
  handle: DatabaseHandle
  url: string | null
  cleanup: () => Promise<void>
}> {
  if (!adminUrl) {
    // A data folder, as `npm start` uses, rather than memory: a million rows in memory would
    // count the whole database in our RSS.
    const handle = fromPglite(await PGlite.create(dataDir), dataDir)
    return { handle, url: null, cleanup: () => handle.close() }
  }
  const name = `upstream_bench_${Date.now()}`
  const admin = await openPostgres(adminUrl, 1)
  await sql.raw(`create database ${name}`).execute(admin.db)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const handle = await openPostgres(url.toString(), 4)
  return {
    handle,
    url: url.toString(),
    cleanup: async () => {
      await handle.close()
      await sql.raw(`drop database ${name} with (force)`).execute(admin.db)
      await admin.close()
    },
  }
}

/** Writes the file in a child process, so the garbage of writing it does not count in our peak RSS. */
function writeStreetFileApart(file: string, rows: number): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_IMPORT_WRITE_FILE: file, BENCH_IMPORT_ROWS: String(rows) },
  })
  if (child.status !== 0) throw new Error(`writing the benchmark file failed (exit ${child.status})`)
}

const fileToWrite = process.env.BENCH_IMPORT_WRITE_FILE
if (fileToWrite) {
  await writeStreetFile(fileToWrite, ROWS)
  process.exit(0)
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-bench-import-'))
try {
  const file = path.join(folder, '2024-03-metropolitan-street.csv')
  writeStreetFileApart(file, ROWS)

  const { handle, url, cleanup } = await openBenchDatabase(path.join(folder, 'ours'))
  let peakRss = process.memoryUsage().rss
  let oursSeconds: number
  let inserted: number
  let peerSeconds: number | undefined
  try {
    await migrateToLatest(handle.db)
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }, 100)
    const started = performance.now()
    try {
      const result = await importPoliceUkStreetFile(handle.db, { file, clock: systemClock })
      if (result.status !== 'completed')
        throw new Error(`the import ended ${result.status}: ${result.message}`)
      inserted = result.rowsInserted
    } finally {
      clearInterval(sampler)
    }
    oursSeconds = (performance.now() - started) / 1000
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    // The peer runs second, so its memory does not colour our peak; on PGlite in a fresh
    // instance once ours is closed, so that it does not share the process with our million rows.
    if (url) peerSeconds = await copyWithPostgres(url, file)
  } finally {
    await cleanup()
  }
  peerSeconds ??= await copyWithPglite(file, path.join(folder, 'peer'))
  if (inserted !== ROWS) throw new Error(`the import inserted ${inserted} of ${ROWS} rows`)

  const rate = (seconds: number) => Math.round(ROWS / seconds)
  const format = (n: number) => n.toLocaleString('en-GB')
  console.log(`police.uk street import on ${handle.driver}, ${format(ROWS)} rows`)
  console.log(
    `  peer: plain COPY into text columns   ${format(rate(peerSeconds))} rows/s  (${peerSeconds.toFixed(2)} s)`,
  )
  console.log(
    `  importPoliceUkStreetFile             ${format(rate(oursSeconds))} rows/s  (${oursSeconds.toFixed(2)} s)`,
  )
  console.log(`  ratio ours/peer rows/s               ${(rate(oursSeconds) / rate(peerSeconds)).toFixed(2)}`)
  console.log(`  peak RSS of ours                     ${Math.round(peakRss / 1024 / 1024)} MiB`)
} finally {
  await rm(folder, { recursive: true, force: true })
}
