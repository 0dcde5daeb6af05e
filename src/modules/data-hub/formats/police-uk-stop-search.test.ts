import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { runCliCapturing } from '../../../../test/cli-runner.ts'
import { ManualClock } from '../../../clock.ts'
import { importFile, type ImportOptions } from '../import-run.ts'
import { incidentStats } from '../incident-stats.ts'
import type { ImportFormat } from './import-format.ts'
import {
  checkStopSearchHeader,
  parseStopSearchRow,
  policeUkStopSearchFormat,
  POLICE_UK_STOP_SEARCH_COLUMNS,
} from './police-uk-stop-search.ts'

const SAMPLES = path.resolve(import.meta.dirname, '../../../../samples/police-uk')
const NORTH_WALES = path.join(SAMPLES, '2023-04-north-wales-stop-and-search.csv')
const CITY_OUTCOMES = path.join(SAMPLES, '2023-04-city-of-london-outcomes.csv')
const HEADER = POLICE_UK_STOP_SEARCH_COLUMNS.join(',')

/** The first row of the North Wales sample. */
const SEARCH = [
  'Person search',
  '2023-03-31T23:45:00+00:00',
  '',
  '',
  '53.322575',
  '-3.493349',
  'Male',
  '10-17',
  'Mixed/Multiple ethnic groups - White and Black Caribbean',
  'White',
  'Misuse of Drugs Act 1971 (section 23)',
  'Controlled drugs',
  'Arrest',
  'True',
  'False',
]

function withField(column: (typeof POLICE_UK_STOP_SEARCH_COLUMNS)[number], value: string): string[] {
  const row = [...SEARCH]
  row[POLICE_UK_STOP_SEARCH_COLUMNS.indexOf(column)] = value
  return row
}

function rejectionOf(row: string[]) {
  const result = parseStopSearchRow(row)
  assert.equal(result.ok, false)
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('a data.police.uk stop-and-search row', () => {
  test('maps to a stop-and-search incident with its time, London month, point and details', () => {
    const result = parseStopSearchRow(SEARCH)
    assert.ok(result.ok)
    const { row } = result
    assert.equal(row.kind, 'stop-and-search')
    assert.deepEqual([row.category_code, row.category_label], ['person-search', 'Person search'])
    assert.equal((row.occurred_at as Date).toISOString(), '2023-03-31T23:45:00.000Z')
    // 00:45 on 1 April in London, and data.police.uk files it under April.
    assert.equal(row.month, '2023-04-01')
    assert.deepEqual([row.latitude, row.longitude], [53.322575, -3.493349])
    assert.match(row.h3_res8 ?? '', /^88[0-9a-f]+$/)
    assert.match(row.identity, /^police-uk-stop-search:2023-04:[0-9a-f]{64}$/)
    assert.deepEqual(row.details, {
      search_type: 'Person search',
      part_of_policing_operation: null,
      policing_operation: null,
      gender: 'Male',
      age_range: '10-17',
      self_defined_ethnicity: 'Mixed/Multiple ethnic groups - White and Black Caribbean',
      officer_defined_ethnicity: 'White',
      legislation: 'Misuse of Drugs Act 1971 (section 23)',
      object_of_search: 'Controlled drugs',
      outcome: 'Arrest',
      outcome_linked_to_object_of_search: true,
      removal_of_more_than_just_outer_clothing: false,
    })
    assert.deepEqual(policeUkStopSearchFormat.unknownLabels!(row), [])
  })

  test('a winter time stays in its own month', () => {
    const result = parseStopSearchRow(withField('Date', '2023-01-31T23:45:00+00:00'))
    assert.ok(result.ok)
    assert.equal(result.row.month, '2023-01-01')
  })

  test('a search without a point is kept with no coordinates or cells', () => {
    const row = withField('Latitude', '')
    row[POLICE_UK_STOP_SEARCH_COLUMNS.indexOf('Longitude')] = ''
    const result = parseStopSearchRow(row)
    assert.ok(result.ok)
    assert.deepEqual([result.row.latitude, result.row.h3_res7], [null, null])
  })

  test('an unknown type, gender, age range or officer-defined ethnicity is kept and reported', () => {
    const row = withField('Type', 'Boat search')
    row[POLICE_UK_STOP_SEARCH_COLUMNS.indexOf('Age range')] = '35-44'
    const result = parseStopSearchRow(row)
    assert.ok(result.ok)
    assert.deepEqual([result.row.category_code, result.row.category_label], ['unknown', 'Boat search'])
    assert.deepEqual(policeUkStopSearchFormat.unknownLabels!(result.row), [
      { column: 'Type', label: 'Boat search' },
      { column: 'Age range', label: '35-44' },
    ])
  })

  test('a date that is not an ISO date and time, or not a real one, is rejected naming Date', () => {
    for (const date of [
      '2023-04-01',
      '01/04/2023 13:00',
      '2023-04-31T10:00:00+00:00',
      '2023-04-01T24:10:00Z',
      '',
    ]) {
      const rejection = rejectionOf(withField('Date', date))
      assert.equal(rejection.column, 'Date', date)
      assert.match(rejection.reason, /ISO 8601/)
    }
  })

  test('latitude comes before longitude, and each is checked under its own name', () => {
    assert.equal(rejectionOf(withField('Latitude', '-3.493349')).column, 'Latitude')
    assert.equal(rejectionOf(withField('Longitude', '53.322575')).column, 'Longitude')
  })

  test('a yes/no column holding something else than True, False or empty is rejected naming it', () => {
    const rejection = rejectionOf(withField('Removal of more than just outer clothing', 'Yes'))
    assert.equal(rejection.column, 'Removal of more than just outer clothing')
    assert.equal(rejectionOf(withField('Type', '')).column, 'Type')
  })

  test('a header with the coordinates the other way round names the expected columns', () => {
    const swapped = [...POLICE_UK_STOP_SEARCH_COLUMNS]
    swapped[4] = 'Longitude'
    swapped[5] = 'Latitude'
    assert.match(
      checkStopSearchHeader(swapped) ?? '',
      /not in the expected order.*Expected the columns: Type,Date,/,
    )
    assert.equal(checkStopSearchHeader([...POLICE_UK_STOP_SEARCH_COLUMNS]), null)
  })

  test('generated rows are always either mapped or rejected with a reason, never thrown', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '',
        'True',
        'false',
        '2023-04-01T13:05:00+00:00',
        '2023-13-01T00:00:00Z',
        '53.3',
        '-3.4',
        'Male',
      ),
    )
    fc.assert(
      fc.property(fc.array(cell, { minLength: 13, maxLength: 17 }), (fields) => {
        const result = parseStopSearchRow(fields)
        if (result.ok) assert.match(result.row.month, /^\d{4}-\d{2}-01$/)
        else assert.ok(result.rejection.reason.length > 0)
      }),
    )
  })
})

