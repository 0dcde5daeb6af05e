import { checkExactHeader, checkFields, type ImportFormat, type RowResult } from './import-format.ts'
import {
  CodeList,
  parseCoded,
  parseCoordinates,
  parseDateTime,
  parseLsoaCode,
  parseOptionalCoded,
  parseReference,
  parseYesNo,
  UNKNOWN_CATEGORY,
  unknownLabelsOf,
  type UnknownLabel,
  type Coded,
  type FieldsOf,
} from './partner-fields.ts'
import { writePartnerRows, type CallForServiceDetailTable, type PartnerRow } from './partner-tables.ts'
import { optional } from './uk-fields.ts'

/** Upstream's calls-for-service CSV (docs/formats/calls-for-service.md): parsing, checking, mapping. */

export const CALL_FOR_SERVICE_KIND = 'call-for-service'

export const CALL_FOR_SERVICE_COLUMNS = [
  'Call reference',
  'Received at',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'Initial category',
  'Final category',
  'Grade',
  'Repeat caller',
  'Vulnerability flags',
  'Closing code',
] as const

/** What the call was about: the opening category as the call taker chose it, the final as closed. */
export const CALL_CATEGORIES = new CodeList([
  { code: 'violence', label: 'Violence against the person' },
  { code: 'sexual-offence', label: 'Sexual offence' },
  { code: 'robbery', label: 'Robbery' },
  { code: 'burglary', label: 'Burglary' },
  { code: 'theft', label: 'Theft' },
  { code: 'vehicle-crime', label: 'Vehicle crime' },
  { code: 'criminal-damage', label: 'Criminal damage' },
  { code: 'drugs', label: 'Drugs' },
  { code: 'weapons', label: 'Weapons' },
  { code: 'public-order', label: 'Public order' },
  { code: 'anti-social-behaviour', label: 'Anti-social behaviour' },
  { code: 'domestic-incident', label: 'Domestic incident' },
  { code: 'concern-for-safety', label: 'Concern for safety' },
  { code: 'missing-person', label: 'Missing person' },
  { code: 'mental-health', label: 'Mental health' },
  { code: 'suspicious-circumstances', label: 'Suspicious circumstances' },
  { code: 'road-traffic-collision', label: 'Road traffic collision' },
  { code: 'highway-disruption', label: 'Highway disruption' },
  { code: 'alarm', label: 'Alarm activation' },
  { code: 'sudden-death', label: 'Sudden death' },
  { code: 'lost-or-found-property', label: 'Lost or found property' },
  { code: 'abandoned-call', label: 'Abandoned or silent call' },
  { code: 'other', label: 'Other' },
])

/** The response grade, in the four-level shape most forces use. */
export const CALL_GRADES = new CodeList([
  { code: 'emergency', label: 'Emergency' },
  { code: 'priority', label: 'Priority' },
  { code: 'scheduled', label: 'Scheduled' },
  { code: 'resolved-without-deployment', label: 'Resolved without deployment' },
])

export const VULNERABILITY_FLAGS = new CodeList([
  { code: 'child', label: 'Child (under 18)' },
  { code: 'older-person', label: 'Older person' },
  { code: 'mental-health', label: 'Mental health' },
  { code: 'disability', label: 'Disability' },
  { code: 'domestic-abuse', label: 'Domestic abuse' },
  { code: 'substance-misuse', label: 'Alcohol or substance misuse' },
  { code: 'homeless', label: 'Homeless' },
  { code: 'repeat-victim', label: 'Repeat victim' },
  { code: 'self-harm-risk', label: 'Risk of self-harm' },
  { code: 'language-barrier', label: 'Language barrier' },
  { code: 'exploitation', label: 'Exploitation (criminal or sexual)' },
])

export const CLOSING_CODES = new CodeList([
  { code: 'crime-recorded', label: 'Crime recorded' },
  { code: 'arrest', label: 'Arrest made' },
  { code: 'advice-given', label: 'Advice given' },
  { code: 'referred-to-partner', label: 'Referred to a partner agency' },
  { code: 'no-further-action', label: 'No further action' },
  { code: 'unable-to-trace', label: 'Unable to trace' },
  { code: 'duplicate-call', label: 'Duplicate call' },
  { code: 'hoax-or-malicious', label: 'Hoax or malicious call' },
  { code: 'resolved-by-phone', label: 'Resolved by phone' },
])

/** Flags in one field are separated by semicolons: 'child;mental-health'. */
export const FLAG_SEPARATOR = ';'

export type CallForServiceRow = PartnerRow<CallForServiceDetailTable>

