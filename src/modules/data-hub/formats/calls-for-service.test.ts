import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { generateDemoPartnerFiles } from '../../../../scripts/generate-demo-partner-data.ts'
import { ManualClock } from '../../../clock.ts'
import { DEMO_PARTNER_DIR, loadDemoPartnerData } from '../demo-partner-data.ts'
import { importFile } from '../import-run.ts'
import {
  CALL_FOR_SERVICE_COLUMNS,
  callsForServiceFormat,
  checkCallsHeader,
  parseCallRow,
  unknownCallLabels,
} from './calls-for-service.ts'
import { detectFormat } from './index.ts'

const HEADER = CALL_FOR_SERVICE_COLUMNS.join(',')
const CALL = [
  'CAD-20230412-0042',
  '2023-04-12T22:15',
  '-0.110350',
  '51.518090',
  'On or near Holborn',
  'E01000917',
  'Concern for safety',
  'domestic-incident',
  'Emergency',
  'Y',
  'child; Mental health',
  'referred-to-partner',
]

function withField(column: (typeof CALL_FOR_SERVICE_COLUMNS)[number], value: string): string[] {
  const row = [...CALL]
  row[CALL_FOR_SERVICE_COLUMNS.indexOf(column)] = value
  return row
}

function rejectionOf(row: string[]) {
  const result = parseCallRow(row)
  assert.equal(result.ok, false, 'the row should be rejected')
  return (result as Extract<typeof result, { ok: false }>).rejection
}

function parsed(row: string[]) {
  const result = parseCallRow(row)
  assert.ok(result.ok, result.ok ? '' : result.rejection.reason)
  return result.row
}

