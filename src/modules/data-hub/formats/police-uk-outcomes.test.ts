import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importFile, type ImportOptions } from '../import-run.ts'
import type { ImportFormat } from './import-format.ts'
import { OUTCOME_CATEGORIES, outcomeCode } from './police-uk-outcome-codes.ts'
import {
  checkOutcomesHeader,
  parseOutcomeRow,
  policeUkOutcomesFormat,
  POLICE_UK_OUTCOMES_COLUMNS,
} from './police-uk-outcomes.ts'
import { parseStreetRow, policeUkStreetFormat } from './police-uk-street.ts'

const SAMPLES = path.resolve(import.meta.dirname, '../../../../samples/police-uk')
const APRIL_STREET = path.join(SAMPLES, '2023-04-city-of-london-street.csv')
const APRIL_OUTCOMES = path.join(SAMPLES, '2023-04-city-of-london-outcomes.csv')
const HEADER = POLICE_UK_OUTCOMES_COLUMNS.join(',')

/** A crime on one row of the April street file, whose last outcome there is 'Status update unavailable'. */
const ONCE = '41f5b4e5c183ea17cc6c92fecbd2f408094104d0d0dc0e4cfe9873eda383af4b'
/** A crime on two rows of the April street file. */
const TWICE = 'fa2c2699bff7ecb686d1a322ac325b1f97fd75dff32df3fee6b85b2749674221'

const OUTCOME = [
  'b0bffb2ae0f2d3d4268c22368747772d1cf2c7a796644a5e15802f97c9faf7c9',
  '2023-04',
  'City of London Police',
  'City of London Police',
  '-0.095924',
  '51.513882',
  'On or near ',
  'E01032739',
  'City of London 001F',
  'Investigation complete; no suspect identified',
]

function outcomeLine(crimeId: string, month: string, outcome: string): string {
  return [
    crimeId,
    month,
    'City of London Police',
    'City of London Police',
    '',
    '',
    'No location',
    '',
    '',
    outcome,
  ].join(',')
}

function withField(column: (typeof POLICE_UK_OUTCOMES_COLUMNS)[number], value: string): string[] {
  const row = [...OUTCOME]
  row[POLICE_UK_OUTCOMES_COLUMNS.indexOf(column)] = value
  return row
}

function rejectionOf(row: string[]) {
  const result = parseOutcomeRow(row)
  assert.equal(result.ok, false)
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('a data.police.uk outcomes row', () => {
  test('maps to its crime, first-of-month date, outcome code and label', () => {
    const result = parseOutcomeRow(OUTCOME)
    assert.ok(result.ok)
    assert.equal(result.row.crime_id, OUTCOME[0])
    assert.equal(result.row.month, '2023-04-01')
    assert.equal(result.row.outcome_code, 'no-further-action')
    assert.equal(result.row.outcome_label, 'Investigation complete; no suspect identified')
    assert.equal(result.row.location_text, 'On or near')
    assert.equal(
      result.row.identity,
      `police-uk-outcome:${OUTCOME[0]}:2023-04:Investigation complete; no suspect identified`,
    )
    assert.deepEqual(policeUkOutcomesFormat.unknownLabels!(result.row), [])
  })

  test('an unknown outcome type is kept with code unknown and reported', () => {
    const result = parseOutcomeRow(withField('Outcome type', 'Sent to sea'))
    assert.ok(result.ok)
    assert.deepEqual([result.row.outcome_code, result.row.outcome_label], ['unknown', 'Sent to sea'])
    assert.deepEqual(policeUkOutcomesFormat.unknownLabels!(result.row), [
      { column: 'Outcome type', label: 'Sent to sea' },
    ])
  })

  test('a row without a Crime ID or an outcome type is rejected naming the column', () => {
    assert.equal(rejectionOf(withField('Crime ID', '')).column, 'Crime ID')
    assert.equal(rejectionOf(withField('Outcome type', '')).column, 'Outcome type')
  })

  test('a bad month, point or LSOA code is rejected naming its column', () => {
    assert.equal(rejectionOf(withField('Month', '2023-4')).column, 'Month')
    assert.equal(rejectionOf(withField('Latitude', '')).column, 'Latitude')
    assert.equal(rejectionOf(withField('Longitude', '12.5')).column, 'Longitude')
    assert.equal(rejectionOf(withField('LSOA code', 'X01032739')).column, 'LSOA code')
  })

  test('a header that is a street file header names the outcomes columns', () => {
    const problem = checkOutcomesHeader(policeUkStreetFormat.columns)
    assert.match(problem ?? '', /no 'Outcome type' column/)
    assert.match(problem ?? '', /Expected the columns: Crime ID,Month,.*,LSOA name,Outcome type$/)
    assert.equal(checkOutcomesHeader([...POLICE_UK_OUTCOMES_COLUMNS]), null)
  })

  test('every published outcome label has a code, and the codes are lower case words and hyphens', () => {
    for (const label of Object.keys(OUTCOME_CATEGORIES))
      assert.match(outcomeCode(label), /^[a-z]+(-[a-z]+)*$/)
    assert.equal(outcomeCode('Offender given penalty notice'), outcomeCode('Offender given a penalty notice'))
    assert.equal(outcomeCode('constructor'), 'unknown')
  })

  test('generated rows are always either mapped or rejected with a reason, never thrown', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '',
        '2023-04',
        '2023-13',
        '-0.09',
        '51.51',
        '99',
        'E01032739',
        'Suspect charged',
        '\uFFFD',
      ),
    )
    fc.assert(
      fc.property(fc.array(cell, { minLength: 8, maxLength: 12 }), (fields) => {
        const result = parseOutcomeRow(fields)
        if (result.ok) {
          assert.match(result.row.month, /^\d{4}-\d{2}-01$/)
          assert.notEqual(result.row.crime_id, '')
        } else {
          assert.ok(result.rejection.reason.length > 0)
          assert.ok(
            result.rejection.column === null ||
              POLICE_UK_OUTCOMES_COLUMNS.includes(result.rejection.column as never),
          )
        }
      }),
    )
  })
})

