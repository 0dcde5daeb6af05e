import { StreetCatalogue } from './addresses.ts'
import { errorRatesWith, type ErrorRates } from './error-rates.ts'
import { PopulationGenerator, REFERENCE_YEAR, type Person } from './population.ts'
import { recordWithErrors, type RecordError } from './record-errors.ts'
import { SeededRandom, WeightedChoice } from './seeded-random.ts'

/** One row of the file: a person as one source system recorded them, and who they truly are. */
export interface PersonRecord {
  readonly source: Source
  readonly recordId: string
  readonly firstName: string
  readonly lastName: string
  /** YYYY-MM-DD, or '' when missing. */
  readonly dateOfBirth: string
  readonly address: string
  readonly postcode: string
  readonly trueId: string
}

export interface GeneratedRecord {
  readonly record: PersonRecord
  readonly person: Person
  readonly errors: readonly RecordError[]
}

export interface PersonRecordOptions {
  /** How many records (rows) to make. */
  readonly records: number
  /** Any safe integer; the same seed and options give the same records in the same order. */
  readonly seed: number
  readonly rates?: Partial<ErrorRates>
}

/** The partnership's systems a person can appear in, with the prefix of their record numbers. */
export const SOURCES = {
  'police-niche': 'NICHE',
  'ae-attendance': 'AE',
  'mash-referrals': 'MASH',
  'missing-episodes': 'MISS',
  'youth-offending': 'YOT',
  'asb-cases': 'ASB',
} as const
export type Source = keyof typeof SOURCES

/**
 * Where a person's records come from, by age: missing episodes and youth offending are about
 * children and young people, council antisocial behaviour cases about adults. Weights are our
 * assumption of each system's share of a partnership's person records.
 */
const SOURCES_BY_AGE: readonly { readonly upToAge: number; readonly sources: WeightedChoice<Source> }[] = [
  {
    upToAge: 9,
    sources: new WeightedChoice<Source>([
      ['ae-attendance', 45],
      ['mash-referrals', 45],
      ['police-niche', 10],
    ]),
  },
  {
    upToAge: 20,
    sources: new WeightedChoice<Source>([
      ['police-niche', 30],
      ['ae-attendance', 22],
      ['mash-referrals', 14],
      ['missing-episodes', 20],
      ['youth-offending', 14],
    ]),
  },
  {
    upToAge: Infinity,
    sources: new WeightedChoice<Source>([
      ['police-niche', 42],
      ['ae-attendance', 32],
      ['mash-referrals', 10],
      ['asb-cases', 16],
    ]),
  },
]

/**
 * How many records a person has (1 to 8, mean 2.35): most people appear once or twice, a few
 * many times (a skew like that of repeat victims and offenders). Our assumption.
 */
export const RECORDS_PER_PERSON = new WeightedChoice([
  [1, 0.4],
  [2, 0.25],
  [3, 0.15],
  [4, 0.09],
  [5, 0.05],
  [6, 0.03],
  [7, 0.02],
  [8, 0.01],
])
const MEAN_RECORDS_PER_PERSON = 2.35
const MEAN_PEOPLE_PER_HOUSEHOLD = 2.3

/**
 * Records are mixed through a buffer of this many before they are written, so that a person's
 * records are not side by side in the file, in memory that does not grow with the file's size.
 */
const SHUFFLE_BUFFER = 65_536

/** Source systems upper-case the surname field (Niche does) — a style, not an error. */
const UPPER_CASE_SURNAMES: ReadonlySet<Source> = new Set(['police-niche'])

/**
 * The records of a synthetic population, one at a time, in memory bounded by the shuffle buffer
 * and the street catalogue (a few bytes per household), whatever `records` is. The people come
 * from seed stream 1, the records' sources and errors from stream 2, the order from stream 3.
 */
export function* generatePersonRecords(options: PersonRecordOptions): Generator<GeneratedRecord> {
  const { records } = options
  if (!Number.isSafeInteger(records) || records < 0)
    throw new RangeError(`records must be a whole number of 0 or more, not ${records}`)
  if (!Number.isSafeInteger(options.seed))
    throw new RangeError(`seed must be a whole number, not ${options.seed}`)
  const rates = errorRatesWith(options.rates)
  const peopleRandom = new SeededRandom(options.seed, 1)
  const recordRandom = new SeededRandom(options.seed, 2)
  const orderRandom = new SeededRandom(options.seed, 3)
  const expectedHouseholds = Math.ceil(records / MEAN_RECORDS_PER_PERSON / MEAN_PEOPLE_PER_HOUSEHOLD)
  const population = new PopulationGenerator(
    peopleRandom,
    new StreetCatalogue(peopleRandom, expectedHouseholds),
  )
  const counters = new Map<Source, number>()
  // Numbered as they leave the buffer, so that record numbers say nothing of who is who.
  const numbered = (pending: GeneratedRecord & { record: { recordId: string } }) => {
    const source = pending.record.source
    const number = (counters.get(source) ?? 0) + 1
    counters.set(source, number)
    pending.record.recordId = `${SOURCES[source]}${String(number).padStart(8, '0')}`
    return pending
  }

  const buffer: Parameters<typeof numbered>[0][] = []
  let made = 0
  while (made < records) {
    for (const person of population.nextHousehold()) {
      const sources = sourcesFor(person)
      const count = RECORDS_PER_PERSON.draw(recordRandom)
      for (let i = 0; i < count && made < records; i++, made++) {
        const source = sources.draw(recordRandom)
        const { fields, errors } = recordWithErrors(person, recordRandom, rates)
        const lastName = UPPER_CASE_SURNAMES.has(source) ? fields.lastName.toUpperCase() : fields.lastName
        const record = { source, recordId: '', ...fields, lastName, trueId: person.id }
        const pending = { record, person, errors }
        if (buffer.length < SHUFFLE_BUFFER) {
          buffer.push(pending)
        } else {
          const slot = orderRandom.below(SHUFFLE_BUFFER)
          yield numbered(buffer[slot]!)
          buffer[slot] = pending
        }
      }
    }
  }
  for (let i = buffer.length - 1; i >= 0; i--) {
    const slot = orderRandom.below(i + 1)
    yield numbered(buffer[slot]!)
    buffer[slot] = buffer[i]!
  }
}

function sourcesFor(person: Person): WeightedChoice<Source> {
  const age = REFERENCE_YEAR - Number(person.dateOfBirth.slice(0, 4))
  return SOURCES_BY_AGE.find((band) => age <= band.upToAge)!.sources
}
