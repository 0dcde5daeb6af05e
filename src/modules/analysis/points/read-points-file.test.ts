import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { dayNumber } from '../method.ts'
import { readPointsFile, type PointsFileResult } from './read-points-file.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const APRIL = path.join(ROOT, 'samples/police-uk/2023-04-city-of-london-street.csv')

let folder: string
before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-points-'))
})
after(() => rm(folder, { recursive: true, force: true }))

let written = 0
async function fileWith(text: string | Buffer, extension = '.csv'): Promise<string> {
  const file = path.join(folder, `points-${written++}${extension}`)
  await writeFile(file, text)
  return file
}

function points(result: PointsFileResult) {
  assert.ok(result.ok, result.ok ? '' : result.message)
  return result
}

describe('a data.police.uk street file', () => {
  test('is read as it is: located rows become points, rows with no location are counted', async () => {
    // The reference: the same file read by csv-parse, counted here without our reader.
    const rows = parse(await readFile(APRIL), { columns: true, bom: true }) as Record<string, string>[]
    const located = rows.filter((row) => row.Longitude !== '')
    const result = points(await readPointsFile(APRIL))
    assert.equal(result.format, 'police-uk-street')
    assert.equal(result.points.size, located.length)
    assert.equal(result.withoutLocation, rows.length - located.length)
    assert.ok(result.withoutLocation > 0)
    for (let i = 0; i < located.length; i += 97) {
      assert.equal(result.points.longitude[i], Number(located[i]!.Longitude))
      assert.equal(result.points.latitude[i], Number(located[i]!.Latitude))
    }
  })

  test('gives each point the first day of its month and its crime type slug', async () => {
    const result = points(await readPointsFile(APRIL))
    assert.ok(result.points.day.every((day) => day === dayNumber(2023, 4, 1)))
    const rows = parse(await readFile(APRIL), { columns: true, bom: true }) as Record<string, string>[]
    const violent = rows.filter(
      (row) => row.Longitude !== '' && row['Crime type'] === 'Violence and sexual offences',
    )
    assert.equal(result.points.category.filter((c) => c === 'violent-crime').length, violent.length)
    assert.ok(result.points.weight.every((weight) => weight === 1))
  })

  test('a point refers to its data row, counting from the first row after the header', async () => {
    const header =
      'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'
    const file = await fileWith(
      `${header}\n,2023-04,A,A,,,No location,,,Burglary,,\nabc,2023-04,A,A,-0.1,51.5,On or near,E01000001,X,Burglary,,\n`,
    )
    const result = points(await readPointsFile(file))
    assert.deepEqual([...result.points.reference], ['2'])
    assert.deepEqual([...result.points.category], ['burglary'])
    assert.equal(result.withoutLocation, 1)
  })
})

describe('a points CSV', () => {
  test('takes its columns in any order and case, with the short names', async () => {
    const file = await fileWith(
      'Category,DATE,Lat,lon,Weight,id\nburglary,2024-02-29,51.5,-0.12,2.5,a1\n,2024-03-01,51.6,-0.13,,a2\n',
    )
    const result = points(await readPointsFile(file))
    assert.equal(result.format, 'csv')
    assert.deepEqual([...result.points.longitude], [-0.12, -0.13])
    assert.deepEqual([...result.points.latitude], [51.5, 51.6])
    assert.deepEqual([...result.points.day], [dayNumber(2024, 2, 29), dayNumber(2024, 3, 1)])
    assert.deepEqual([...result.points.weight], [2.5, 1])
    assert.deepEqual([...result.points.category], ['burglary', ''])
    assert.deepEqual([...result.points.reference], ['a1', 'a2'])
  })

  test('reads a datetime as the day written, with or without seconds and Z', async () => {
    const file = await fileWith(
      'x,y,datetime\n1,2,2023-04-05T23:30Z\n1,2,2023-04-06T00:00:59\n1,2,2023-12-31\n',
    )
    const result = points(await readPointsFile(file))
    assert.deepEqual(
      [...result.points.day],
      [dayNumber(2023, 4, 5), dayNumber(2023, 4, 6), dayNumber(2023, 12, 31)],
    )
  })

  test('names the line, column and reason of each bad value', async () => {
    const file = await fileWith(
      'longitude,latitude,date\n1,95,2023-01-01\nabc,1,2023-02-30\n1,1,2023-01-01\n',
    )
    const result = await readPointsFile(file)
    assert.ok(!result.ok)
    assert.deepEqual(result.problems, [
      { line: 2, column: 'latitude', reason: 'the latitude 95 is outside -90 to 90' },
      { line: 3, column: 'longitude', reason: "'abc' is not a decimal number (the longitude)" },
      { line: 3, column: 'date', reason: "'2023-02-30' is not a day of the calendar" },
    ])
    assert.match(result.message, /^points-\d+\.csv: 3 problems\n {2}line 2, column latitude: /)
  })

  test('lists at most 20 problems with the total', async () => {
    const rows = Array.from({ length: 45 }, () => '1,1,yesterday').join('\n')
    const result = await readPointsFile(await fileWith(`longitude,latitude,date\n${rows}\n`))
    assert.ok(!result.ok)
    assert.equal(result.problems.length, 20)
    assert.equal(result.problemCount, 45)
    assert.match(result.message, /45 problems \(the first 20 below\)/)
  })

  test('a header without the needed columns says which are missing and what names it accepts', async () => {
    const result = await readPointsFile(await fileWith('place,when\nA,2023-01-01\n'))
    assert.ok(!result.ok)
    assert.deepEqual(
      result.problems.map((p) => p.reason),
      [
        'the header has no longitude column (accepted names: longitude, lon, lng, x)',
        'the header has no latitude column (accepted names: latitude, lat, y)',
        'the header has no date column (accepted names: date, datetime)',
      ],
    )
  })

  test('reads fifty thousand rows into typed arrays', async () => {
    const lines = ['lon,lat,date']
    for (let i = 0; i < 50_000; i++)
      lines.push(`${(i % 360) - 180},${(i % 180) - 90},2020-01-${String((i % 28) + 1).padStart(2, '0')}`)
    const result = points(await readPointsFile(await fileWith(lines.join('\n'))))
    assert.equal(result.points.size, 50_000)
    assert.equal(result.points.longitude[49_999], (49_999 % 360) - 180)
    assert.equal(result.points.reference[49_999], '50000')
  })
})

