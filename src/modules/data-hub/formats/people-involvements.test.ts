import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { ManualClock } from '../../../clock.ts'
import {
  checkHeader,
  normaliseName,
  normalisePostcode,
  parseInvolvementRow,
  peopleInvolvementsFormatOn,
  PEOPLE_INVOLVEMENTS_COLUMNS,
  roleCode,
  WITHHELD_COLUMNS,
} from './people-involvements.ts'

const TODAY = '2026-01-15'
const CRIME_ID = '41f5b4e5c183ea17cc6c92fecbd2f408094104d0d0dc0e4cfe9873eda383af4b'
const ROW = [
  'col-police',
  'P000123',
  'Siobhán Mary',
  "O'Connor-Smith",
  '1987-03-14',
  'Flat 4, 12 Moor Lane, London',
  'ec2y9ad',
  'police-uk-street',
  CRIME_ID,
  'Victim',
]

function withField(column: (typeof PEOPLE_INVOLVEMENTS_COLUMNS)[number], value: string): string[] {
  const row = [...ROW]
  row[PEOPLE_INVOLVEMENTS_COLUMNS.indexOf(column)] = value
  return row
}

function rejectionOf(row: readonly string[], today = TODAY) {
  const result = parseInvolvementRow(row, today)
  assert.equal(result.ok, false, `expected a rejection of ${JSON.stringify(row)}`)
  return (result as Extract<typeof result, { ok: false }>).rejection
}

