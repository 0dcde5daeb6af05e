import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { ADDRESS_FORMATS, formatAddress, formatAddressAs } from './addresses.ts'
import { writePersonRecordsCsv } from './csv-file.ts'
import { DEFAULT_ERROR_RATES, type ErrorRates } from './error-rates.ts'
import { NAME_VARIANTS } from './given-names.ts'
import type { Person } from './population.ts'
import { generatePersonRecords, SOURCES, type GeneratedRecord } from './person-records.ts'
import {
  canTranspose,
  isFirstOfJanuary,
  RECORD_ERRORS,
  shiftYear,
  surnameParts,
  transposeDayAndMonth,
  type RecordError,
} from './record-errors.ts'
import { UK_POSTCODE } from './west-midlands-places.ts'

const SAMPLE = 20_000
const generate = (records: number, seed: number, rates?: Partial<ErrorRates>) => [
  ...generatePersonRecords({ records, seed, rates }),
]
const defaultSample = generate(SAMPLE, 20261201)

async function csvDigest(records: number, seed: number): Promise<string> {
  const hash = createHash('sha256')
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      done()
    },
  })
  await writePersonRecordsCsv({ records, seed }, sink)
  return hash.digest('hex')
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), ignoring case. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const d = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  return d[s.length]![t.length]!
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Whether `given` is what `truth` becomes with the claimed variant (from `variants`) and typo. */
function nameExplained(given: string, starts: readonly string[], typo: boolean): boolean {
  return starts.some((start) => (typo ? editDistance(start, given) === 1 : same(start, given)))
}

/** Why the record differs from its person, worked out from the data alone; null when it is consistent with its claimed errors. */
function unexplainedDifference({ record, person, errors }: GeneratedRecord): string | null {
  const has = (error: RecordError) => errors.includes(error)
  const [first, last] = has('names-swapped')
    ? [record.lastName, record.firstName]
    : [record.firstName, record.lastName]
  const firstStarts = has('first-name-variant') ? (NAME_VARIANTS[person.firstName] ?? []) : [person.firstName]
  if (!nameExplained(first, firstStarts, has('first-name-typo')))
    return `first name ${first} for ${person.firstName}`
  const lastStarts = has('maiden-name')
    ? [person.birthSurname ?? '']
    : has('surname-part')
      ? (surnameParts(person.surname) ?? [])
      : [person.surname]
  if (!nameExplained(last, lastStarts, has('last-name-typo')))
    return `last name ${last} for ${person.surname}`

  const dob = person.dateOfBirth
  const expectedDob = has('date-of-birth-missing')
    ? ['']
    : has('date-of-birth-transposed')
      ? [transposeDayAndMonth(dob)]
      : has('date-of-birth-year-off-by-one')
        ? [shiftYear(dob, -1), shiftYear(dob, 1)]
        : has('date-of-birth-first-of-january')
          ? [`${dob.slice(0, 4)}-01-01`]
          : [dob]
  if (!expectedDob.includes(record.dateOfBirth)) return `date of birth ${record.dateOfBirth} for ${dob}`

  if (has('address-missing'))
    return record.address === '' && record.postcode === '' ? null : 'address not missing'
  const where = has('old-address') ? person.previousAddress : person.address
  if (where === null) return 'old address claimed for someone who never moved'
  const formats = has('address-format')
    ? ADDRESS_FORMATS.map((format) => formatAddressAs(where, format)).filter(
        (text) => text !== formatAddress(where),
      )
    : [formatAddress(where)]
  if (!formats.includes(record.address)) return `address ${record.address} for ${formatAddress(where)}`
  if (has('postcode-missing')) return record.postcode === '' ? null : 'postcode not missing'
  if (has('postcode-typo')) {
    const outward = where.postcode.split(' ')[0]
    return record.postcode !== where.postcode &&
      record.postcode.startsWith(`${outward} `) &&
      UK_POSTCODE.test(record.postcode)
      ? null
      : `postcode typo ${record.postcode} for ${where.postcode}`
  }
  return record.postcode === where.postcode ? null : `postcode ${record.postcode} for ${where.postcode}`
}