export function checkCallsHeader(header: readonly string[]): string | null {
  return checkExactHeader('Upstream calls-for-service', CALL_FOR_SERVICE_COLUMNS, header)
}

function parseFlags(text: string): Coded[] {
  const flags = new Map<string, Coded>()
  for (const part of text.split(FLAG_SEPARATOR)) {
    const label = part.trim()
    if (label === '') continue
    const flag = VULNERABILITY_FLAGS.lookup(label)
    flags.set(flag.code === UNKNOWN_CATEGORY ? `?${flag.label}` : flag.code, flag)
  }
  return [...flags.values()]
}

export function parseCallRow(fields: readonly string[]): RowResult<CallForServiceRow> {
  const unreadable = checkFields<CallForServiceRow>(CALL_FOR_SERVICE_COLUMNS, fields)
  if (unreadable) return unreadable
  const [
    referenceText,
    receivedText,
    longitudeText,
    latitudeText,
    location,
    lsoaText,
    initialText,
    finalText,
    gradeText,
    repeatText,
    flagsText,
    closingText,
  ] = fields.map((value) => value.trim()) as FieldsOf<typeof CALL_FOR_SERVICE_COLUMNS>

  const reference = parseReference('Call reference', referenceText)
  if (!reference.ok) return reference
  const received = parseDateTime('Received at', receivedText)
  if (!received.ok) return received
  const place = parseCoordinates(
    { longitude: 'Longitude', latitude: 'Latitude' },
    longitudeText,
    latitudeText,
  )
  if (!place.ok) return place
  const lsoa = parseLsoaCode('LSOA code', lsoaText)
  if (!lsoa.ok) return lsoa
  const initial = parseCoded('Initial category', initialText, CALL_CATEGORIES)
  if (!initial.ok) return initial
  const final = parseOptionalCoded(finalText, CALL_CATEGORIES)
  const grade = parseCoded('Grade', gradeText, CALL_GRADES)
  if (!grade.ok) return grade
  const repeatCaller = parseYesNo('Repeat caller', repeatText)
  if (!repeatCaller.ok) return repeatCaller
  const flags = parseFlags(flagsText)
  const closing = parseOptionalCoded(closingText, CLOSING_CODES)

  // The final category, once the call is closed, says best what it was about.
  const category = final ?? initial.value
  return {
    ok: true,
    row: {
      identity: `${CALL_FOR_SERVICE_KIND}:${reference.value}`,
      incident: {
        kind: 'call-for-service',
        source_reference: reference.value,
        crime_id: null,
        month: received.value.month,
        occurred_at: received.value.instant,
        category_code: category.code,
        category_label: category.label,
        last_outcome_code: closing?.code ?? null,
        last_outcome_label: closing?.label ?? null,
        reported_by: null,
        falls_within: null,
        ...place.value,
        location_text: optional(location),
        lsoa_code: lsoa.value,
        lsoa_name: null,
        context: null,
      },
      detail: {
        initial_category_code: initial.value.code,
        initial_category_label: initial.value.label,
        final_category_code: final?.code ?? null,
        final_category_label: final?.label ?? null,
        grade_code: grade.value.code,
        grade_label: grade.value.label,
        repeat_caller: repeatCaller.value,
        vulnerability_codes: flags.map((flag) => flag.code),
        vulnerability_labels: flags.map((flag) => flag.label),
        closing_code: closing?.code ?? null,
        closing_label: closing?.label ?? null,
      },
    },
  }
}

export function unknownCallLabels({ detail }: CallForServiceRow): UnknownLabel[] {
  return unknownLabelsOf([
    ['Initial category', detail.initial_category_code, detail.initial_category_label],
    ['Final category', detail.final_category_code, detail.final_category_label],
    ['Grade', detail.grade_code, detail.grade_label],
    ...detail.vulnerability_codes.map(
      (code, index) => ['Vulnerability flags', code, detail.vulnerability_labels[index] ?? null] as const,
    ),
    ['Closing code', detail.closing_code, detail.closing_label],
  ])
}

export const callsForServiceFormat: ImportFormat<CallForServiceRow> = {
  kind: CALL_FOR_SERVICE_KIND,
  name: 'Upstream calls for service',
  columns: CALL_FOR_SERVICE_COLUMNS,
  checkHeader: checkCallsHeader,
  parseRow: parseCallRow,
  unknownLabels: unknownCallLabels,
  write: (trx, runId, rows) =>
    writePartnerRows(trx, CALL_FOR_SERVICE_KIND, 'call_for_service_detail', runId, rows),
}