for (const backend of backends()) {
  describe(`importing data.police.uk outcomes files on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    const load = (format: ImportFormat, file: string, options: Partial<ImportOptions> = {}) =>
      importFile(database.db, format, { file, clock, ...options })
    const outcomes = (file: string, options: Partial<ImportOptions> = {}) =>
      load(policeUkOutcomesFormat as ImportFormat, file, options)
    const street = (file: string) => load(policeUkStreetFormat as ImportFormat, file)
    const writeCsv = async (name: string, content: string | Buffer) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }
    const historyCount = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from police_uk_outcome`.execute(database.db))
          .rows[0]!.n,
      )
    const outcomesOf = async (crimeId: string) =>
      (
        await database.db
          .selectFrom('incident')
          .select(['last_outcome_code', 'last_outcome_label'])
          .where('crime_id', '=', crimeId)
          .orderBy('natural_key')
          .execute()
      ).map((row) => [row.last_outcome_code, row.last_outcome_label])
    /** Every incident's latest outcome, for comparing the end states of two orders of import. */
    const incidentOutcomes = async () =>
      (
        await sql<{ natural_key: string; code: string | null; label: string | null }>`
          select natural_key, last_outcome_code as code, last_outcome_label as label
          from incident order by natural_key`.execute(database.db)
      ).rows

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-police-uk-outcomes-'))
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

    test('the April City of London outcomes file keeps all 431 outcomes, for crimes imported or not', async () => {
      const result = await outcomes(APRIL_OUTCOMES)
      assert.equal(result.status, 'completed')
      assert.deepEqual(
        [result.rowsRead, result.rowsInserted, result.rowsUpdated, result.rowsRejected],
        [431, 431, 0, 0],
      )
      assert.deepEqual(result.unknownLabels, [])
      const byCode = await sql<{ outcome_code: string; n: number }>`
        select outcome_code, count(*)::int as n from police_uk_outcome group by outcome_code order by outcome_code`.execute(
        database.db,
      )
      assert.deepEqual(Object.fromEntries(byCode.rows.map((row) => [row.outcome_code, row.n])), {
        'action-taken-by-another-organisation': 6,
        cautioned: 4,
        charged: 40,
        'drugs-possession-warning': 18,
        'formal-action-not-in-public-interest': 9,
        'further-investigation-not-in-public-interest': 2,
        'local-resolution': 2,
        'no-further-action': 313,
        'penalty-notice-issued': 2,
        'unable-to-prosecute': 35,
      })
    })

    test('importing the outcomes file again, or a copy with other line endings, adds nothing', async () => {
      await outcomes(APRIL_OUTCOMES)
      const again = await outcomes(APRIL_OUTCOMES)
      assert.equal(again.status, 'already-imported')
      const crlf = await writeCsv(
        'crlf-outcomes.csv',
        (await readFile(APRIL_OUTCOMES, 'utf8')).replaceAll('\n', '\r\n'),
      )
      const copy = await outcomes(crlf)
      assert.deepEqual(
        [copy.status, copy.rowsRead, copy.rowsInserted, copy.rowsUpdated],
        ['completed', 431, 0, 0],
      )
      assert.equal(await historyCount(), 431)
    })

    test("April outcomes leave the April street file's own last outcomes, in either order", async () => {
      await street(APRIL_STREET)
      const streetOnly = await incidentOutcomes()
      const applied = await outcomes(APRIL_OUTCOMES)
      assert.equal(applied.rowsUpdated, 0)
      assert.deepEqual(await incidentOutcomes(), streetOnly)

      const other = await backend.create()
      try {
        await importFile(other.db, policeUkOutcomesFormat as ImportFormat, { file: APRIL_OUTCOMES, clock })
        await importFile(other.db, policeUkStreetFormat as ImportFormat, { file: APRIL_STREET, clock })
        const reversed = await sql<{ natural_key: string; code: string | null; label: string | null }>`
          select natural_key, last_outcome_code as code, last_outcome_label as label
          from incident order by natural_key`.execute(other.db)
        assert.deepEqual(reversed.rows, streetOnly)
      } finally {
        await other.close()
      }
    })

    test('a later outcome updates every incident of its crime and counts them as updated', async () => {
      await street(APRIL_STREET)
      const may = await writeCsv(
        'may-outcomes.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-05', 'Unable to prosecute suspect')}\n${outcomeLine(TWICE, '2023-05', 'Offender given a caution')}\n`,
      )
      const result = await outcomes(may)
      assert.deepEqual([result.rowsInserted, result.rowsUpdated], [2, 3])
      assert.deepEqual(await outcomesOf(ONCE), [['unable-to-prosecute', 'Unable to prosecute suspect']])
      assert.deepEqual(await outcomesOf(TWICE), [
        ['cautioned', 'Offender given a caution'],
        ['cautioned', 'Offender given a caution'],
      ])
    })

    test('outcomes imported before their crimes are applied when the street file arrives', async () => {
      const may = await writeCsv(
        'may-first.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-05', 'Suspect charged')}\n`,
      )
      const early = await outcomes(may)
      assert.deepEqual([early.rowsInserted, early.rowsUpdated], [1, 0])
      await street(APRIL_STREET)
      assert.deepEqual(await outcomesOf(ONCE), [['charged', 'Suspect charged']])
    })

    test('the newest month wins whatever the order the outcomes files come in', async () => {
      const may = await writeCsv(
        'may.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-05', 'Under investigation')}\n`,
      )
      const june = await writeCsv(
        'june.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-06', 'Offender given a caution')}\n`,
      )
      await street(APRIL_STREET)
      await outcomes(june)
      const older = await outcomes(may)
      assert.equal(older.rowsUpdated, 0)
      assert.deepEqual(await outcomesOf(ONCE), [['cautioned', 'Offender given a caution']])

      const other = await backend.create()
      try {
        for (const file of [may, APRIL_STREET, june]) {
          const format = file === APRIL_STREET ? policeUkStreetFormat : policeUkOutcomesFormat
          await importFile(other.db, format as ImportFormat, { file, clock })
        }
        const row = await other.db
          .selectFrom('incident')
          .select(['last_outcome_code', 'last_outcome_label'])
          .where('crime_id', '=', ONCE)
          .executeTakeFirstOrThrow()
        assert.deepEqual(
          [row.last_outcome_code, row.last_outcome_label],
          ['cautioned', 'Offender given a caution'],
        )
      } finally {
        await other.close()
      }
    })

    test('in one month a final outcome counts as later than an interim one', async () => {
      await street(APRIL_STREET)
      const both = await writeCsv(
        'same-month.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-05', 'Suspect charged')}\n${outcomeLine(ONCE, '2023-05', 'Under investigation')}\n`,
      )
      await outcomes(both)
      assert.deepEqual(await outcomesOf(ONCE), [['charged', 'Suspect charged']])
    })

    test('an unknown outcome label is kept on the history and the incident and reported with its count', async () => {
      await street(APRIL_STREET)
      const odd = await writeCsv(
        'odd.csv',
        `${HEADER}\n${outcomeLine(ONCE, '2023-05', 'Referred to restorative justice')}\n${outcomeLine(TWICE, '2023-05', 'Referred to restorative justice')}\n`,
      )
      const result = await outcomes(odd)
      assert.deepEqual(result.unknownLabels, [
        { column: 'Outcome type', label: 'Referred to restorative justice', rows: 2 },
      ])
      assert.deepEqual(await outcomesOf(ONCE), [['unknown', 'Referred to restorative justice']])
    })

    const onPostgres = {
      skip: backend.name !== 'postgres' && 'PGlite has one connection: transactions never overlap',
    }
    test(
      'a street batch and an outcomes batch committing at the same time still meet',
      onPostgres,
      async () => {
        const run = async (kind: string) =>
          (
            await database.db
              .insertInto('import_run')
              .values({
                source_kind: kind,
                file_name: `${kind}.csv`,
                file_size: 1,
                file_sha256: kind,
                batch_size: 1,
                status: 'running',
                message: null,
                started_at: new Date(),
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id
        const crime = parseStreetRow([
          ONCE,
          '2023-04',
          'City of London Police',
          'City of London Police',
          '',
          '',
          'No Location',
          '',
          '',
          'Burglary',
          'Under investigation',
          '',
        ])
        const outcome = parseOutcomeRow(outcomeLine(ONCE, '2023-05', 'Suspect charged').split(','))
        assert.ok(crime.ok && outcome.ok)
        const [streetRun, outcomesRun] = [await run('police-uk-street'), await run('police-uk-outcomes')]
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        let written!: () => void
        const streetWritten = new Promise<void>((resolve) => (written = resolve))
        const street = database.db.transaction().execute(async (trx) => {
          await policeUkStreetFormat.write(trx, streetRun, [{ ...crime.row, natural_key: 'street:0' }])
          written()
          await held
        })
        await streetWritten
        const outcomes = database.db
          .transaction()
          .execute((trx) =>
            policeUkOutcomesFormat.write(trx, outcomesRun, [{ ...outcome.row, natural_key: 'outcome:0' }]),
          )
        // Give the outcomes batch time to run (and, were it not made to wait, to commit) first.
        await sleep(300)
        release()
        await Promise.all([street, outcomes])
        assert.deepEqual(await outcomesOf(ONCE), [['charged', 'Suspect charged']])
      },
    )

    test('bad rows are reported with row number, column and reason while good rows go in', async () => {
      const file = await writeCsv(
        'bad-rows.csv',
        [
          HEADER,
          outcomeLine(ONCE, '2023-05', 'Suspect charged'),
          outcomeLine('', '2023-05', 'Suspect charged'),
          outcomeLine(TWICE, 'May 2023', 'Suspect charged'),
          `${TWICE},2023-05,City of London Police`,
          '',
        ].join('\n'),
      )
      const result = await outcomes(file)
      assert.deepEqual([result.rowsRead, result.rowsInserted, result.rowsRejected], [4, 1, 3])
      assert.deepEqual(
        result.firstRejections.map((r) => [r.rowNumber, r.column]),
        [
          [3, 'Crime ID'],
          [4, 'Month'],
          [5, null],
        ],
      )
      assert.match(result.firstRejections[2]!.reason, /3 columns, expected 10/)
    })

    test('generated bad files never crash the importer and write exactly their good rows', async () => {
      const cell = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('', '"', ',', '\n', '2023-05', '-0.1', '51.5', 'E01032739', 'Suspect charged', ONCE),
      )
      const row = fc.array(cell, { minLength: 8, maxLength: 12 }).map((cells) => cells.join(','))
      const good = fc
        .nat({ max: 1000 })
        .map((n) => outcomeLine(`generated-${n}`, '2023-05', 'Suspect charged'))
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
          const before = await historyCount()
          const result = await outcomes(file, { batchSize: 5 })
          assert.ok(['completed', 'failed', 'already-imported'].includes(result.status), result.status)
          if (result.status !== 'completed') return
          assert.ok(result.rowsInserted + result.rowsRejected <= result.rowsRead)
          assert.equal(await historyCount(), before + result.rowsInserted)
        }),
        { numRuns: 25 },
      )
    })
  })
}
