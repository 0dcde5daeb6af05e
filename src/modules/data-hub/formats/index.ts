import { readHeader } from '../csv-rows.ts'
import { aeAssaultsFormat } from './ae-assaults.ts'
import { callsForServiceFormat } from './calls-for-service.ts'
import type { ImportFormat } from './import-format.ts'
import { missingEpisodesFormat } from './missing-episodes.ts'
import { peopleInvolvementsFormat } from './people-involvements.ts'
import { policeUkOutcomesFormat } from './police-uk-outcomes.ts'
import { policeUkStopSearchFormat } from './police-uk-stop-search.ts'
import { policeUkStreetFormat } from './police-uk-street.ts'

/** Every format the data hub imports, in the order auto-detection tries them. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  policeUkStreetFormat,
  policeUkOutcomesFormat,
  policeUkStopSearchFormat,
  callsForServiceFormat,
  aeAssaultsFormat,
  missingEpisodesFormat,
  peopleInvolvementsFormat,
]

export function formatByKind(kind: string): ImportFormat | undefined {
  return IMPORT_FORMATS.find((format) => format.kind === kind)
}

export type Detection = { format: ImportFormat } | { format: null; message: string }

/**
 * The format whose header the file has. When none matches, the message is that of the format
 * the header is closest to (most columns in common), so a file with one column misspelt, or
 * an A&E file carrying a patient identifier, is told exactly what is wrong.
 */
export async function detectFormatExplained(file: string): Promise<Detection> {
  const header = await readHeader(file)
  const format = IMPORT_FORMATS.find((candidate) => candidate.checkHeader(header) === null)
  if (format) return { format }
  const names = new Set(header.map((name) => name.trim()))
  const overlap = (candidate: ImportFormat) => candidate.columns.filter((column) => names.has(column)).length
  const closest = [...IMPORT_FORMATS].sort((a, b) => overlap(b) - overlap(a))[0]!
  const kinds = IMPORT_FORMATS.map((candidate) => candidate.kind).join(', ')
  if (overlap(closest) < 2)
    return { format: null, message: `the header matches none of the formats (${kinds})` }
  return {
    format: null,
    message: `the header is closest to ${closest.kind} but is not its header: ${closest.checkHeader(header)}`,
  }
}

/** The format whose header the file has, or null when none matches. */
export async function detectFormat(file: string): Promise<ImportFormat | null> {
  return (await detectFormatExplained(file)).format
}
