import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { loadBoundaryFile } from './load-boundaries.ts'

export const DEMO_BOUNDARY_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../samples/boundaries/demo-neighbourhoods.geojson',
)

/**
 * Loads the demo's made-up neighbourhoods (see samples/boundaries/README.md), through the
 * same loader as any boundary file. Loading them again changes nothing.
 */
export async function loadDemoBoundaries(db: Kysely<Database>): Promise<string> {
  const result = await loadBoundaryFile(db, {
    file: DEMO_BOUNDARY_FILE,
    level: 'neighbourhood',
    codeProperty: 'code',
    nameProperty: 'name',
  })
  if (result.status === 'rejected')
    throw new Error(`The demo boundary file is broken: ${result.problems[0]?.message}`)
  return `${result.features} demonstration neighbourhood boundaries (made up for the demo, not real boundaries)`
}