/** Which records could carry each error, as record-errors.ts decides it. */
const ELIGIBLE: Record<RecordError, (person: Person, errors: readonly RecordError[]) => boolean> = {
  'first-name-variant': (person) => NAME_VARIANTS[person.firstName] !== undefined,
  'first-name-typo': () => true,
  'last-name-typo': () => true,
  'names-swapped': () => true,
  'maiden-name': (person) => person.birthSurname !== null,
  'surname-part': (person, errors) =>
    surnameParts(person.surname) !== null && !errors.includes('maiden-name'),
  'date-of-birth-missing': () => true,
  'date-of-birth-transposed': (person) => canTranspose(person.dateOfBirth),
  'date-of-birth-year-off-by-one': () => true,
  'date-of-birth-first-of-january': (person) => !isFirstOfJanuary(person.dateOfBirth),
  'address-missing': () => true,
  'old-address': (person, errors) => person.previousAddress !== null && !errors.includes('address-missing'),
  'address-format': (_, errors) => !errors.includes('address-missing'),
  'postcode-missing': (_, errors) => !errors.includes('address-missing'),
  'postcode-typo': (_, errors) => !errors.includes('address-missing') && !errors.includes('postcode-missing'),
}
const RATE_OF: Record<RecordError, keyof ErrorRates> = {
  'first-name-variant': 'firstNameVariant',
  'first-name-typo': 'firstNameTypo',
  'last-name-typo': 'lastNameTypo',
  'names-swapped': 'namesSwapped',
  'maiden-name': 'maidenName',
  'surname-part': 'surnamePart',
  'date-of-birth-missing': 'dateOfBirthMissing',
  'date-of-birth-transposed': 'dateOfBirthTransposed',
  'date-of-birth-year-off-by-one': 'dateOfBirthYearOffByOne',
  'date-of-birth-first-of-january': 'dateOfBirthFirstOfJanuary',
  'address-missing': 'addressMissing',
  'old-address': 'oldAddress',
  'address-format': 'addressFormat',
  'postcode-missing': 'postcodeMissing',
  'postcode-typo': 'postcodeTypo',
}

function checkRates(sample: readonly GeneratedRecord[], rates: ErrorRates) {
  for (const error of RECORD_ERRORS) {
    const eligible = sample.filter(({ person, errors }) => ELIGIBLE[error](person, errors))
    const carrying = eligible.filter(({ errors }) => errors.includes(error)).length
    const rate = rates[RATE_OF[error]]
    assert.ok(eligible.length >= 100, `${error}: only ${eligible.length} records could carry it`)
    const observed = carrying / eligible.length
    // Four standard errors of a binomial share, and a little for the smallest denominators.
    const tolerance = 4 * Math.sqrt((rate * (1 - rate)) / eligible.length) + 0.003
    assert.ok(
      Math.abs(observed - rate) <= tolerance,
      `${error}: ${carrying} of ${eligible.length} = ${observed.toFixed(4)}, configured ${rate} ± ${tolerance.toFixed(4)}`,
    )
  }
}

