import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { aeAssaultsFormat } from './formats/ae-assaults.ts'
import { callsForServiceFormat } from './formats/calls-for-service.ts'
import type { ImportFormat } from './formats/import-format.ts'
import { missingEpisodesFormat } from './formats/missing-episodes.ts'
import { importFile } from './import-run.ts'

export const DEMO_PARTNER_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../samples/partner',
)

/** The generated, fictional partner files (scripts/generate-demo-partner-data.ts) and their formats. */
export const DEMO_PARTNER_FILES: { file: string; format: ImportFormat; what: string }[] = [
  { file: 'calls-for-service.csv', format: callsForServiceFormat as ImportFormat, what: 'calls for service' },
  { file: 'ae-assaults.csv', format: aeAssaultsFormat as ImportFormat, what: 'A&E assault attendances' },
  { file: 'missing-episodes.csv', format: missingEpisodesFormat as ImportFormat, what: 'missing episodes' },
].map((entry) => ({ ...entry, file: path.join(DEMO_PARTNER_DIR, entry.file) }))

/** Imports the demo's partner files through the importers; a second load adds nothing. */
export async function loadDemoPartnerData(db: Kysely<Database>, clock: Clock): Promise<string> {
  const parts: string[] = []
  for (const { file, format, what } of DEMO_PARTNER_FILES) {
    const result = await importFile(db, format, { file, clock })
    if (result.status !== 'completed' && result.status !== 'already-imported') {
      throw new Error(
        `The demo file ${path.basename(file)} did not import: ${result.message ?? result.status}`,
      )
    }
    if (result.rowsRejected) {
      throw new Error(`The demo file ${path.basename(file)} has ${result.rowsRejected} rejected rows`)
    }
    parts.push(`${result.rowsInserted} ${what}`)
  }
  return `${parts.join(', ')} from generated, fictional partner files`
}
