import { createHash } from 'node:crypto'
import { systemClock, type Clock } from '../../../clock.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import { writeInvolvements } from '../people/write-involvements.ts'
import { INVOLVEMENT_ROLES, type InvolvementRole } from '../people/tables.ts'
import {
  checkExactHeader,
  checkFields,
  reject,
  type IdentifiedRow,
  type ImportFormat,
  type RowResult,
} from './import-format.ts'

/**
 * A force's or partner's extract of people and their involvements in incidents: one row per
 * involvement, so one person is on as many rows as incidents they are involved in. See
 * docs/formats/people-involvements.md. Parsing is pure; the writer is in people/.
 */

export const PEOPLE_INVOLVEMENTS_KIND = 'people-involvements'
const NAME = 'people and involvements'

export const PEOPLE_INVOLVEMENTS_COLUMNS = [
  'Source system',
  'Person ID',
  'First names',
  'Last name',
  'Date of birth',
  'Address',
  'Postcode',
  'Incident source',
  'Incident reference',
  'Role',
] as const
type Column = (typeof PEOPLE_INVOLVEMENTS_COLUMNS)[number]

/**
 * Columns whose values never go into a rejection report: the report is read by whoever may
 * import, who need not be covered by an agreement for person identity. The row number is
 * enough to find the row in the file the importer already holds.
 */
export const WITHHELD_COLUMNS: ReadonlySet<string> = new Set<Column>([
  'Person ID',
  'First names',
  'Last name',
  'Date of birth',
  'Address',
  'Postcode',
])

export interface InvolvementRow extends IdentifiedRow {
  source_system: string
  source_person_id: string
  first_names: string
  last_name: string
  first_names_normalised: string
  last_name_normalised: string
  date_of_birth: string | null
  address: string | null
  postcode: string | null
  role: InvolvementRole
  incident_source_kind: string
  incident_reference: string
}

const SOURCE_SYSTEM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const SOURCE_KIND = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const EARLIEST_BIRTH = '1900-01-01'
const CONTROL = /\p{Cc}/u
const LETTER = /\p{L}/u
const MAX_IDENTIFIER = 100
const MAX_NAME = 200
const MAX_REFERENCE = 200
// The shapes of the outward code (A9, A99, AA9, AA99, A9A, AA9A, with the letters each place
// allows) and of the inward code (9AA, without C, I, K, M, O, V), as Royal Mail assigns them.
const OUTWARD =
  /^(?:[A-PR-UWYZ]\d{1,2}|[A-PR-UWYZ][A-HK-Y]\d{1,2}|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])$/
const INWARD = /^\d[ABD-HJLNP-UW-Z]{2}$/

const ROLE_SET: ReadonlySet<string> = new Set(INVOLVEMENT_ROLES)

export function checkHeader(header: readonly string[]): string | null {
  return checkExactHeader(NAME, PEOPLE_INVOLVEMENTS_COLUMNS, header)
}

/** The standard form of a UK postcode ('EC2V 7HH'), or null when the text is not shaped like one. */
export function normalisePostcode(text: string): string | null {
  const compact = text.replace(/\s+/g, '').toUpperCase()
  if (compact === 'GIR0AA') return 'GIR 0AA'
  if (compact.length < 5 || compact.length > 7) return null
  const outward = compact.slice(0, -3)
  const inward = compact.slice(-3)
  return OUTWARD.test(outward) && INWARD.test(inward) ? `${outward} ${inward}` : null
}

