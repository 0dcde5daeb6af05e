import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  checkHeader,
  parseStreetRow,
  policeUkStreetFormat,
  POLICE_UK_STREET_COLUMNS,
} from './police-uk-street.ts'
import { NaturalKeys } from '../natural-keys.ts'

const CRIME = [
  '41f5b4e5c183ea17cc6c92fecbd2f408094104d0d0dc0e4cfe9873eda383af4b',
  '2023-04',
  'City of London Police',
  'City of London Police',
  '-0.110350',
  '51.518090',
  'On or near Holborn',
  'E01000917',
  'Camden 027C',
  'Other theft',
  'Investigation complete; no suspect identified',
  '',
]

function withField(column: (typeof POLICE_UK_STREET_COLUMNS)[number], value: string): string[] {
  const row = [...CRIME]
  row[POLICE_UK_STREET_COLUMNS.indexOf(column)] = value
  return row
}

function rejectionOf(row: string[]) {
  const result = parseStreetRow(row)
  assert.equal(result.ok, false)
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('a data.police.uk street row', () => {
  test('a crime row maps to its category slug, first-of-month date, outcome code and H3 cells', () => {
    const result = parseStreetRow(CRIME)
    assert.ok(result.ok)
    assert.equal(result.row.kind, 'crime')
    assert.equal(result.row.category_code, 'other-theft')
    assert.equal(result.row.month, '2023-04-01')
    assert.equal(result.row.last_outcome_code, 'no-further-action')
    assert.equal(result.row.longitude, -0.11035)
    assert.match(result.row.h3_res9 ?? '', /^89[0-9a-f]+$/)
    assert.equal(result.row.identity, `police-uk:${CRIME[0]}:2023-04`)
  })

  test('violence and sexual offences map to violent-crime', () => {
    const result = parseStreetRow(withField('Crime type', 'Violence and sexual offences'))
    assert.ok(result.ok)
    assert.equal(result.row.category_code, 'violent-crime')
  })

  test('an unknown crime type is kept with code unknown and its label', () => {
    const result = parseStreetRow(withField('Crime type', 'Fraud'))
    assert.ok(result.ok)
    assert.equal(result.row.category_code, 'unknown')
    assert.equal(result.row.category_label, 'Fraud')
  })

  test('a crime type named like a property of every object is unknown too, not a lookup of that property', () => {
    for (const label of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const result = parseStreetRow(withField('Crime type', label))
      assert.ok(result.ok)
      assert.equal(result.row.category_code, 'unknown', label)
    }
  })

  test('a No Location row is kept without coordinates or cells', () => {
    const row = [...CRIME]
    row[4] = ''
    row[5] = ''
    row[6] = 'No Location'
    row[7] = ''
    row[8] = ''
    const result = parseStreetRow(row)
    assert.ok(result.ok)
    assert.equal(result.row.latitude, null)
    assert.equal(result.row.h3_res7, null)
    assert.equal(result.row.location_text, 'No Location')
  })

  test('an anti-social behaviour row without Crime ID is identified by month and content', () => {
    const row = withField('Crime type', 'Anti-social behaviour')
    row[0] = ''
    const result = parseStreetRow(row)
    assert.ok(result.ok)
    assert.equal(result.row.kind, 'anti-social-behaviour')
    assert.match(result.row.identity, /^police-uk:2023-04:[0-9a-f]{64}$/)
  })

  test('a month not in the form YYYY-MM is rejected naming the Month column', () => {
    assert.equal(rejectionOf(withField('Month', '04/2023')).column, 'Month')
    assert.equal(rejectionOf(withField('Month', '2023-13')).column, 'Month')
  })

  test('coordinates outside the United Kingdom are rejected', () => {
    assert.equal(rejectionOf(withField('Latitude', '48.85')).column, 'Latitude')
    assert.equal(rejectionOf(withField('Longitude', '2.35')).column, 'Longitude')
    assert.equal(rejectionOf(withField('Longitude', 'east')).column, 'Longitude')
  })

  test('an LSOA code that is not E01 or W01 and six digits is rejected', () => {
    assert.equal(rejectionOf(withField('LSOA code', 'S01000917')).column, 'LSOA code')
    assert.equal(rejectionOf(withField('LSOA code', 'E0100091')).column, 'LSOA code')
  })

  test('a row with the wrong number of columns is rejected with the count', () => {
    assert.match(rejectionOf(CRIME.slice(0, 11)).reason, /11 columns, expected 12/)
  })

  test('a value that was not valid UTF-8 is rejected naming its column', () => {
    assert.equal(rejectionOf(withField('Location', 'On or near \uFFFD')).column, 'Location')
  })

  test('a header missing Crime type names the expected columns', () => {
    const problem = checkHeader(POLICE_UK_STREET_COLUMNS.filter((c) => c !== 'Crime type'))
    assert.match(problem ?? '', /no 'Crime type' column/)
    assert.match(problem ?? '', /Expected the columns: Crime ID,Month,Reported by/)
    assert.equal(checkHeader([...POLICE_UK_STREET_COLUMNS]), null)
  })

  test('repeated identities in a file get successive occurrence indexes', () => {
    const keys = new NaturalKeys()
    assert.deepEqual([keys.next('a'), keys.next('b'), keys.next('a')], ['a:0', 'b:0', 'a:1'])
  })

  test('occurrence indexes survive the counter growing past its first size', () => {
    const keys = new NaturalKeys()
    const identities = Array.from({ length: 20_000 }, (_, i) => `police-uk:${i}:2024-03`)
    for (const identity of identities) keys.next(identity)
    assert.ok(identities.every((identity) => keys.next(identity) === `${identity}:1`))
  })

  test('a last outcome category maps to its code in the outcome table', () => {
    const result = parseStreetRow(withField('Last outcome category', 'Offender given a caution'))
    assert.ok(result.ok)
    assert.deepEqual(
      [result.row.last_outcome_code, result.row.last_outcome_label],
      ['cautioned', 'Offender given a caution'],
    )
    assert.deepEqual(policeUkStreetFormat.unknownLabels!(result.row), [])
  })

  test('an unknown last outcome category is kept with code unknown and reported', () => {
    const result = parseStreetRow(withField('Last outcome category', 'Referred to the moon'))
    assert.ok(result.ok)
    assert.deepEqual(
      [result.row.last_outcome_code, result.row.last_outcome_label],
      ['unknown', 'Referred to the moon'],
    )
    assert.deepEqual(policeUkStreetFormat.unknownLabels!(result.row), [
      { column: 'Last outcome category', label: 'Referred to the moon' },
    ])
  })
})
