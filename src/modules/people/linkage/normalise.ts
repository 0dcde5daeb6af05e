/**
 * Cleaning of the free-text fields before they are compared: case, accents, punctuation, titles,
 * the usual abbreviations of British street names, and the parts of a UK postcode.
 */

/** Accents dropped (É → E); plain ASCII, nearly every value, passes straight through. */
function withoutAccents(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
}

const TITLES = new Set(['MR', 'MRS', 'MS', 'MISS', 'DR', 'REV', 'SIR', 'MX', 'PROF', 'LADY', 'LORD'])

/** Upper case A–Z and spaces: accents dropped (É → E), apostrophes removed, other marks a space. */
function lettersAndSpaces(text: string): string {
  return withoutAccents(text)
    .toUpperCase()
    .replace(/['’`]/g, '')
    .replace(/[^A-Z]+/g, ' ')
    .trim()
}

/** A given name as compared: its first word, titles skipped ("Mr John Paul" → JOHN). */
export function normaliseFirstName(text: string): string {
  const words = lettersAndSpaces(text).split(' ').filter(Boolean)
  const firstReal = words.find((word) => !TITLES.has(word))
  return firstReal ?? ''
}

/** A family name as compared: every word run together ("O'Brien" → OBRIEN, "Smith-Jones" → SMITHJONES). */
export function normaliseLastName(text: string): string {
  return lettersAndSpaces(text).replace(/ /g, '')
}

export interface PostcodeParts {
  /** The whole postcode without spaces (SW1A1AA); empty when none was given. */
  readonly full: string
  /** Outward code and the first character of the inward code (SW1A 1); empty unless a UK postcode. */
  readonly sector: string
  /** The outward code (SW1A); empty unless a UK postcode. */
  readonly district: string
}

/** The shapes of a UK postcode (BS 7666): A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA. */
const UK_POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/

export function normalisePostcode(text: string): PostcodeParts {
  const full = text.toUpperCase().replace(/[^A-Z0-9]/g, '')
  const parts = UK_POSTCODE.exec(full)
  if (!parts) return { full, sector: '', district: '' }
  const [, outward = '', inward = ''] = parts
  return { full, sector: `${outward} ${inward.charAt(0)}`, district: outward }
}

/** Royal Mail's usual abbreviations of the kinds of street, so "12 High Street" equals "12 High St". */
const STREET_WORDS: Readonly<Record<string, string>> = {
  ROAD: 'RD',
  STREET: 'ST',
  AVENUE: 'AVE',
  AV: 'AVE',
  LANE: 'LN',
  DRIVE: 'DR',
  CLOSE: 'CL',
  CRESCENT: 'CRES',
  PLACE: 'PL',
  COURT: 'CT',
  GARDENS: 'GDNS',
  TERRACE: 'TER',
  SQUARE: 'SQ',
  GROVE: 'GR',
  PARK: 'PK',
  WAY: 'WY',
  APARTMENT: 'FLAT',
  APT: 'FLAT',
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
}

export interface AddressParts {
  /** Upper case, words separated by one space, street words abbreviated; empty when none. */
  readonly text: string
  /** The first word with a digit in it (the house or flat number, "12A"); empty when none. */
  readonly number: string
}

export function normaliseAddress(text: string): AddressParts {
  const words = withoutAccents(text)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((word) => STREET_WORDS[word] ?? word)
  return { text: words.join(' '), number: words.find((word) => /[0-9]/.test(word)) ?? '' }
}

/**
 * A date of birth as the number YYYYMMDD, from YYYY-MM-DD or the British DD/MM/YYYY; -1 for an
 * empty field and null for text that is not such a date. The day and month need only be 1–31 each
 * and the year 1800–2100: a clerk's swapped day and month (1990-25-03) is kept, since the comparison
 * recognises it, but not text that is no date at all.
 */
export function parseDateOfBirth(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return -1
  let parts = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed)
  let year: number, month: number, day: number
  if (parts) {
    year = Number(parts[1])
    month = Number(parts[2])
    day = Number(parts[3])
  } else {
    parts = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed)
    if (!parts) return null
    day = Number(parts[1])
    month = Number(parts[2])
    year = Number(parts[3])
  }
  if (year < 1800 || year > 2100 || month < 1 || month > 31 || day < 1 || day > 31) return null
  return year * 10000 + month * 100 + day
}
