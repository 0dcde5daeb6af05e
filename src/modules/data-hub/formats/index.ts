import { readHeader } from '../csv-rows.ts'
import type { ImportFormat } from './import-format.ts'
import { policeUkStreetFormat } from './police-uk-street.ts'

/** Every format the data hub imports, in the order auto-detection tries them. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [policeUkStreetFormat]

export function formatByKind(kind: string): ImportFormat | undefined {
  return IMPORT_FORMATS.find((format) => format.kind === kind)
}

/** The format whose header the file has, or null when none matches. */
export async function detectFormat(file: string): Promise<ImportFormat | null> {
  const header = await readHeader(file)
  return IMPORT_FORMATS.find((format) => format.checkHeader(header) === null) ?? null
}
