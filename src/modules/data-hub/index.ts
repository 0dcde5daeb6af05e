import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { policeUkOutcomesFormat } from './formats/police-uk-outcomes.ts'
import { importFile, importPoliceUkStreetFile, type ImportResult } from './import-run.ts'
import { loadDemoBoundaries } from './geography/demo.ts'
import { loadDemoPartnerData } from './demo-partner-data.ts'
import { loadDemoPartnerPeople, loadDemoPeople } from './demo-people.ts'

/** What other modules may call in the data hub. */
export { importFile, importPoliceUkStreetFile, type ImportResult }

/** For the analysis module: CSV read as imports read it, police.uk category slugs, the incident filter. */
export { CsvDecoder, CsvTokenizer, type CsvRecord } from './csv-reader.ts'
export { CRIME_TYPE_CODES, UNKNOWN_CATEGORY } from './formats/police-uk-street.ts'
export {
  countIncidents,
  incidentsMatching,
  parseIncidentFilter,
  type IncidentFilter,
  type IncidentFilterName,
} from './queries/incident-filter.ts'
export { KIND_DATA_CLASS, viewerKinds, visibleKinds } from './queries/visible-kinds.ts'
export { areaPopulations } from './geography/load-population.ts'
export { isAreaLevel } from './geography/load-boundaries.ts'
export { AREA_LEVELS, type AreaLevel } from './geography/tables.ts'
export { loadDemoBoundaries } from './geography/demo.ts'
export { INCIDENT_KINDS, type IncidentKind } from './tables.ts'

export const SAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../samples')

/** Real data.police.uk files shipped with Upstream (City of London Police, OGL v3.0) for the demo. */
export const DEMO_STREET_FILES = [
  '2023-04-city-of-london-street.csv',
  '2023-05-city-of-london-street.csv',
].map((file) => path.join(SAMPLES_DIR, 'police-uk', file))

/** One part of the demo data: loads itself (adding nothing when already loaded) and says what it loaded. */
type DemoLoader = (db: Kysely<Database>, clock: Clock) => Promise<string>

/** The outcomes published with the April street file: the history of each crime's outcome. */
export const DEMO_OUTCOMES_FILE = path.join(SAMPLES_DIR, 'police-uk', '2023-04-city-of-london-outcomes.csv')

async function loadDemoStreetCrime(db: Kysely<Database>, clock: Clock): Promise<string> {
  const results: ImportResult[] = []
  for (const file of DEMO_STREET_FILES) results.push(await importPoliceUkStreetFile(db, { file, clock }))
  const outcomes = await importFile(db, policeUkOutcomesFormat, { file: DEMO_OUTCOMES_FILE, clock })
  const incidents = results.reduce((sum, run) => sum + run.rowsInserted, 0)
  return `${incidents} incidents and ${outcomes.rowsInserted} outcomes from data.police.uk sample files`
}

/** In order: later loaders may build on what earlier ones loaded (people on incidents). */
const DEMO_LOADERS: DemoLoader[] = [
  loadDemoBoundaries,
  loadDemoStreetCrime,
  loadDemoPartnerData,
  loadDemoPeople,
  loadDemoPartnerPeople,
]

/** Loads the demo's data files through the importers, as any user's files; returns a line for each part. */
export async function loadDemoDataHub(db: Kysely<Database>, clock: Clock): Promise<string[]> {
  const lines: string[] = []
  for (const load of DEMO_LOADERS) lines.push(await load(db, clock))
  return lines
}
