import {
  addressFormatsFor,
  formatAddress,
  formatAddressAs,
  mistypePostcode,
  type Address,
} from './addresses.ts'
import type { ErrorRates } from './error-rates.ts'
import { NAME_VARIANTS } from './given-names.ts'
import { isLeapYear, type Person } from './population.ts'
import type { SeededRandom } from './seeded-random.ts'
import { mistype } from './typos.ts'

export const RECORD_ERRORS = [
  'first-name-variant',
  'first-name-typo',
  'last-name-typo',
  'names-swapped',
  'surname-part',
  'maiden-name',
  'date-of-birth-missing',
  'date-of-birth-transposed',
  'date-of-birth-year-off-by-one',
  'date-of-birth-first-of-january',
  'address-missing',
  'postcode-missing',
  'postcode-typo',
  'address-format',
  'old-address',
] as const
export type RecordError = (typeof RECORD_ERRORS)[number]

export interface RecordFields {
  firstName: string
  lastName: string
  dateOfBirth: string
  address: string
  postcode: string
}

/** Whether the day and month of a YYYY-MM-DD date can be swapped into another valid date. */
export function canTranspose(dateOfBirth: string): boolean {
  const month = Number(dateOfBirth.slice(5, 7))
  const day = Number(dateOfBirth.slice(8, 10))
  return day <= 12 && day !== month
}

export function transposeDayAndMonth(dateOfBirth: string): string {
  return `${dateOfBirth.slice(0, 4)}-${dateOfBirth.slice(8, 10)}-${dateOfBirth.slice(5, 7)}`
}

/** The same day a year earlier or later; 29 February becomes 28 February in a year without it. */
export function shiftYear(dateOfBirth: string, years: number): string {
  const year = Number(dateOfBirth.slice(0, 4)) + years
  const monthDay = dateOfBirth.slice(5) === '02-29' && !isLeapYear(year) ? '02-28' : dateOfBirth.slice(5)
  return `${year}-${monthDay}`
}

export function isFirstOfJanuary(dateOfBirth: string): boolean {
  return dateOfBirth.endsWith('-01-01')
}

/** The surname's parts when it is double-barrelled or hyphenated ("Smith-Jones"), else null. */
export function surnameParts(surname: string): readonly string[] | null {
  const parts = surname.split('-')
  return parts.length > 1 ? parts : null
}

/**
 * One record of a person as a source system holds it: the true details with this record's errors.
 * Each kind of error is drawn on its own, at its rate among the records that could carry it; the
 * four date of birth errors exclude each other (one draw decides which, if any).
 */
export function recordWithErrors(
  person: Person,
  random: SeededRandom,
  rates: ErrorRates,
): { fields: RecordFields; errors: RecordError[] } {
  const errors: RecordError[] = []
  let firstName = person.firstName
  const variants = NAME_VARIANTS[firstName]
  if (variants !== undefined && random.chance(rates.firstNameVariant)) {
    firstName = random.pick(variants)
    errors.push('first-name-variant')
  }
  let lastName = person.surname
  const parts = surnameParts(person.surname)
  if (person.birthSurname !== null && random.chance(rates.maidenName)) {
    lastName = person.birthSurname
    errors.push('maiden-name')
  } else if (parts !== null && random.chance(rates.surnamePart)) {
    lastName = random.pick(parts)
    errors.push('surname-part')
  }
  if (random.chance(rates.firstNameTypo)) {
    firstName = mistype(firstName, random).typed
    errors.push('first-name-typo')
  }
  if (random.chance(rates.lastNameTypo)) {
    lastName = mistype(lastName, random).typed
    errors.push('last-name-typo')
  }
  if (random.chance(rates.namesSwapped)) {
    ;[firstName, lastName] = [lastName, firstName]
    errors.push('names-swapped')
  }

  let dateOfBirth = person.dateOfBirth
  // One uniform draw, cut into consecutive bands of the four rates.
  const draw = random.uniform()
  const missingUpTo = rates.dateOfBirthMissing
  const transposedUpTo = missingUpTo + rates.dateOfBirthTransposed
  const yearUpTo = transposedUpTo + rates.dateOfBirthYearOffByOne
  const januaryUpTo = yearUpTo + rates.dateOfBirthFirstOfJanuary
  if (draw < missingUpTo) {
    dateOfBirth = ''
    errors.push('date-of-birth-missing')
  } else if (draw < transposedUpTo) {
    if (canTranspose(dateOfBirth)) {
      dateOfBirth = transposeDayAndMonth(dateOfBirth)
      errors.push('date-of-birth-transposed')
    }
  } else if (draw < yearUpTo) {
    dateOfBirth = shiftYear(dateOfBirth, random.chance(0.5) ? 1 : -1)
    errors.push('date-of-birth-year-off-by-one')
  } else if (draw < januaryUpTo) {
    if (!isFirstOfJanuary(dateOfBirth)) {
      dateOfBirth = `${dateOfBirth.slice(0, 4)}-01-01`
      errors.push('date-of-birth-first-of-january')
    }
  }

  let address = ''
  let postcode = ''
  if (random.chance(rates.addressMissing)) {
    errors.push('address-missing')
  } else {
    let where: Address = person.address
    if (person.previousAddress !== null && random.chance(rates.oldAddress)) {
      where = person.previousAddress
      errors.push('old-address')
    }
    address = formatAddress(where)
    if (random.chance(rates.addressFormat)) {
      address = formatAddressAs(where, random.pick(addressFormatsFor(where)))
      errors.push('address-format')
    }
    if (random.chance(rates.postcodeMissing)) {
      errors.push('postcode-missing')
    } else if (random.chance(rates.postcodeTypo)) {
      postcode = mistypePostcode(where.postcode, random)
      errors.push('postcode-typo')
    } else {
      postcode = where.postcode
    }
  }
  return { fields: { firstName, lastName, dateOfBirth, address, postcode }, errors }
}
