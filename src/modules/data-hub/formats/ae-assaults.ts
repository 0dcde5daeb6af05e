import { checkExactHeader, checkFields, reject, type ImportFormat, type RowResult } from './import-format.ts'
import {
  CodeList,
  parseCoded,
  parseCoordinates,
  parseDateTime,
  parseLsoaCode,
  parseOptionalCoded,
  parseReference,
  unknownLabelsOf,
  type UnknownLabel,
  type FieldsOf,
} from './partner-fields.ts'
import { writePartnerRows, type AeAssaultDetailTable, type PartnerRow } from './partner-tables.ts'
import { optional } from './uk-fields.ts'

/**
 * Upstream's A&E assault attendance CSV (docs/formats/ae-assaults.md): the Information Sharing to
 * Tackle Violence minimum dataset (ISB 1594, the Cardiff Model) with the assailant details the
 * Cardiff Model asks for. Anonymous: a file with a patient identifier column is refused whole.
 */

export const AE_ASSAULT_KIND = 'ae-assault'

export const AE_ASSAULT_COLUMNS = [
  'Site code',
  'Attendance reference',
  'Arrival at',
  'Assault at',
  'Assault location type',
  'Assault location description',
  'Longitude',
  'Latitude',
  'LSOA code',
  'Assault method',
  'Assault method description',
  'Number of assailants',
  'Assailant relationship',
  'Assailant gender',
] as const

export const ASSAULT_LOCATION_TYPES = new CodeList([
  { code: 'home', label: 'Home (own or another)' },
  { code: 'street', label: 'Street or other public place' },
  { code: 'licensed-premises', label: 'Pub, bar or club' },
  { code: 'other-night-time-venue', label: 'Other night-time venue (takeaway, late shop)' },
  { code: 'public-transport', label: 'Public transport or station' },
  { code: 'park', label: 'Park or open space' },
  { code: 'school', label: 'School, college or university' },
  { code: 'workplace', label: 'Workplace' },
  { code: 'shop', label: 'Shop or shopping centre' },
  { code: 'custody', label: 'Police custody or prison' },
  { code: 'other', label: 'Other' },
  { code: 'not-known', label: 'Not known' },
])

/** The primary means of assault: what caused the injury. */
export const ASSAULT_METHODS = new CodeList([
  { code: 'body', label: 'Body part (fist, foot, head)' },
  { code: 'blunt-object', label: 'Blunt object' },
  { code: 'knife', label: 'Knife or other sharp object' },
  { code: 'glass', label: 'Glass or bottle' },
  { code: 'firearm', label: 'Firearm' },
  { code: 'corrosive', label: 'Corrosive substance' },
  { code: 'other', label: 'Other' },
  { code: 'not-known', label: 'Not known' },
])

export const ASSAILANT_RELATIONSHIPS = new CodeList([
  { code: 'stranger', label: 'Stranger' },
  { code: 'acquaintance', label: 'Acquaintance or friend' },
  { code: 'partner', label: 'Partner or ex-partner' },
  { code: 'family', label: 'Family member' },
  { code: 'door-staff', label: 'Door or security staff' },
  { code: 'police', label: 'Police officer' },
  { code: 'other', label: 'Other' },
  { code: 'not-known', label: 'Not known' },
])

export const ASSAILANT_GENDERS = new CodeList([
  { code: 'male', label: 'Male' },
  { code: 'female', label: 'Female' },
  { code: 'mixed', label: 'Both male and female assailants' },
  { code: 'not-known', label: 'Not known' },
])

/**
 * Header names that would identify a patient (compared lower case, letters and digits only).
 * ISTV data is anonymous by design; a file that carries any of these is not imported at all.
 */
const PATIENT_IDENTIFIER_COLUMNS = new Set([
  'nhsnumber',
  'nhsno',
  'name',
  'patientname',
  'forename',
  'firstname',
  'givenname',
  'surname',
  'lastname',
  'familyname',
  'dateofbirth',
  'dob',
  'birthdate',
  'address',
  'patientaddress',
  'postcode',
  'patientpostcode',
  'hospitalnumber',
  'localpatientidentifier',
  'patientid',
  'patientidentifier',
  'patientnumber',
  'mrn',
  'telephone',
  'telephonenumber',
  'phone',
  'phonenumber',
  'mobile',
  'email',
  'emailaddress',
])

const SITE_CODE = /^[A-Z0-9]{3,5}$/
const COUNT = /^\d{1,2}$/

export type AeAssaultRow = PartnerRow<AeAssaultDetailTable>

export function checkAeHeader(header: readonly string[]): string | null {
  const identifiers = header
    .map((column) => column.trim())
    .filter((column) => PATIENT_IDENTIFIER_COLUMNS.has(column.toLowerCase().replace(/[^a-z0-9]/g, '')))
  if (identifiers.length) {
    const named = identifiers.map((column) => `'${column}'`).join(', ')
    return (
      `The file carries patient identifiers (${named}): an A&E assault file must be anonymous, so ` +
      `nothing in it was imported. Remove ${identifiers.length > 1 ? 'those columns' : 'that column'} and import again`
    )
  }
  return checkExactHeader('Upstream A&E assault attendance', AE_ASSAULT_COLUMNS, header)
}

