import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { DEMO_PARTNER_DIR } from '../demo-partner-data.ts'
import { importFile } from '../import-run.ts'
import { detectFormat } from './index.ts'
import {
  checkMissingHeader,
  MISSING_EPISODE_COLUMNS,
  missingEpisodesFormat,
  parseMissingRow,
  unknownMissingLabels,
} from './missing-episodes.ts'

const HEADER = MISSING_EPISODE_COLUMNS.join(',')
const EPISODE = [
  'MIS-2023-0101',
  'SV-P-0001',
  '2023-04-03T19:20',
  '2023-04-04T08:05',
  'Medium risk',
  'childrens-home',
  'On or near Fleet Street',
  '-0.106000',
  '51.514000',
  'E01032739',
  'Liverpool Street station',
  '-0.081400',
  '51.517800',
]

function withField(column: (typeof MISSING_EPISODE_COLUMNS)[number], value: string): string[] {
  const row = [...EPISODE]
  row[MISSING_EPISODE_COLUMNS.indexOf(column)] = value
  return row
}

function parsed(row: string[]) {
  const result = parseMissingRow(row)
  assert.ok(result.ok, result.ok ? '' : result.rejection.reason)
  return result.row
}

function rejectionOf(row: string[]) {
  const result = parseMissingRow(row)
  assert.equal(result.ok, false, 'the row should be rejected')
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('a missing-person episode row', () => {
  test('an episode is an incident where the person went missing from, with the person and where found as detail', () => {
    const row = parsed(EPISODE)
    assert.equal(row.identity, 'missing-episode:MIS-2023-0101')
    assert.equal(row.incident.kind, 'missing-episode')
    assert.equal(row.incident.occurred_at?.toISOString(), '2023-04-03T18:20:00.000Z')
    assert.equal(row.incident.month, '2023-04-01')
    assert.equal(row.incident.category_code, 'medium')
    assert.equal(row.incident.location_text, 'On or near Fleet Street')
    assert.equal(row.incident.lsoa_code, 'E01032739')
    assert.equal(row.incident.last_outcome_code, 'returned')
    assert.match(row.incident.h3_res7 ?? '', /^87[0-9a-f]+$/)
    assert.equal(row.detail.person_reference, 'SV-P-0001')
    assert.equal(row.detail.missing_from_type_code, 'childrens-home')
    assert.equal(row.detail.found_location_text, 'Liverpool Street station')
    assert.equal(row.detail.found_longitude, -0.0814)
    assert.equal(row.detail.risk_level_code, 'medium')
  })

  test('a person still missing has no return time and no outcome', () => {
    const row = parsed(withField('Returned at', ''))
    assert.equal(row.detail.returned_at, null)
    assert.equal(row.incident.last_outcome_code, null)
  })

  test('a risk level outside the list is kept as unknown with its label, and reported', () => {
    const row = parsed(withField('Risk level', 'Absent'))
    assert.equal(row.detail.risk_level_code, 'unknown')
    assert.deepEqual(unknownMissingLabels(row), [{ column: 'Risk level', label: 'Absent' }])
  })

  const badValues: [(typeof MISSING_EPISODE_COLUMNS)[number], string, RegExp][] = [
    ['Episode reference', '', /empty/],
    ['Person reference', 'Jane Smith', /only letters, digits/],
    ['Reported missing at', '03/04/2023', /not a date and time/],
    ['Returned at', '2023-04-03T10:00', /returned before they were reported missing/],
    ['Risk level', '', /empty/],
    ['Missing from longitude', '3.2', /outside the United Kingdom/],
    ['Missing from LSOA code', 'E0103273', /E01 or W01/],
    ['Found latitude', '', /not a decimal number/],
  ]
  for (const [column, value, reason] of badValues) {
    test(`${column} '${value}' is rejected naming the column and why`, () => {
      const rejection = rejectionOf(withField(column, value))
      assert.equal(rejection.column, column)
      assert.match(rejection.reason, reason)
    })
  }

  test('a header that is not the format names the expected columns', () => {
    assert.match(checkMissingHeader(['Episode', 'Person']) ?? '', new RegExp(HEADER))
    assert.equal(checkMissingHeader([...MISSING_EPISODE_COLUMNS]), null)
  })

  test('generated rows never throw: each is an episode or a rejection naming one of the columns', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('', 'MIS-1', '2023-04-03T19:20', 'high', 'home', '-0.1', '51.5', 'E01032739'),
    )
    fc.assert(
      fc.property(fc.array(cell, { minLength: 11, maxLength: 15 }), (fields) => {
        const result = parseMissingRow(fields)
        if (result.ok) return
        const column = result.rejection.column
        assert.ok(
          column === null || (MISSING_EPISODE_COLUMNS as readonly string[]).includes(column),
          column ?? '',
        )
      }),
    )
  })
})

