import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { fileDigest, importPoliceUkStreetFile, type ImportOptions } from './import-run.ts'
import { incidentStats } from './incident-stats.ts'
import { POLICE_UK_STREET_COLUMNS } from './formats/police-uk-street.ts'

const FIXTURES = path.resolve(import.meta.dirname, '../../../samples/police-uk')
const APRIL = path.join(FIXTURES, '2023-04-city-of-london-street.csv')
const MAY = path.join(FIXTURES, '2023-05-city-of-london-street.csv')
const HEADER = POLICE_UK_STREET_COLUMNS.join(',')
const GOOD_ROW =
  'abc1,2023-04,City of London Police,City of London Police,-0.110350,51.518090,On or near Holborn,E01000917,Camden 027C,Other theft,Local resolution,'

const APRIL_BY_TYPE = {
  'anti-social-behaviour': 37,
  'bicycle-theft': 17,
  burglary: 33,
  'criminal-damage-arson': 23,
  drugs: 52,
  'other-crime': 23,
  'other-theft': 147,
  'possession-of-weapons': 4,
  'public-order': 55,
  robbery: 17,
  shoplifting: 70,
  'theft-from-the-person': 122,
  'vehicle-crime': 12,
  'violent-crime': 126,
}

/** CI runs the generated-file properties a few dozen times; `npm run bench -- fuzz-import` runs them 10,000 times. */
function fuzzRuns(runs: number): { numRuns: number; seed?: number } {
  const wanted = Number(process.env.UPSTREAM_FUZZ_RUNS)
  const seed = Number(process.env.UPSTREAM_FUZZ_SEED)
  return {
    numRuns: wanted > 0 ? wanted : runs,
    ...(Number.isInteger(seed) && process.env.UPSTREAM_FUZZ_SEED ? { seed } : {}),
  }
}

