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
import { writePartnerRows, type MissingEpisodeDetailTable, type PartnerRow } from './partner-tables.ts'
import { optional } from './uk-fields.ts'

/** Upstream's missing-person episode CSV (docs/formats/missing-episodes.md): parsing, checking, mapping. */

export const MISSING_EPISODE_KIND = 'missing-episode'

export const MISSING_EPISODE_COLUMNS = [
  'Episode reference',
  'Person reference',
  'Reported missing at',
  'Returned at',
  'Risk level',
  'Missing from type',
  'Missing from location',
  'Missing from longitude',
  'Missing from latitude',
  'Missing from LSOA code',
  'Found location',
  'Found longitude',
  'Found latitude',
] as const

/** The risk grading of the College of Policing's missing persons guidance. */
export const RISK_LEVELS = new CodeList([
  { code: 'no-apparent-risk', label: 'No apparent risk' },
  { code: 'low', label: 'Low risk' },
  { code: 'medium', label: 'Medium risk' },
  { code: 'high', label: 'High risk' },
])

export const MISSING_FROM_TYPES = new CodeList([
  { code: 'home', label: 'Home address' },
  { code: 'childrens-home', label: "Children's home" },
  { code: 'foster-placement', label: 'Foster placement' },
  { code: 'supported-accommodation', label: 'Supported accommodation' },
  { code: 'care-home', label: 'Adult care home' },
  { code: 'hospital', label: 'Hospital or mental health unit' },
  { code: 'school', label: 'School or college' },
  { code: 'other', label: 'Other' },
])

export type MissingEpisodeRow = PartnerRow<MissingEpisodeDetailTable>

export function checkMissingHeader(header: readonly string[]): string | null {
  return checkExactHeader('Upstream missing-person episode', MISSING_EPISODE_COLUMNS, header)
}

export function parseMissingRow(fields: readonly string[]): RowResult<MissingEpisodeRow> {
  const unreadable = checkFields<MissingEpisodeRow>(MISSING_EPISODE_COLUMNS, fields)
  if (unreadable) return unreadable
  const [
    episodeText,
    personText,
    reportedText,
    returnedText,
    riskText,
    fromTypeText,
    fromLocation,
    fromLongitude,
    fromLatitude,
    fromLsoaText,
    foundLocation,
    foundLongitude,
    foundLatitude,
  ] = fields.map((value) => value.trim()) as FieldsOf<typeof MISSING_EPISODE_COLUMNS>

  const episode = parseReference('Episode reference', episodeText)
  if (!episode.ok) return episode
  const person = parseReference('Person reference', personText)
  if (!person.ok) return person
  const reported = parseDateTime('Reported missing at', reportedText)
  if (!reported.ok) return reported
  const returned = returnedText === '' ? null : parseDateTime('Returned at', returnedText)
  if (returned && !returned.ok) return returned
  const reportedAt = reported.value.instant!
  const returnedAt = returned?.value.instant ?? null
  if (returnedAt && returnedAt < reportedAt) {
    return reject('Returned at', returnedText, 'the person returned before they were reported missing')
  }
  const risk = parseCoded('Risk level', riskText, RISK_LEVELS)
  if (!risk.ok) return risk
  const fromType = parseOptionalCoded(fromTypeText, MISSING_FROM_TYPES)
  const from = parseCoordinates(
    { longitude: 'Missing from longitude', latitude: 'Missing from latitude' },
    fromLongitude,
    fromLatitude,
  )
  if (!from.ok) return from
  const fromLsoa = parseLsoaCode('Missing from LSOA code', fromLsoaText)
  if (!fromLsoa.ok) return fromLsoa
  const found = parseCoordinates(
    { longitude: 'Found longitude', latitude: 'Found latitude' },
    foundLongitude,
    foundLatitude,
  )
  if (!found.ok) return found

  return {
    ok: true,
    row: {
      identity: `${MISSING_EPISODE_KIND}:${episode.value}`,
      // The incident is where the person went missing from: places that people go missing from
      // again and again (a children's home, a hospital) are what problem-solving looks for.
      incident: {
        kind: 'missing-episode',
        source_reference: episode.value,
        crime_id: null,
        month: reported.value.month,
        occurred_at: reportedAt,
        category_code: risk.value.code,
        category_label: risk.value.label,
        last_outcome_code: returnedAt ? 'returned' : null,
        last_outcome_label: returnedAt ? 'Returned or found' : null,
        reported_by: null,
        falls_within: null,
        ...from.value,
        location_text: optional(fromLocation),
        lsoa_code: fromLsoa.value,
        lsoa_name: null,
        context: null,
      },
      detail: {
        person_reference: person.value,
        reported_missing_at: reportedAt,
        returned_at: returnedAt,
        missing_from_type_code: fromType?.code ?? null,
        missing_from_type_label: fromType?.label ?? null,
        found_location_text: optional(foundLocation),
        found_longitude: found.value.longitude,
        found_latitude: found.value.latitude,
        risk_level_code: risk.value.code,
        risk_level_label: risk.value.label,
      },
    },
  }
}

export function unknownMissingLabels({ detail }: MissingEpisodeRow): UnknownLabel[] {
  return unknownLabelsOf([
    ['Risk level', detail.risk_level_code, detail.risk_level_label],
    ['Missing from type', detail.missing_from_type_code, detail.missing_from_type_label],
  ])
}

export const missingEpisodesFormat: ImportFormat<MissingEpisodeRow> = {
  kind: MISSING_EPISODE_KIND,
  name: 'Upstream missing-person episodes',
  columns: MISSING_EPISODE_COLUMNS,
  checkHeader: checkMissingHeader,
  parseRow: parseMissingRow,
  unknownLabels: unknownMissingLabels,
  write: (trx, runId, rows) =>
    writePartnerRows(trx, MISSING_EPISODE_KIND, 'missing_episode_detail', runId, rows),
}