describe('a calls-for-service row', () => {
  test('a call maps to an incident with its final category, UK time as an instant, and H3 cells', () => {
    const row = parsed(CALL)
    assert.equal(row.identity, 'call-for-service:CAD-20230412-0042')
    assert.equal(row.incident.kind, 'call-for-service')
    assert.equal(row.incident.source_reference, 'CAD-20230412-0042')
    assert.equal(row.incident.month, '2023-04-01')
    // 22:15 BST is 21:15 UTC.
    assert.equal(row.incident.occurred_at?.toISOString(), '2023-04-12T21:15:00.000Z')
    assert.equal(row.incident.category_code, 'domestic-incident')
    assert.equal(row.incident.category_label, 'Domestic incident')
    assert.equal(row.incident.last_outcome_code, 'referred-to-partner')
    assert.match(row.incident.h3_res9 ?? '', /^89[0-9a-f]+$/)
    assert.equal(row.detail.initial_category_code, 'concern-for-safety')
    assert.equal(row.detail.grade_code, 'emergency')
    assert.equal(row.detail.repeat_caller, true)
    assert.deepEqual(row.detail.vulnerability_codes, ['child', 'mental-health'])
  })

  test('a call received at 00:30 BST on 1 May is May, though it is still 30 April in UTC', () => {
    const row = parsed(withField('Received at', '2023-05-01T00:30'))
    assert.equal(row.incident.month, '2023-05-01')
    assert.equal(row.incident.occurred_at?.toISOString(), '2023-04-30T23:30:00.000Z')
  })

  test('a winter time is GMT, and an explicit offset is honoured', () => {
    assert.equal(
      parsed(withField('Received at', '2023-01-10T09:00')).incident.occurred_at?.toISOString(),
      '2023-01-10T09:00:00.000Z',
    )
    assert.equal(
      parsed(withField('Received at', '2023-04-10T09:00:30Z')).incident.occurred_at?.toISOString(),
      '2023-04-10T09:00:30.000Z',
    )
  })

  test('without a final category the initial one is the incident category', () => {
    const row = parsed(withField('Final category', ''))
    assert.equal(row.incident.category_code, 'concern-for-safety')
    assert.equal(row.detail.final_category_code, null)
  })

  test('a call with no location at all is kept without coordinates or cells', () => {
    const row = parsed(['CAD-1', '2023-04-01T10:00', '', '', '', '', 'Theft', '', 'Scheduled', '', '', ''])
    assert.equal(row.incident.longitude, null)
    assert.equal(row.incident.h3_res7, null)
    assert.equal(row.incident.location_text, null)
    assert.equal(row.detail.repeat_caller, null)
    assert.deepEqual(row.detail.vulnerability_codes, [])
  })

  test('labels outside the code lists are kept as unknown with their label, and reported', () => {
    const row = parsed(
      withField('Vulnerability flags', 'child;Hard of hearing;child').map((value, index) =>
        index === CALL_FOR_SERVICE_COLUMNS.indexOf('Final category') ? 'Fireworks' : value,
      ),
    )
    assert.equal(row.incident.category_code, 'unknown')
    assert.equal(row.incident.category_label, 'Fireworks')
    assert.deepEqual(row.detail.vulnerability_codes, ['child', 'unknown'])
    assert.deepEqual(row.detail.vulnerability_labels, ['Child (under 18)', 'Hard of hearing'])
    assert.deepEqual(unknownCallLabels(row), [
      { column: 'Final category', label: 'Fireworks' },
      { column: 'Vulnerability flags', label: 'Hard of hearing' },
    ])
  })

  const badValues: [(typeof CALL_FOR_SERVICE_COLUMNS)[number], string, RegExp][] = [
    ['Call reference', '', /empty/],
    ['Call reference', 'CAD 1', /only letters, digits/],
    ['Received at', '12/04/2023 22:15', /not a date and time/],
    ['Received at', '2023-04-12', /time is missing/],
    ['Received at', '2023-02-30T10:00', /not a date in the calendar/],
    ['Received at', '2023-04-12T24:10', /not a time of day/],
    ['Longitude', '2.35', /outside the United Kingdom/],
    ['Latitude', 'north', /not a decimal number/],
    ['LSOA code', 'E0100091', /E01 or W01/],
    ['Initial category', '', /empty/],
    ['Grade', '', /empty/],
    ['Repeat caller', 'maybe', /not Y or N/],
  ]
  for (const [column, value, reason] of badValues) {
    test(`${column} '${value}' is rejected naming the column and why`, () => {
      const rejection = rejectionOf(withField(column, value))
      assert.equal(rejection.column, column)
      assert.equal(rejection.value, value)
      assert.match(rejection.reason, reason)
    })
  }

  test('a row with the wrong number of columns is rejected', () => {
    assert.match(rejectionOf(CALL.slice(1)).reason, /has 11 columns, expected 12/)
  })

  test('a header that is not the format names the expected columns', () => {
    const problem = checkCallsHeader(CALL_FOR_SERVICE_COLUMNS.filter((column) => column !== 'Grade'))
    assert.match(problem ?? '', /no 'Grade' column/)
    assert.match(problem ?? '', new RegExp(HEADER))
    assert.equal(checkCallsHeader([...CALL_FOR_SERVICE_COLUMNS]), null)
  })

  test('generated rows never throw: each is a call or a rejection naming one of the columns', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '',
        '2023-04-12T22:15',
        '-0.11',
        '51.5',
        'E01000917',
        'Emergency',
        'Y',
        'child;;x',
        '\uFFFD',
      ),
    )
    fc.assert(
      fc.property(fc.array(cell, { minLength: 10, maxLength: 14 }), (fields) => {
        const result = parseCallRow(fields)
        if (result.ok) return
        const column = result.rejection.column
        assert.ok(
          column === null || (CALL_FOR_SERVICE_COLUMNS as readonly string[]).includes(column),
          column ?? '',
        )
        assert.ok(result.rejection.reason.length > 0)
      }),
    )
  })
})

describe('the demo partner samples', () => {
  test('the committed files are exactly what the seeded generator writes', async () => {
    for (const [name, content] of Object.entries(generateDemoPartnerFiles())) {
      const committed = await readFile(path.join(DEMO_PARTNER_DIR, name), 'utf8')
      assert.ok(
        committed === content,
        `${name} differs: run node --import tsx scripts/generate-demo-partner-data.ts`,
      )
    }
  })
})

