import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { DEMO_PARTNER_DIR } from '../demo-partner-data.ts'
import { importFile } from '../import-run.ts'
import {
  AE_ASSAULT_COLUMNS,
  aeAssaultsFormat,
  checkAeHeader,
  looksLikeNhsNumber,
  parseAeRow,
  unknownAeLabels,
} from './ae-assaults.ts'
import { detectFormat } from './index.ts'

const HEADER = AE_ASSAULT_COLUMNS.join(',')
const ATTENDANCE = [
  'SVH01',
  'ED-2023-004512',
  '2023-04-15T01:40',
  '2023-04-14T23:55',
  'licensed-premises',
  'Outside a bar on Holborn',
  '-0.110350',
  '51.518090',
  'E01000917',
  'Glass or bottle',
  'broken pint glass',
  '2',
  'stranger',
  'male',
]

function withField(column: (typeof AE_ASSAULT_COLUMNS)[number], value: string): string[] {
  const row = [...ATTENDANCE]
  row[AE_ASSAULT_COLUMNS.indexOf(column)] = value
  return row
}

function parsed(row: string[]) {
  const result = parseAeRow(row)
  assert.ok(result.ok, result.ok ? '' : result.rejection.reason)
  return result.row
}

function rejectionOf(row: string[]) {
  const result = parseAeRow(row)
  assert.equal(result.ok, false, 'the row should be rejected')
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('an A&E assault attendance row', () => {
  test('an attendance maps to an incident at the assault time and place, with the method as its category', () => {
    const row = parsed(ATTENDANCE)
    assert.equal(row.identity, 'ae-assault:SVH01:ED-2023-004512')
    assert.equal(row.incident.kind, 'ae-assault')
    assert.equal(row.incident.month, '2023-04-01')
    assert.equal(row.incident.occurred_at?.toISOString(), '2023-04-14T22:55:00.000Z')
    assert.equal(row.incident.category_code, 'glass')
    assert.equal(row.incident.reported_by, 'SVH01')
    assert.equal(row.incident.location_text, 'Outside a bar on Holborn')
    assert.match(row.incident.h3_res8 ?? '', /^88[0-9a-f]+$/)
    assert.equal(row.detail.arrival_at?.valueOf(), new Date('2023-04-15T00:40:00Z').valueOf())
    assert.equal(row.detail.location_type_code, 'licensed-premises')
    assert.equal(row.detail.assailant_count, 2)
    assert.equal(row.detail.assailant_relationship_code, 'stranger')
    assert.equal(row.detail.assailant_gender_code, 'male')
  })

  test('an assault whose time is not known keeps its date and month, with no instant', () => {
    const row = parsed(withField('Assault at', '2023-04-14'))
    assert.equal(row.incident.occurred_at, null)
    assert.equal(row.incident.month, '2023-04-01')
    assert.equal(row.detail.assault_date, '2023-04-14')
  })

  test('assailant details not given stay empty, and unknown labels are kept and reported', () => {
    const row = parsed(
      withField('Assault location type', 'Festival').map((value, index) =>
        index >= AE_ASSAULT_COLUMNS.indexOf('Number of assailants') ? '' : value,
      ),
    )
    assert.equal(row.detail.assailant_count, null)
    assert.equal(row.detail.assailant_gender_code, null)
    assert.equal(row.detail.location_type_code, 'unknown')
    assert.deepEqual(unknownAeLabels(row), [{ column: 'Assault location type', label: 'Festival' }])
  })

  test('an attendance reference that is an NHS number is rejected without copying it into the report', () => {
    assert.ok(looksLikeNhsNumber('943 476 5919'))
    assert.ok(!looksLikeNhsNumber('9434765918'))
    const rejection = rejectionOf(withField('Attendance reference', '9434765919'))
    assert.equal(rejection.column, 'Attendance reference')
    assert.equal(rejection.value, null)
    assert.match(rejection.reason, /looks like an NHS number/)
  })

  test('a row with an extra column is rejected without copying the row into the report', () => {
    const rejection = rejectionOf([...ATTENDANCE, '9434765919'])
    assert.deepEqual(rejection, { column: null, value: null, reason: 'the row has 15 columns, expected 14' })
  })

  const badValues: [(typeof AE_ASSAULT_COLUMNS)[number], string, RegExp][] = [
    ['Site code', 'svh', /ODS site code/],
    ['Attendance reference', '', /empty/],
    ['Arrival at', '2023-04-15', /time is missing/],
    ['Assault at', '2023-04-15T02:00', /after the arrival/],
    ['Assault at', '', /not a date and time/],
    ['Assault location type', '', /empty/],
    ['Longitude', '-12.1', /outside the United Kingdom/],
    ['LSOA code', 'S01000001', /E01 or W01/],
    ['Assault method', '', /empty/],
    ['Number of assailants', 'several', /whole number/],
  ]
  for (const [column, value, reason] of badValues) {
    test(`${column} '${value}' is rejected naming the column and why`, () => {
      const rejection = rejectionOf(withField(column, value))
      assert.equal(rejection.column, column)
      assert.match(rejection.reason, reason)
    })
  }

  test('a header with a patient identifier column is refused, naming it', () => {
    const problem = checkAeHeader([...AE_ASSAULT_COLUMNS, 'NHS number', 'Date of Birth'])
    assert.match(problem ?? '', /patient identifiers \('NHS number', 'Date of Birth'\)/)
    assert.match(problem ?? '', /must be anonymous/)
    assert.equal(checkAeHeader([...AE_ASSAULT_COLUMNS]), null)
  })

  test('a header missing a column names the expected columns', () => {
    assert.match(checkAeHeader(AE_ASSAULT_COLUMNS.slice(1)) ?? '', /no 'Site code' column/)
  })

  test('generated rows never throw: each is an attendance or a rejection naming one of the columns', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '',
        'SVH01',
        '2023-04-14T23:55',
        '2023-04-14',
        'knife',
        'home',
        '-0.1',
        '51.5',
        '3',
        '9434765919',
      ),
    )
    fc.assert(
      fc.property(fc.array(cell, { minLength: 12, maxLength: 16 }), (fields) => {
        const result = parseAeRow(fields)
        if (result.ok) return
        const column = result.rejection.column
        assert.ok(column === null || (AE_ASSAULT_COLUMNS as readonly string[]).includes(column), column ?? '')
      }),
    )
  })
})

