/**
 * How often each kind of error enters a record: the probability that a record which could carry
 * the error does (a short form needs a name that has one, a maiden name a person who changed
 * surname). The kinds of error are those that synthetic-data generators for record linkage model
 * (FEBRL and GeCo: Christen & Pudjijono 2009, "Accurate synthetic generation of realistic personal
 * information") plus the ones UK partnership data show (Niche upper-case surnames, 1 January
 * placeholders); the rates are this benchmark's assumptions, a few per cent each, not measurements,
 * and are listed with their reasons in docs/people/synthetic-records.md. A configured rate is the
 * expected share among records that could carry the error; the tests check files against them.
 */
export interface ErrorRates {
  /** A short form or other spelling of the first name (Bob for Robert, Kate for Catherine). */
  readonly firstNameVariant: number
  /** One keyboard slip in the first name: a letter inserted, deleted, substituted, or two swapped. */
  readonly firstNameTypo: number
  readonly lastNameTypo: number
  /** First and last name entered the wrong way round. */
  readonly namesSwapped: number
  /** Only one part of a double-barrelled or hyphenated surname given. */
  readonly surnamePart: number
  /** The surname a person had before marriage, on a record of someone who changed it. */
  readonly maidenName: number
  readonly dateOfBirthMissing: number
  /** Day and month swapped (only possible when the day is 12 or less and differs from the month). */
  readonly dateOfBirthTransposed: number
  readonly dateOfBirthYearOffByOne: number
  /** 1 January of the right year given as a placeholder for an unknown day and month. */
  readonly dateOfBirthFirstOfJanuary: number
  /** No address and no postcode. */
  readonly addressMissing: number
  /** An address without its postcode. */
  readonly postcodeMissing: number
  /** A postcode mistyped in its inward code. */
  readonly postcodeTypo: number
  /** The address written another way: Rd for Road, upper case, no town, 3/12 for Flat 3, 12. */
  readonly addressFormat: number
  /** The previous address of someone who moved. */
  readonly oldAddress: number
}

export const DEFAULT_ERROR_RATES: ErrorRates = {
  firstNameVariant: 0.12,
  firstNameTypo: 0.03,
  lastNameTypo: 0.03,
  namesSwapped: 0.01,
  surnamePart: 0.35,
  maidenName: 0.3,
  dateOfBirthMissing: 0.03,
  dateOfBirthTransposed: 0.02,
  dateOfBirthYearOffByOne: 0.015,
  dateOfBirthFirstOfJanuary: 0.01,
  addressMissing: 0.05,
  postcodeMissing: 0.06,
  postcodeTypo: 0.02,
  addressFormat: 0.3,
  oldAddress: 0.4,
}

/** The rates with `overrides` applied; every rate must be a probability. */
export function errorRatesWith(overrides: Partial<ErrorRates> = {}): ErrorRates {
  const rates = { ...DEFAULT_ERROR_RATES, ...overrides }
  for (const [name, rate] of Object.entries(rates))
    if (!(typeof rate === 'number' && rate >= 0 && rate <= 1))
      throw new RangeError(`error rate ${name} must be a number from 0 to 1, not ${String(rate)}`)
  if (
    rates.dateOfBirthMissing +
      rates.dateOfBirthTransposed +
      rates.dateOfBirthYearOffByOne +
      rates.dateOfBirthFirstOfJanuary >
    1
  )
    throw new RangeError('the four date of birth error rates must add up to at most 1')
  return rates
}