for (const backend of backends()) {
  describe(`importing calls for service on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    let fileNo = 0
    const writeCsv = async (rows: string[][], header = HEADER) => {
      const file = path.join(folder, `calls-${fileNo++}.csv`)
      await writeFile(file, [header, ...rows.map((row) => row.join(','))].join('\r\n') + '\r\n')
      return file
    }
    const details = () =>
      database.db
        .selectFrom('incident')
        .innerJoin('call_for_service_detail as detail', 'detail.incident_id', 'incident.id')
        .select(['incident.source_reference', 'incident.category_code', 'detail.vulnerability_codes'])
        .orderBy('incident.source_reference')
        .execute()

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-calls-'))
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

    test('good rows go in with their detail, bad rows are reported by row and column', async () => {
      const file = await writeCsv([
        CALL,
        withField('Call reference', 'CAD-2'),
        withField('Received at', 'yesterday'),
        withField('Call reference', 'CAD-3').map((value, i) => (i === 2 ? '12.5' : value)),
      ])
      const result = await importFile(database.db, callsForServiceFormat, { file, clock })
      assert.equal(result.status, 'completed')
      assert.deepEqual([result.rowsRead, result.rowsInserted, result.rowsRejected], [4, 2, 2])
      assert.deepEqual(
        result.firstRejections.map((r) => [r.rowNumber, r.column]),
        [
          [4, 'Received at'],
          [5, 'Longitude'],
        ],
      )
      assert.deepEqual(await details(), [
        {
          source_reference: 'CAD-2',
          category_code: 'domestic-incident',
          vulnerability_codes: ['child', 'mental-health'],
        },
        {
          source_reference: 'CAD-20230412-0042',
          category_code: 'domestic-incident',
          vulnerability_codes: ['child', 'mental-health'],
        },
      ])
    })

    test('a re-published call updates its incident and detail in place; the same file again adds nothing', async () => {
      const first = await writeCsv([CALL])
      await importFile(database.db, callsForServiceFormat, { file: first, clock })
      const again = await importFile(database.db, callsForServiceFormat, { file: first, clock })
      assert.equal(again.status, 'already-imported')
      const corrected = await writeCsv([
        withField('Final category', 'Violence against the person').map((value, i) => (i === 10 ? '' : value)),
      ])
      const result = await importFile(database.db, callsForServiceFormat, { file: corrected, clock })
      assert.deepEqual([result.rowsInserted, result.rowsUpdated], [0, 1])
      assert.deepEqual(await details(), [
        { source_reference: 'CAD-20230412-0042', category_code: 'violence', vulnerability_codes: [] },
      ])
    })

    test('the demo sample imports whole, with most calls in the LSOA with most crimes', async () => {
      const file = path.join(DEMO_PARTNER_DIR, 'calls-for-service.csv')
      const result = await importFile(database.db, callsForServiceFormat, { file, clock })
      assert.deepEqual([result.status, result.rowsRejected, result.unknownLabels], ['completed', 0, []])
      assert.ok(result.rowsInserted > 500, `${result.rowsInserted} calls`)
      const busiest = await sql<{ lsoa_code: string }>`
        select lsoa_code from incident where kind = 'call-for-service' and lsoa_code is not null
        group by lsoa_code order by count(*) desc limit 1`.execute(database.db)
      // E01032739 (City of London 001F) has most of the sample's crimes.
      assert.equal(busiest.rows[0]!.lsoa_code, 'E01032739')
    })

    test('the demo loader imports the three partner files, and loading again adds nothing', async () => {
      const first = await loadDemoPartnerData(database.db, clock)
      assert.match(first, /^\d+ calls for service, \d+ A&E assault attendances, \d+ missing episodes/)
      const again = await loadDemoPartnerData(database.db, clock)
      assert.match(again, /^0 calls for service, 0 A&E assault attendances, 0 missing episodes/)
    })

    test('the file is recognised by its header for upstream import auto', async () => {
      const file = await writeCsv([CALL])
      assert.equal((await detectFormat(file))?.kind, 'call-for-service')
    })
  })
}