for (const backend of backends()) {
  describe(`importing data.police.uk stop-and-search files on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    const stopSearch = (file: string, options: Partial<ImportOptions> = {}) =>
      importFile(database.db, policeUkStopSearchFormat as ImportFormat, { file, clock, ...options })
    const writeCsv = async (name: string, content: string | Buffer) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }
    const counts = async () => {
      const row = await sql<{ incidents: number; details: number; orphans: number }>`
        select (select count(*)::int from incident) as incidents,
          (select count(*)::int from police_uk_stop_search) as details,
          (select count(*)::int from incident i where not exists
            (select 1 from police_uk_stop_search d where d.incident_id = i.id)) as orphans`.execute(
        database.db,
      )
      return row.rows[0]!
    }

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-police-uk-stop-search-'))
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

    test('the April North Wales file gives 205 person searches, all in April, each with its details', async () => {
      const result = await stopSearch(NORTH_WALES)
      assert.equal(result.status, 'completed')
      assert.deepEqual(
        [result.rowsRead, result.rowsInserted, result.rowsUpdated, result.rowsRejected],
        [205, 205, 0, 0],
      )
      assert.deepEqual(result.unknownLabels, [])
      const stats = await incidentStats(database.db, { kinds: ['stop-and-search'] })
      assert.deepEqual(
        [stats.total, stats.byType, stats.byMonth],
        [205, { 'person-search': 205 }, { '2023-04': 205 }],
      )
      assert.deepEqual(await counts(), { incidents: 205, details: 205, orphans: 0 })
      const byOutcome = await sql<{ outcome: string | null; n: number }>`
        select outcome, count(*)::int as n from police_uk_stop_search group by outcome order by outcome nulls first`.execute(
        database.db,
      )
      assert.deepEqual(
        byOutcome.rows.map((row) => [row.outcome, row.n]),
        [
          [null, 35],
          ['A no further action disposal', 119],
          ['Arrest', 31],
          ['Caution (simple or conditional)', 2],
          ['Community resolution', 16],
          ['Summons / charged by post', 2],
        ],
      )
      const noPoint = await sql<{ n: number }>`
        select count(*)::int as n from incident where latitude is null and h3_res9 is null`.execute(
        database.db,
      )
      assert.equal(noPoint.rows[0]!.n, 6)
    })

    test('importing the file again, or a copy with other line endings, adds nothing', async () => {
      await stopSearch(NORTH_WALES)
      assert.equal((await stopSearch(NORTH_WALES)).status, 'already-imported')
      const crlf = await writeCsv('crlf.csv', (await readFile(NORTH_WALES, 'utf8')).replaceAll('\n', '\r\n'))
      const copy = await stopSearch(crlf)
      assert.deepEqual([copy.status, copy.rowsInserted, copy.rowsUpdated], ['completed', 0, 205])
      assert.deepEqual(await counts(), { incidents: 205, details: 205, orphans: 0 })
    })

    test('bad rows are reported with row number, column and reason while good rows go in', async () => {
      const good = SEARCH.join(',')
      const file = await writeCsv(
        'bad.csv',
        [
          HEADER,
          good,
          withField('Date', '2023-04-31T10:00:00+00:00').join(','),
          withField('Latitude', '48.85').join(','),
          withField('Part of a policing operation', 'Yes').join(','),
          good,
          '',
        ].join('\n'),
      )
      const result = await stopSearch(file)
      assert.deepEqual([result.rowsRead, result.rowsInserted, result.rowsRejected], [5, 2, 3])
      assert.deepEqual(
        result.firstRejections.map((r) => [r.rowNumber, r.column]),
        [
          [3, 'Date'],
          [4, 'Latitude'],
          [5, 'Part of a policing operation'],
        ],
      )
      assert.deepEqual(await counts(), { incidents: 2, details: 2, orphans: 0 })
    })

    test('generated bad files never crash the importer and every incident written has its details', async () => {
      const cell = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom(
          '',
          '"',
          ',',
          '\n',
          'True',
          '2023-04-01T13:05:00+00:00',
          '53.3',
          '-3.4',
          'Person search',
        ),
      )
      const row = fc.array(cell, { minLength: 13, maxLength: 17 }).map((cells) => cells.join(','))
      const good = fc
        .nat({ max: 59 })
        .map((minute) =>
          withField('Date', `2023-04-02T10:${String(minute).padStart(2, '0')}:00+00:00`).join(','),
        )
      const content = fc.oneof(
        fc
          .tuple(fc.boolean(), fc.array(fc.oneof(row, good), { maxLength: 20 }))
          .map(([withHeader, rows]) => Buffer.from(`${withHeader ? `${HEADER}\n` : ''}${rows.join('\n')}`)),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from(`${HEADER}\n`), bytes])),
      )
      let n = 0
      await fc.assert(
        fc.asyncProperty(content, async (bytes) => {
          const file = await writeCsv(`generated-${n++}.csv`, bytes)
          const before = await counts()
          const result = await stopSearch(file, { batchSize: 5 })
          assert.ok(['completed', 'failed', 'already-imported'].includes(result.status), result.status)
          const after = await counts()
          assert.equal(after.orphans, 0)
          if (result.status !== 'completed') return
          assert.equal(result.rowsRead, result.rowsInserted + result.rowsUpdated + result.rowsRejected)
          assert.equal(after.incidents, before.incidents + result.rowsInserted)
        }),
        { numRuns: 25 },
      )
    })
  })

  describe(`upstream import auto on ${backend.name}`, () => {
    const names = ['DATABASE_URL', 'UPSTREAM_DATA_DIR'] as const
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
    let folder: string
    let database: TestDatabase | undefined

    beforeEach(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-police-uk-auto-'))
      if (backend.name === 'postgres') {
        database = await backend.create()
        process.env.DATABASE_URL = database.url
      } else {
        delete process.env.DATABASE_URL
        process.env.UPSTREAM_DATA_DIR = path.join(folder, 'data')
      }
    })
    afterEach(async () => {
      await database?.close()
      database = undefined
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
      await rm(folder, { recursive: true, force: true })
    })

    test('tells an outcomes file and a stop-and-search file from their headers', async () => {
      const imported = await runCliCapturing('import', 'auto', CITY_OUTCOMES, NORTH_WALES, '--json')
      assert.equal(imported.code, 0, imported.stderr)
      const { results } = JSON.parse(imported.stdout) as { results: { kind: string; rowsInserted: number }[] }
      assert.deepEqual(
        results.map((result) => [result.kind, result.rowsInserted]),
        [
          ['police-uk-outcomes', 431],
          ['police-uk-stop-search', 205],
        ],
      )
    })
  })
}