for (const backend of backends()) {
  describe(`importing A&E assault attendances on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    let fileNo = 0
    const writeCsv = async (rows: string[][], header = HEADER) => {
      const file = path.join(folder, `ae-${fileNo++}.csv`)
      await writeFile(file, [header, ...rows.map((row) => row.join(','))].join('\n') + '\n')
      return file
    }
    const count = async (table: 'incident' | 'ae_assault_detail') =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(database.db))
        .rows[0]!.n

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-ae-'))
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

    test('a file with a patient identifier column imports nothing and says why', async () => {
      const file = await writeCsv([[...ATTENDANCE, '9434765919']], `${HEADER},NHS number`)
      const result = await importFile(database.db, aeAssaultsFormat, { file, clock })
      assert.equal(result.status, 'failed')
      assert.match(result.message ?? '', /patient identifiers \('NHS number'\)/)
      assert.equal(await count('incident'), 0)
      assert.equal(await detectFormat(file), null, 'auto-detection does not take it for an A&E file either')
    })

    test('the demo sample imports whole, every attendance in the sample months', async () => {
      const file = path.join(DEMO_PARTNER_DIR, 'ae-assaults.csv')
      const result = await importFile(database.db, aeAssaultsFormat, { file, clock })
      assert.deepEqual([result.status, result.rowsRejected, result.unknownLabels], ['completed', 0, []])
      const months = await sql<{ month: string }>`
        select distinct to_char(month, 'YYYY-MM') as month from incident order by 1`.execute(database.db)
      assert.deepEqual(
        months.rows.map((row) => row.month),
        ['2023-04', '2023-05'],
      )
    })

    test('attendances go in with their detail; the same references again update in place', async () => {
      const first = await writeCsv([ATTENDANCE, withField('Attendance reference', 'ED-2')])
      const result = await importFile(database.db, aeAssaultsFormat, { file: first, clock })
      assert.deepEqual([result.status, result.rowsInserted, result.rowsRejected], ['completed', 2, 0])
      const corrected = await writeCsv([withField('Assault method', 'knife')])
      const update = await importFile(database.db, aeAssaultsFormat, { file: corrected, clock })
      assert.deepEqual([update.rowsInserted, update.rowsUpdated], [0, 1])
      assert.equal(await count('incident'), 2)
      assert.equal(await count('ae_assault_detail'), 2)
      const detail = await database.db
        .selectFrom('ae_assault_detail')
        .innerJoin('incident', 'incident.id', 'ae_assault_detail.incident_id')
        .select(['method_code', 'incident.category_code', 'assault_date'])
        .where('incident.source_reference', '=', 'ED-2023-004512')
        .executeTakeFirstOrThrow()
      assert.deepEqual(detail, { method_code: 'knife', category_code: 'knife', assault_date: '2023-04-14' })
      assert.equal((await detectFormat(first))?.kind, 'ae-assault')
    })
  })
}