/** True for ten digits whose last is the NHS number's modulus 11 check digit. */
export function looksLikeNhsNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '')
  if (!/^\d{10}$/.test(digits)) return false
  const sum = [...digits.slice(0, 9)].reduce((total, digit, index) => total + Number(digit) * (10 - index), 0)
  const check = 11 - (sum % 11)
  return (check === 11 ? 0 : check) === Number(digits[9])
}

export function parseAeRow(fields: readonly string[]): RowResult<AeAssaultRow> {
  const unreadable = checkFields<AeAssaultRow>(AE_ASSAULT_COLUMNS, fields)
  // A row with the wrong column count would be copied whole into the report: it may hold an identifier.
  if (unreadable && !unreadable.ok && unreadable.rejection.column === null) {
    return reject(null, null, unreadable.rejection.reason)
  }
  if (unreadable) return unreadable
  const [
    siteCode,
    referenceText,
    arrivalText,
    assaultText,
    locationTypeText,
    locationDescription,
    longitudeText,
    latitudeText,
    lsoaText,
    methodText,
    methodDescription,
    countText,
    relationshipText,
    genderText,
  ] = fields.map((value) => value.trim()) as FieldsOf<typeof AE_ASSAULT_COLUMNS>

  if (!SITE_CODE.test(siteCode)) {
    return reject(
      'Site code',
      siteCode,
      'the site code is not an ODS site code (3 to 5 capital letters or digits)',
    )
  }
  const reference = parseReference('Attendance reference', referenceText)
  if (!reference.ok) return reference
  if (looksLikeNhsNumber(reference.value)) {
    return reject(
      'Attendance reference',
      null,
      'the attendance reference looks like an NHS number; use the trust’s pseudonymous attendance reference',
    )
  }
  const arrival = arrivalText === '' ? null : parseDateTime('Arrival at', arrivalText)
  if (arrival && !arrival.ok) return arrival
  const assault = parseDateTime('Assault at', assaultText, { allowDateOnly: true })
  if (!assault.ok) return assault
  const arrivalAt = arrival?.value.instant ?? null
  const assaultAt = assault.value.instant
  if (arrivalAt && (assaultAt ? assaultAt > arrivalAt : assault.value.date > arrival!.value.date)) {
    return reject('Assault at', assaultText, 'the assault is after the arrival at the emergency department')
  }
  const locationType = parseCoded('Assault location type', locationTypeText, ASSAULT_LOCATION_TYPES)
  if (!locationType.ok) return locationType
  const place = parseCoordinates(
    { longitude: 'Longitude', latitude: 'Latitude' },
    longitudeText,
    latitudeText,
  )
  if (!place.ok) return place
  const lsoa = parseLsoaCode('LSOA code', lsoaText)
  if (!lsoa.ok) return lsoa
  const method = parseCoded('Assault method', methodText, ASSAULT_METHODS)
  if (!method.ok) return method
  if (countText !== '' && !COUNT.test(countText)) {
    return reject(
      'Number of assailants',
      countText,
      'the number of assailants is not a whole number from 0 to 99',
    )
  }
  const relationship = parseOptionalCoded(relationshipText, ASSAILANT_RELATIONSHIPS)
  const gender = parseOptionalCoded(genderText, ASSAILANT_GENDERS)

  return {
    ok: true,
    row: {
      // The trust's pseudonymous attendance reference, within its site: see the format's documentation.
      identity: `${AE_ASSAULT_KIND}:${siteCode}:${reference.value}`,
      incident: {
        kind: 'ae-assault',
        source_reference: reference.value,
        crime_id: null,
        month: assault.value.month,
        occurred_at: assaultAt,
        category_code: method.value.code,
        category_label: method.value.label,
        last_outcome_code: null,
        last_outcome_label: null,
        reported_by: siteCode,
        falls_within: null,
        ...place.value,
        location_text: optional(locationDescription),
        lsoa_code: lsoa.value,
        lsoa_name: null,
        context: null,
      },
      detail: {
        site_code: siteCode,
        arrival_at: arrivalAt,
        assault_date: assault.value.date,
        assault_at: assaultAt,
        location_type_code: locationType.value.code,
        location_type_label: locationType.value.label,
        method_code: method.value.code,
        method_label: method.value.label,
        method_description: optional(methodDescription),
        assailant_count: countText === '' ? null : Number(countText),
        assailant_relationship_code: relationship?.code ?? null,
        assailant_relationship_label: relationship?.label ?? null,
        assailant_gender_code: gender?.code ?? null,
        assailant_gender_label: gender?.label ?? null,
      },
    },
  }
}

export function unknownAeLabels({ detail }: AeAssaultRow): UnknownLabel[] {
  return unknownLabelsOf([
    ['Assault location type', detail.location_type_code, detail.location_type_label],
    ['Assault method', detail.method_code, detail.method_label],
    ['Assailant relationship', detail.assailant_relationship_code, detail.assailant_relationship_label],
    ['Assailant gender', detail.assailant_gender_code, detail.assailant_gender_label],
  ])
}

export const aeAssaultsFormat: ImportFormat<AeAssaultRow> = {
  kind: AE_ASSAULT_KIND,
  name: 'Upstream A&E assault attendances (ISTV)',
  columns: AE_ASSAULT_COLUMNS,
  checkHeader: checkAeHeader,
  parseRow: parseAeRow,
  unknownLabels: unknownAeLabels,
  write: (trx, runId, rows) => writePartnerRows(trx, AE_ASSAULT_KIND, 'ae_assault_detail', runId, rows),
}