/** A name for matching: lower case, accents and apostrophes dropped, other punctuation as spaces. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** 'Reporting person', 'REPORTING-PERSON' and 'reporting-person' are the same role. */
export function roleCode(label: string): InvolvementRole | null {
  const code = label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
  // The C3 category's name for a child present: the same role.
  if (code === 'child-at-risk') return 'child-present'
  return ROLE_SET.has(code) ? (code as InvolvementRole) : null
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Why a date of birth is not acceptable, or null when it is. `today` is YYYY-MM-DD. */
function dateOfBirthProblem(text: string, today: string): string | null {
  const match = ISO_DATE.exec(text)
  if (!match) return 'the date of birth is not a date in the form YYYY-MM-DD'
  if (!isRealDate(Number(match[1]), Number(match[2]), Number(match[3])))
    return 'the date of birth is not a real date'
  if (text > today) return 'the date of birth is in the future'
  if (text < EARLIEST_BIRTH) return `the date of birth is before ${EARLIEST_BIRTH}`
  return null
}

function nameProblem(field: string, value: string): string | null {
  if (value === '') return `the ${field} field is empty`
  if (value.length > MAX_NAME) return `the ${field} field is longer than ${MAX_NAME} characters`
  if (CONTROL.test(value)) return `the ${field} field contains a control character`
  if (!LETTER.test(value)) return `the ${field} field contains no letter`
  return null
}

/** Keeps personal values out of a rejection (see WITHHELD_COLUMNS); a whole-row problem keeps none. */
function withheld<Row>(result: RowResult<Row>): RowResult<Row> {
  if (result.ok) return result
  const { column } = result.rejection
  if (column !== null && !WITHHELD_COLUMNS.has(column)) return result
  return { ok: false, rejection: { ...result.rejection, value: null } }
}

export function parseInvolvementRow(fields: readonly string[], today: string): RowResult<InvolvementRow> {
  return withheld(parseUnredacted(fields, today))
}

function parseUnredacted(fields: readonly string[], today: string): RowResult<InvolvementRow> {
  const unreadable = checkFields<InvolvementRow>(PEOPLE_INVOLVEMENTS_COLUMNS, fields)
  if (unreadable) return unreadable
  const [
    sourceSystem,
    personId,
    firstNames,
    lastName,
    dateOfBirth,
    address,
    postcodeText,
    incidentSource,
    incidentReference,
    roleLabel,
  ] = fields.map((value) => value.trim()) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]

  if (!SOURCE_SYSTEM.test(sourceSystem)) {
    return reject(
      'Source system',
      sourceSystem,
      'the source system is not a short code of letters, digits, dots, hyphens or underscores (at most 64)',
    )
  }
  if (personId === '') return reject('Person ID', personId, 'the person ID is empty')
  if (personId.length > MAX_IDENTIFIER || CONTROL.test(personId)) {
    return reject(
      'Person ID',
      personId,
      `the person ID is longer than ${MAX_IDENTIFIER} characters or has a control character`,
    )
  }
  const firstNamesProblem = nameProblem('first names', firstNames)
  if (firstNamesProblem) return reject('First names', firstNames, firstNamesProblem)
  const lastNameProblem = nameProblem('last name', lastName)
  if (lastNameProblem) return reject('Last name', lastName, lastNameProblem)
  if (dateOfBirth !== '') {
    const problem = dateOfBirthProblem(dateOfBirth, today)
    if (problem) return reject('Date of birth', dateOfBirth, problem)
  }
  if (CONTROL.test(address.replace(/[\r\n\t]/g, ' '))) {
    return reject('Address', address, 'the address contains a control character')
  }
  const postcode = postcodeText === '' ? null : normalisePostcode(postcodeText)
  if (postcodeText !== '' && postcode === null) {
    return reject(
      'Postcode',
      postcodeText,
      'the postcode is not shaped like a UK postcode (for example EC2V 7HH)',
    )
  }
  if (!SOURCE_KIND.test(incidentSource) || incidentSource.length > 64) {
    return reject(
      'Incident source',
      incidentSource,
      "the incident source is not a source kind such as 'police-uk-street' (lower case letters, digits and hyphens)",
    )
  }
  if (incidentReference === '')
    return reject('Incident reference', incidentReference, 'the incident reference is empty')
  if (incidentReference.length > MAX_REFERENCE || CONTROL.test(incidentReference)) {
    return reject(
      'Incident reference',
      incidentReference,
      `the incident reference is longer than ${MAX_REFERENCE} characters or has a control character`,
    )
  }
  const role = roleCode(roleLabel)
  if (!role) return reject('Role', roleLabel, `the role is not one of ${INVOLVEMENT_ROLES.join(', ')}`)

  // Hashed so that natural keys, which are logged and compared, do not carry the person ID itself.
  const identity = `people:${createHash('sha256')
    .update(JSON.stringify([sourceSystem, personId, incidentSource, incidentReference, role]))
    .digest('hex')}`
  return {
    ok: true,
    row: {
      identity,
      source_system: sourceSystem,
      source_person_id: personId,
      first_names: firstNames,
      last_name: lastName,
      first_names_normalised: normaliseName(firstNames),
      last_name_normalised: normaliseName(lastName),
      date_of_birth: dateOfBirth === '' ? null : dateOfBirth,
      address: address === '' ? null : address,
      postcode,
      role,
      incident_source_kind: incidentSource,
      incident_reference: incidentReference,
    },
  }
}

/** The format with its own clock, for "a date of birth in the future" in tests. */
export function peopleInvolvementsFormatOn(clock: Clock): ImportFormat<InvolvementRow> {
  return {
    kind: PEOPLE_INVOLVEMENTS_KIND,
    name: NAME,
    columns: PEOPLE_INVOLVEMENTS_COLUMNS,
    checkHeader,
    parseRow: (fields) => parseInvolvementRow(fields, partnershipDate(clock.now())),
    write: writeInvolvements,
  }
}

export const peopleInvolvementsFormat = peopleInvolvementsFormatOn(systemClock)