describe('a GeoJSON file', () => {
  test('gives a point for each Point feature, skipping features with no geometry', async () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'f1',
          geometry: { type: 'Point', coordinates: [-0.1, 51.5] },
          properties: { date: '2023-04-01', category: 'robbery', weight: 3 },
        },
        { type: 'Feature', geometry: null, properties: { date: '2023-04-02' } },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-1e-7, 51.4] },
          properties: { datetime: '2023-04-03T10:00Z', id: 'p3' },
        },
      ],
    }
    const result = points(await readPointsFile(await fileWith(JSON.stringify(collection), '.geojson')))
    assert.equal(result.format, 'geojson')
    assert.deepEqual([...result.points.longitude], [-0.1, -1e-7])
    assert.deepEqual([...result.points.day], [dayNumber(2023, 4, 1), dayNumber(2023, 4, 3)])
    assert.deepEqual([...result.points.category], ['robbery', ''])
    assert.deepEqual([...result.points.weight], [3, 1])
    assert.deepEqual([...result.points.reference], ['f1', 'p3'])
    assert.equal(result.withoutLocation, 1)
  })

  test('is told from its first character when the name has no known extension', async () => {
    const collection = { type: 'FeatureCollection', features: [] }
    const result = points(await readPointsFile(await fileWith(`\n  ${JSON.stringify(collection)}`, '.txt')))
    assert.equal(result.format, 'geojson')
    assert.equal(result.points.size, 0)
  })

  test('names the feature and field of each bad value', async () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [] } },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [200, 0] },
          properties: { date: 20230101 },
        },
      ],
    }
    const result = await readPointsFile(await fileWith(JSON.stringify(collection), '.json'))
    assert.ok(!result.ok)
    assert.deepEqual(result.problems, [
      { feature: 1, column: 'geometry', reason: 'the geometry is not a Point' },
      { feature: 2, column: 'geometry.coordinates[0]', reason: 'the longitude 200 is outside -180 to 180' },
      {
        feature: 2,
        column: 'properties.date',
        reason: "'20230101' is not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z]",
      },
    ])
  })
})

describe('files that cannot be read', () => {
  test('a missing file is one problem, not a crash', async () => {
    const result = await readPointsFile(path.join(folder, 'nowhere.csv'))
    assert.ok(!result.ok)
    assert.equal(result.message, 'nowhere.csv: 1 problem\n  no such file')
  })

  test('an empty file says what a points file holds', async () => {
    const result = await readPointsFile(await fileWith(''))
    assert.ok(!result.ok)
    assert.match(result.message, /the file is empty/)
  })

  const badValue = fc.oneof(
    fc.constantFrom('', 'abc', '1e5', '0x10', 'Infinity', '-', '1.2.3', ' ', 'NaN'),
    fc
      .double({ noNaN: true })
      .filter((n) => Math.abs(n) > 180)
      .map(String),
  )
  const badDate = fc.oneof(
    fc.constantFrom(
      '2023-13-01',
      '2023-02-29',
      '23-01-01',
      '2023/01/01',
      '2023-01-01T25:00',
      '2023-01-01T10:00+01:00',
      'tomorrow',
    ),
    fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}/.test(s)),
  )

  test('generated bad values always give problems naming line and column, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), badValue, badDate), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const lines = ['longitude,latitude,date']
          for (const [which, value, date] of rows) {
            // Spoil one field of each row: the longitude, the latitude or the date.
            const row = ['-0.1', '51.5', '2023-01-01']
            if (which === 2) row[2] = date
            else row[which] = value === '' ? 'x' : value
            lines.push(row.map((field) => `"${field.replaceAll('"', '""')}"`).join(','))
          }
          const result = await readPointsFile(await fileWith(lines.join('\n')))
          assert.ok(!result.ok)
          assert.equal(result.problemCount, rows.length)
          assert.ok(
            result.problems.every((p) => p.line !== undefined && p.line >= 2 && p.column !== undefined),
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  test('a generated header missing a required column is refused with the column named', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(['longitude', 'latitude', 'date', 'category', 'weight', 'id'], { minLength: 1 }),
        async (columns) => {
          const missing = ['longitude', 'latitude', 'date'].filter((c) => !columns.includes(c))
          fc.pre(missing.length > 0)
          const result = await readPointsFile(
            await fileWith(`${columns.join(',')}\n${columns.map(() => '1').join(',')}\n`),
          )
          assert.ok(!result.ok)
          for (const column of missing)
            assert.ok(result.message.includes(`no ${column} column`), result.message)
        },
      ),
      { numRuns: 30 },
    )
  })

  test('random bytes, as CSV or as JSON, give problems and never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('.csv', '.geojson', ''),
        async (bytes, extension) => {
          const result = await readPointsFile(await fileWith(Buffer.from(bytes), extension))
          assert.ok(!result.ok)
          assert.ok(result.problemCount >= 1 && result.message.length > 0)
        },
      ),
      { numRuns: 80 },
    )
  })
})