describe('synthetic person records', () => {
  test('the same seed gives the same file, byte for byte, and another seed another file', async () => {
    const first = await csvDigest(SAMPLE, 7)
    assert.equal(await csvDigest(SAMPLE, 7), first)
    assert.notEqual(await csvDigest(SAMPLE, 8), first)
  })

  test('makes exactly the records asked for, each with its own record id and a known source', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -1e12, max: 1e12 }),
        (records, seed) => {
          const made = generate(records, seed)
          assert.equal(made.length, records)
          assert.equal(new Set(made.map(({ record }) => record.recordId)).size, records)
          for (const { record } of made) assert.ok(record.recordId.startsWith(SOURCES[record.source]))
        },
      ),
      { numRuns: 40 },
    )
  })

  test('every error comes out at its configured rate within sampling error, on 20,000 records', () => {
    checkRates(defaultSample, DEFAULT_ERROR_RATES)
  })

  test('configured rates are followed, not just the defaults', () => {
    const rates: ErrorRates = {
      ...Object.fromEntries(Object.keys(DEFAULT_ERROR_RATES).map((name) => [name, 0.2])),
      dateOfBirthMissing: 0.1,
      dateOfBirthTransposed: 0.1,
      dateOfBirthYearOffByOne: 0.1,
      dateOfBirthFirstOfJanuary: 0.1,
    } as ErrorRates
    checkRates(generate(SAMPLE, 99, rates), rates)
  })

  test('with every rate at zero each record is its person exactly, apart from Niche upper-casing surnames', () => {
    const zero = Object.fromEntries(
      Object.keys(DEFAULT_ERROR_RATES).map((name) => [name, 0]),
    ) as unknown as ErrorRates
    for (const { record, person, errors } of generate(2_000, 5, zero)) {
      assert.deepEqual(errors, [])
      assert.equal(record.firstName, person.firstName)
      assert.equal(
        record.lastName,
        record.source === 'police-niche' ? person.surname.toUpperCase() : person.surname,
      )
      assert.equal(record.dateOfBirth, person.dateOfBirth)
      assert.equal(record.address, formatAddress(person.address))
      assert.equal(record.postcode, person.address.postcode)
    }
  })

  test('every difference between a record and its person is one of the errors recorded for it', () => {
    for (const generated of defaultSample) {
      const difference = unexplainedDifference(generated)
      assert.equal(
        difference,
        null,
        `${generated.record.recordId} (${generated.errors.join(', ')}): ${difference}`,
      )
    }
  })

  test("every record's true_id is a person of the population, numbered without gaps", () => {
    const people = new Map<string, Person>()
    for (const { record, person } of defaultSample) {
      assert.equal(record.trueId, person.id)
      const known = people.get(person.id)
      if (known) assert.equal(known, person, `${person.id} names two different people`)
      people.set(person.id, person)
    }
    const numbers = [...people.keys()].map((id) => Number(id.slice(1))).sort((a, b) => a - b)
    assert.equal(numbers[0], 1)
    // Only the last household, cut short at the record count, may leave a person without a record.
    assert.ok(
      numbers.at(-1)! - numbers.length <= 8,
      `${numbers.at(-1)! - numbers.length} people have no record`,
    )
  })

  test('twins exist: same date of birth, household and surname, different first names', () => {
    const people = new Map(defaultSample.map(({ person }) => [person.id, person]))
    const twins = [...people.values()].filter((person) => person.twinId !== null && people.has(person.twinId))
    assert.ok(twins.length >= 10, `only ${twins.length} twins with records`)
    for (const twin of twins) {
      const other = people.get(twin.twinId!)!
      assert.equal(other.twinId, twin.id)
      assert.equal(twin.dateOfBirth, other.dateOfBirth)
      assert.equal(twin.householdId, other.householdId)
      assert.notEqual(twin.firstName, other.firstName)
      if (twin.sex === other.sex) assert.equal(twin.surname, other.surname)
    }
  })

  test('fathers and sons share first name, surname and address but not date of birth', () => {
    const people = new Map(defaultSample.map(({ person }) => [person.id, person]))
    const sons = [...people.values()].filter(
      (person) => person.namesakeOfId !== null && people.has(person.namesakeOfId),
    )
    assert.ok(sons.length >= 10, `only ${sons.length} namesake sons with records`)
    for (const son of sons) {
      const father = people.get(son.namesakeOfId!)!
      assert.equal(son.firstName, father.firstName)
      assert.equal(son.surname, father.surname)
      assert.equal(son.address, father.address)
      assert.ok(son.dateOfBirth > father.dateOfBirth, `${son.id} is born before his father`)
    }
  })

  test('surnames are skewed as real ones are: Smith and Jones near the top, most surnames rare', () => {
    const counts = new Map<string, number>()
    const people = new Map(defaultSample.map(({ person }) => [person.id, person]))
    for (const person of people.values()) counts.set(person.surname, (counts.get(person.surname) ?? 0) + 1)
    const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name)
    // In the West Midlands Khan, Singh and Patel are as common as Jones.
    assert.ok(
      ranked.slice(0, 3).includes('Smith') && ranked.slice(0, 8).includes('Jones'),
      ranked.slice(0, 8).join(),
    )
    const smithShare = counts.get('Smith')! / people.size
    assert.ok(smithShare > 0.007 && smithShare < 0.02, `Smith is ${smithShare} of people`)
    const rare = [...counts.values()].filter((count) => count <= 2).length
    assert.ok(
      rare / counts.size > 0.3,
      `only ${rare} of ${counts.size} surnames are held by one or two people`,
    )
  })

  test('people who moved have records at both addresses', () => {
    const movers = defaultSample.filter(({ person }) => person.previousAddress !== null)
    const old = movers.filter(({ errors }) => errors.includes('old-address'))
    assert.ok(old.length > 0 && old.length < movers.length)
  })

  test('bad options are refused with the option named', () => {
    assert.throws(() => generate(-1, 1), /records must be a whole number/)
    assert.throws(() => generate(1.5, 1), /records must be a whole number/)
    assert.throws(() => generate(10, Number.NaN), /seed must be a whole number/)
    assert.throws(() => generate(10, 1, { postcodeTypo: 2 }), /postcodeTypo must be a number from 0 to 1/)
    assert.throws(
      () => generate(10, 1, { dateOfBirthMissing: 0.6, dateOfBirthTransposed: 0.6 }),
      /date of birth error rates must add up to at most 1/,
    )
    fc.assert(
      fc.property(fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: -1 })), (records) => {
        assert.throws(() => generate(records, 1), RangeError)
      }),
    )
  })
})