describe('a people and involvements row', () => {
  test('a good row keeps names and date as given, with normalised names, the standard postcode and the role code', () => {
    const result = parseInvolvementRow(ROW, TODAY)
    assert.ok(result.ok)
    assert.equal(result.row.first_names, 'Siobhán Mary')
    assert.equal(result.row.last_name, "O'Connor-Smith")
    assert.equal(result.row.first_names_normalised, 'siobhan mary')
    assert.equal(result.row.last_name_normalised, 'oconnor smith')
    assert.equal(result.row.date_of_birth, '1987-03-14')
    assert.equal(result.row.postcode, 'EC2Y 9AD')
    assert.equal(result.row.role, 'victim')
    assert.equal(result.row.incident_source_kind, 'police-uk-street')
    assert.equal(result.row.incident_reference, CRIME_ID)
  })

  test('the identity is the same for the same involvement and does not contain the person ID', () => {
    const first = parseInvolvementRow(ROW, TODAY)
    const again = parseInvolvementRow(withField('Address', 'another address'), TODAY)
    const otherRole = parseInvolvementRow(withField('Role', 'witness'), TODAY)
    assert.ok(first.ok && again.ok && otherRole.ok)
    assert.equal(first.row.identity, again.row.identity)
    assert.notEqual(first.row.identity, otherRole.row.identity)
    assert.ok(!first.row.identity.includes('P000123'))
  })

  test('date of birth, address and postcode may be empty', () => {
    const result = parseInvolvementRow(
      withField('Date of birth', '').map((value, i) => (i === 5 || i === 6 ? '' : value)),
      TODAY,
    )
    assert.ok(result.ok)
    assert.deepEqual([result.row.date_of_birth, result.row.address, result.row.postcode], [null, null, null])
  })

  test('every role of checklist C3 is accepted, in any case and with spaces for hyphens', () => {
    assert.equal(roleCode('Reporting person'), 'reporting-person')
    assert.equal(roleCode('CHILD-PRESENT'), 'child-present')
    assert.equal(roleCode('missing_person'), 'missing-person')
    for (const role of ['victim', 'suspect', 'offender', 'witness', 'other'])
      assert.equal(roleCode(role), role)
    assert.equal(roleCode('bystander'), null)
  })

  test('a role outside the list is rejected, naming the allowed roles', () => {
    const rejection = rejectionOf(withField('Role', 'bystander'))
    assert.equal(rejection.column, 'Role')
    assert.equal(rejection.value, 'bystander')
    assert.match(
      rejection.reason,
      /victim, suspect, offender, witness, reporting-person, missing-person, child-present, other/,
    )
  })

  test('a date of birth that is not a real date, in the future or in another form is rejected with its reason', () => {
    const cases: [string, RegExp][] = [
      ['1987-02-30', /not a real date/],
      ['2026-01-16', /in the future/],
      ['1899-12-31', /before 1900-01-01/],
      ['14/03/1987', /form YYYY-MM-DD/],
    ]
    for (const [value, reason] of cases) {
      const rejection = rejectionOf(withField('Date of birth', value))
      assert.equal(rejection.column, 'Date of birth')
      assert.match(rejection.reason, reason)
    }
    assert.ok(
      parseInvolvementRow(withField('Date of birth', TODAY), TODAY).ok,
      'born today is not in the future',
    )
  })

  test('the format reads "today" from its clock', () => {
    const format = peopleInvolvementsFormatOn(new ManualClock('2030-06-01T12:00:00Z'))
    assert.ok(format.parseRow(withField('Date of birth', '2029-01-01')).ok)
    assert.equal(
      peopleInvolvementsFormatOn(new ManualClock('2028-01-01T12:00:00Z')).parseRow(
        withField('Date of birth', '2029-01-01'),
      ).ok,
      false,
    )
  })

  test('postcodes are checked for the UK shape and put in standard form', () => {
    assert.equal(normalisePostcode('ec1a 1bb'), 'EC1A 1BB')
    assert.equal(normalisePostcode('SW1A2AA'), 'SW1A 2AA')
    assert.equal(normalisePostcode('M1 1AE'), 'M1 1AE')
    assert.equal(normalisePostcode('B33 8TH'), 'B33 8TH')
    assert.equal(normalisePostcode('CR2 6XH'), 'CR2 6XH')
    assert.equal(normalisePostcode('DN55 1PT'), 'DN55 1PT')
    for (const bad of ['EC1A', '12345', 'EC1A 1CB', 'QC1A 1BB', 'EC1A 1BBB', 'not a postcode']) {
      assert.equal(normalisePostcode(bad), null, bad)
    }
    const rejection = rejectionOf(withField('Postcode', 'EC1 12X'))
    assert.equal(rejection.column, 'Postcode')
    assert.match(rejection.reason, /UK postcode/)
  })

  test('empty names, names without a letter and names with control characters are rejected', () => {
    assert.match(rejectionOf(withField('First names', '')).reason, /first names field is empty/)
    assert.match(rejectionOf(withField('Last name', ' ')).reason, /last name field is empty/)
    assert.match(rejectionOf(withField('Last name', '123')).reason, /no letter/)
    assert.match(rejectionOf(withField('First names', 'Ann\u0007')).reason, /control character/)
  })

  test('the person ID, the source system, the incident source and the incident reference are checked', () => {
    assert.equal(rejectionOf(withField('Person ID', '')).column, 'Person ID')
    assert.equal(rejectionOf(withField('Source system', 'has spaces')).column, 'Source system')
    assert.equal(rejectionOf(withField('Incident source', 'Police UK')).column, 'Incident source')
    assert.equal(rejectionOf(withField('Incident reference', '')).column, 'Incident reference')
  })

  test('rejections of personal columns and of whole rows carry no value, others keep theirs', () => {
    const personalCases: [(typeof PEOPLE_INVOLVEMENTS_COLUMNS)[number], string][] = [
      ['Person ID', 'x'.repeat(101)],
      ['First names', 'CANARY\u0007'],
      ['Last name', '42'],
      ['Date of birth', '1987-13-01'],
      ['Postcode', 'CANARY'],
    ]
    for (const [column, value] of personalCases) {
      const rejection = rejectionOf(withField(column, value))
      assert.equal(rejection.column, column)
      assert.equal(rejection.value, null, column)
    }
    const short = rejectionOf(ROW.slice(0, 9))
    assert.equal(short.column, null)
    assert.equal(short.value, null)
    assert.match(short.reason, /9 columns, expected 10/)
    assert.equal(rejectionOf(withField('Role', 'bystander')).value, 'bystander')
  })

  test('a header that is not this format names the expected columns', () => {
    assert.equal(checkHeader(PEOPLE_INVOLVEMENTS_COLUMNS), null)
    const problem = checkHeader(['Source system', 'Person ID', 'Forename', 'Surname'])
    assert.match(problem ?? '', /no 'First names', 'Last name'/)
    assert.match(problem ?? '', new RegExp(PEOPLE_INVOLVEMENTS_COLUMNS.join(',')))
  })

  test('names normalise for matching without losing letters', () => {
    assert.equal(normaliseName('  JOSÉ-LUIS  '), 'jose luis')
    assert.equal(normaliseName('Mc Donald'), 'mc donald')
    assert.equal(normaliseName('D’Arcy'), 'darcy')
  })

  test('generated rows never crash the parser, and never put a personal value in a rejection', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '',
        ' ',
        '2026-02-29',
        '0000-00-00',
        'EC1A 1BB',
        'victim',
        'police-uk-street',
        '\uFFFD',
        '\u0000',
      ),
    )
    const rows = fc.oneof(
      fc.array(field, { maxLength: 14 }),
      fc.tuple(...ROW.map(() => field)),
      fc
        .tuple(fc.nat({ max: 9 }), field)
        .map(([index, value]) => ROW.map((good, i) => (i === index ? value : good))),
    )
    fc.assert(
      fc.property(rows, (row) => {
        const result = parseInvolvementRow(row, TODAY)
        if (result.ok) {
          assert.ok(result.row.first_names.length > 0 && result.row.last_name.length > 0)
          return
        }
        const { column, value, reason } = result.rejection
        assert.ok(reason.length > 0)
        assert.ok(column === null || (PEOPLE_INVOLVEMENTS_COLUMNS as readonly string[]).includes(column))
        if (column === null || WITHHELD_COLUMNS.has(column)) assert.equal(value, null)
      }),
      { numRuns: 500 },
    )
  })
})