for (const backend of backends()) {
  describe(`importing missing-person episodes on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    let fileNo = 0
    const writeCsv = async (rows: string[][]) => {
      const file = path.join(folder, `missing-${fileNo++}.csv`)
      await writeFile(file, '\uFEFF' + [HEADER, ...rows.map((row) => row.join(','))].join('\n') + '\n')
      return file
    }

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-missing-'))
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

    test('the demo sample imports whole, with SV-P-0001 missing three times in 90 days', async () => {
      const file = path.join(DEMO_PARTNER_DIR, 'missing-episodes.csv')
      const result = await importFile(database.db, missingEpisodesFormat, { file, clock })
      assert.deepEqual([result.status, result.rowsRejected, result.unknownLabels], ['completed', 0, []])
      const episodes = await database.db
        .selectFrom('missing_episode_detail')
        .select('reported_missing_at')
        .where('person_reference', '=', 'SV-P-0001')
        .orderBy('reported_missing_at')
        .execute()
      assert.equal(episodes.length, 3)
      const days =
        (episodes[2]!.reported_missing_at.getTime() - episodes[0]!.reported_missing_at.getTime()) / 86_400_000
      assert.ok(days < 90, `${days} days`)
    })

    test("a person's episodes are found by their reference in time order; a later return updates the episode", async () => {
      const open = withField('Returned at', '').map((value, index) => (index >= 10 ? '' : value))
      const second = withField('Episode reference', 'MIS-2023-0140').map((value, index) =>
        index === 2 ? '2023-04-28T23:10' : index === 3 ? '2023-04-29T06:00' : value,
      )
      const file = await writeCsv([open, second])
      const result = await importFile(database.db, missingEpisodesFormat, { file, clock })
      assert.deepEqual([result.status, result.rowsInserted, result.rowsRejected], ['completed', 2, 0])
      const returned = await writeCsv([EPISODE])
      const update = await importFile(database.db, missingEpisodesFormat, { file: returned, clock })
      assert.deepEqual([update.rowsInserted, update.rowsUpdated], [0, 1])
      const episodes = await database.db
        .selectFrom('missing_episode_detail')
        .innerJoin('incident', 'incident.id', 'missing_episode_detail.incident_id')
        .select(['incident.source_reference', 'returned_at', 'found_location_text'])
        .where('person_reference', '=', 'SV-P-0001')
        .orderBy('reported_missing_at')
        .execute()
      assert.deepEqual(
        episodes.map((e) => [
          e.source_reference,
          e.returned_at?.toISOString() ?? null,
          e.found_location_text,
        ]),
        [
          ['MIS-2023-0101', '2023-04-04T07:05:00.000Z', 'Liverpool Street station'],
          ['MIS-2023-0140', '2023-04-29T05:00:00.000Z', 'Liverpool Street station'],
        ],
      )
      assert.equal((await detectFormat(file))?.kind, 'missing-episode')
    })
  })
}