for (const backend of backends()) {
  describe(`importing data.police.uk street files on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    const importFile = (file: string, options: Partial<ImportOptions> = {}) =>
      importPoliceUkStreetFile(database.db, { file, clock, ...options })
    const writeCsv = async (name: string, content: string | Buffer) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }
    const incidentCount = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from incident`.execute(database.db)).rows[0]!.n,
      )

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-police-uk-'))
    })
    after(async () => {
      await rm(folder, { recursive: true, force: true })
    })
    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('the April City of London file gives 738 incidents with the counts of the fixture README', async () => {
      const result = await importFile(APRIL)
      assert.equal(result.status, 'completed')
      assert.deepEqual(
        [result.rowsRead, result.rowsInserted, result.rowsUpdated, result.rowsRejected],
        [738, 738, 0, 0],
      )
      const stats = await incidentStats(database.db)
      assert.equal(stats.total, 738)
      assert.deepEqual(stats.byType, APRIL_BY_TYPE)
      assert.deepEqual(stats.byMonth, { '2023-04': 738 })
    })

    test('importing the same file twice adds nothing and says it was already imported', async () => {
      await importFile(APRIL)
      const again = await importFile(APRIL)
      assert.equal(again.status, 'already-imported')
      assert.equal(again.rowsInserted, 0)
      assert.equal(await incidentCount(), 738)
    })

    test('each committed batch writes one collect audit entry with its counts and the file hash, and no row of data', async () => {
      const result = await importFile(APRIL, { batchSize: 500 })
      const entries = await database.db
        .selectFrom('audit_event')
        .select(['action', 'record_ids', 'details'])
        .where('event', '=', 'IMPORT_BATCH')
        .orderBy('seq')
        .execute()
      assert.equal(entries.length, 2)
      const { sha256 } = await fileDigest(APRIL)
      for (const entry of entries) {
        assert.equal(entry.action, 'collect')
        assert.deepEqual(entry.record_ids, [String(result.runId)])
        assert.equal(entry.details.fileSha256, sha256)
      }
      assert.equal(
        entries.reduce((sum, e) => sum + Number(e.details.rowsInserted), 0),
        738,
      )
      assert.doesNotMatch(JSON.stringify(entries), /Holborn|E01000917/)
      await importFile(APRIL)
      const after = await database.db
        .selectFrom('audit_event')
        .select('seq')
        .where('event', '=', 'IMPORT_BATCH')
        .execute()
      assert.equal(after.length, 2, 'a file already imported adds no collect entries')
    })

    test('the May file adds 774 incidents to April', async () => {
      await importFile(APRIL)
      const may = await importFile(MAY)
      assert.equal(may.rowsInserted, 774)
      assert.equal(await incidentCount(), 738 + 774)
    })

    test('a re-published month updates its crimes in place and adds no incidents', async () => {
      await importFile(APRIL)
      const text = await readFile(APRIL, 'utf8')
      const republished = await writeCsv(
        'republished.csv',
        text.replaceAll('Status update unavailable', 'Local resolution'),
      )
      const result = await importFile(republished)
      assert.deepEqual([result.rowsInserted, result.rowsUpdated], [0, 738])
      assert.equal(await incidentCount(), 738)
      const updated = await database.db
        .selectFrom('incident')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_outcome_code', '=', 'local-resolution')
        .executeTakeFirstOrThrow()
      assert.equal(Number(updated.n), 9 + 124)
    })

    test('identical anti-social behaviour rows are distinct incidents', async () => {
      const asb =
        ',2023-04,City of London Police,City of London Police,-0.1,51.5,On or near X,E01000001,City of London 001A,Anti-social behaviour,,'
      const file = await writeCsv('asb.csv', `${HEADER}\n${asb}\n${asb}\n${asb}\n`)
      assert.equal((await importFile(file)).rowsInserted, 3)
      assert.equal(await incidentCount(), 3)
    })

    test('bad rows are rejected with row number, column and reason while good rows go in', async () => {
      const bad = GOOD_ROW.replace('abc1', 'abc2').replace('2023-04', 'April')
      const outside = GOOD_ROW.replace('abc1', 'abc3').replace('51.518090', '40.1')
      const file = await writeCsv(
        'bad-rows.csv',
        `${HEADER}\n${GOOD_ROW}\n${bad}\n${outside}\nonly,three,columns\n`,
      )
      const result = await importFile(file)
      assert.equal(result.status, 'completed')
      assert.deepEqual([result.rowsRead, result.rowsInserted, result.rowsRejected], [4, 1, 3])
      const rejections = await database.db
        .selectFrom('import_rejection')
        .select(['row_number', 'column_name', 'reason'])
        .where('import_run_id', '=', result.runId!)
        .orderBy('row_number')
        .execute()
      assert.deepEqual(
        rejections.map((r) => [r.row_number, r.column_name]),
        [
          [3, 'Month'],
          [4, 'Latitude'],
          [5, null],
        ],
      )
      assert.match(rejections[2]!.reason, /3 columns, expected 12/)
      assert.deepEqual(
        result.firstRejections.map((r) => r.column),
        ['Month', 'Latitude', null],
      )
    })

    test('--strict rejects a file with one bad row whole', async () => {
      const file = await writeCsv(
        'strict.csv',
        `${HEADER}\n${GOOD_ROW}\n${GOOD_ROW.replace('E01000917', 'X')}\n`,
      )
      const result = await importFile(file, { strict: true })
      assert.equal(result.status, 'rejected')
      assert.equal(result.rowsRejected, 1)
      assert.equal(await incidentCount(), 0)
    })

    test('a header missing Crime type fails the run naming the expected columns', async () => {
      const header = POLICE_UK_STREET_COLUMNS.filter((c) => c !== 'Crime type').join(',')
      const file = await writeCsv('no-crime-type.csv', `${header}\n${GOOD_ROW}\n`)
      const result = await importFile(file)
      assert.equal(result.status, 'failed')
      assert.match(result.message ?? '', /no 'Crime type' column.*Expected the columns: Crime ID,Month/)
      assert.equal(await incidentCount(), 0)
    })

    test('a byte-order mark, CRLF line ends and quoted commas and line breaks are read', async () => {
      const quoted = GOOD_ROW.replace('On or near Holborn', '"On or near Holborn, ""the\r\nend"""')
      const file = await writeCsv('bom-crlf.csv', Buffer.from(`\uFEFF${HEADER}\r\n${quoted}\r\n`, 'utf8'))
      const result = await importFile(file)
      assert.equal(result.rowsInserted, 1)
      const incident = await database.db
        .selectFrom('incident')
        .select('location_text')
        .executeTakeFirstOrThrow()
      assert.equal(incident.location_text, 'On or near Holborn, "the\r\nend"')
    })

    test('a run left unfinished resumes after its last committed batch with exact counts', async () => {
      const first = await importFile(APRIL, { batchSize: 100 })
      // Make the run look as a killed process leaves it: the last three batches never committed.
      await sql`delete from incident where natural_key in (
        select natural_key from incident order by id desc limit 238)`.execute(database.db)
      await sql`delete from import_batch where import_run_id = ${first.runId} and batch_no >= 5`.execute(
        database.db,
      )
      await sql`update import_run set status = 'running' where id = ${first.runId}`.execute(database.db)
      const resumed = await importFile(APRIL)
      assert.equal(resumed.resumed, true)
      assert.equal(resumed.batchesSkipped, 5)
      assert.equal(resumed.runId, first.runId)
      assert.deepEqual([resumed.rowsRead, resumed.rowsInserted, resumed.rowsUpdated], [738, 738, 0])
      assert.equal(await incidentCount(), 738)
    })

    test('in generated files with injected faults, exactly the faulty rows are rejected and the good ones go in', async () => {
      const faults = {
        month: (row: string[]) => void (row[1] = '2023/04'),
        latitude: (row: string[]) => void (row[5] = '71.2'),
        lsoa: (row: string[]) => void (row[7] = 'S01000917'),
        missingColumn: (row: string[]) => void row.pop(),
        extraColumn: (row: string[]) => void row.push('extra'),
        invalidUtf8: (row: string[]) => void (row[6] = 'On or near \u0000'),
        hugeField: (row: string[]) => void (row[8] = 'x'.repeat(1024 * 1024)),
      }
      const line = fc.option(fc.constantFrom(...(Object.keys(faults) as (keyof typeof faults)[])), {
        freq: 2,
      })
      let n = 0
      const newline = fc.constantFrom('\n', '\r\n')
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(line, newline), { minLength: 1, maxLength: 30 }),
          fc.boolean(),
          fc.boolean(),
          async (generated, bom, strict) => {
            const lines = generated.map(([fault]) => fault)
            const rows = generated.map(([fault, end], index) => {
              const row = GOOD_ROW.replace('abc1', `run${n}-row${index}`).split(',')
              if (fault) faults[fault](row)
              return row.join(',') + end
            })
            // Line ends vary row by row: CRLF and LF mixed in one file.
            const text = `${bom ? '\uFEFF' : ''}${HEADER}\n${rows.join('')}`
            const bytes = Buffer.from(text, 'utf8')
            // A lone 0xFF byte is never valid UTF-8: put one where the NUL placeholder is.
            const content = Buffer.concat(
              bytes
                .toString('latin1')
                .split('\u0000')
                .flatMap((part, i) =>
                  i ? [Buffer.from([0xff]), Buffer.from(part, 'latin1')] : [Buffer.from(part, 'latin1')],
                ),
            )
            const file = await writeCsv(`faults-${n++}.csv`, content)
            const before = await incidentCount()
            const result = await importFile(file, { strict, batchSize: 4 })
            const faulty = lines.flatMap((fault, index) => (fault ? [index + 2] : []))
            const good = lines.length - faulty.length
            const reported = await database.db
              .selectFrom('import_rejection')
              .select('row_number')
              .where('import_run_id', '=', result.runId!)
              .orderBy('row_number')
              .execute()
            assert.deepEqual(
              reported.map((r) => r.row_number),
              faulty,
            )
            assert.equal(await incidentCount(), before + (strict && faulty.length ? 0 : good))
          },
        ),
        fuzzRuns(40),
      )
    })

    test('a run stopped by its signal is left interrupted and the next run completes it exactly', async () => {
      const stop = new AbortController()
      const stopped = await importFile(APRIL, {
        batchSize: 100,
        signal: stop.signal,
        onProgress: () => stop.abort(),
      })
      assert.equal(stopped.status, 'interrupted')
      assert.equal(await incidentCount(), 100)
      const resumed = await importFile(APRIL)
      assert.deepEqual([resumed.status, resumed.batchesSkipped, resumed.rowsInserted], ['completed', 1, 738])
      assert.equal(await incidentCount(), 738)
    })

    test('generated bad files never crash the importer and never leave a partial batch', async () => {
      const cell = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom(
          '',
          '"',
          '""',
          ',',
          '\n',
          '\r\n',
          'No Location',
          '2023-04',
          '-0.1',
          '51.5',
          'E01000917',
          'Burglary',
        ),
      )
      const row = fc.array(cell, { minLength: 10, maxLength: 14 }).map((cells) => cells.join(','))
      const textFile = fc
        .tuple(fc.boolean(), fc.array(fc.oneof(row, fc.constant(GOOD_ROW)), { maxLength: 25 }))
        .map(([withHeader, rows]) => Buffer.from(`${withHeader ? HEADER + '\n' : ''}${rows.join('\n')}`))
      const bytesFile = fc
        .uint8Array({ maxLength: 300 })
        .map((bytes) => Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from(bytes)]))
      let n = 0
      await fc.assert(
        fc.asyncProperty(fc.oneof(textFile, bytesFile), async (content) => {
          const file = await writeCsv(`generated-${n++}.csv`, content)
          const result = await importFile(file, { batchSize: 7 })
          assert.ok(['completed', 'failed', 'already-imported'].includes(result.status), result.status)
          if (result.status !== 'completed') return
          assert.equal(result.rowsRead, result.rowsInserted + result.rowsUpdated + result.rowsRejected)
          const batches = await database.db
            .selectFrom('import_batch')
            .select((eb) => [
              eb.fn.sum<number>('rows_inserted').as('inserted'),
              eb.fn.sum<number>('rows_updated').as('updated'),
            ])
            .where('import_run_id', '=', result.runId!)
            .executeTakeFirstOrThrow()
          const written = await sql<{
            n: number
          }>`select count(*)::int as n from incident where import_run_id = ${result.runId}`.execute(
            database.db,
          )
          assert.equal(written.rows[0]!.n, Number(batches.inserted ?? 0) + Number(batches.updated ?? 0))
        }),
        fuzzRuns(60),
      )
    })
  })
}
