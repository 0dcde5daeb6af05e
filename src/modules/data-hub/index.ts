import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { importPoliceUkStreetFile, type ImportResult } from './import-run.ts'

/** What other modules may call in the data hub. */
export { importPoliceUkStreetFile, type ImportResult }

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../samples/police-uk')

/** Real data.police.uk files shipped with Upstream (City of London Police, OGL v3.0) for the demo. */
export const DEMO_STREET_FILES = ['2023-04-city-of-london-street.csv', '2023-05-city-of-london-street.csv'].map((file) =>
  path.join(SAMPLES, file),
)

/** Imports the bundled sample files, as any other import: a second call adds nothing. */
export async function loadDemoIncidents(db: Kysely<Database>, clock: Clock): Promise<ImportResult[]> {
  const results: ImportResult[] = []
  for (const file of DEMO_STREET_FILES) results.push(await importPoliceUkStreetFile(db, { file, clock }))
  return results
}
