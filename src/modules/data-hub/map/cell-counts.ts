import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { IncidentFilter } from '../queries/incident-filter.ts'
import { countIncidentsByH3, incidentCategories, type H3Resolution } from '../queries/incidents.ts'

/** Incident counts by H3 cell for the map and its table, at most MAX_CELLS of them (the busiest). */
export const MAX_CELLS = 5000

export interface CellCount {
  cell: string
  count: number
}

export interface CellCounts {
  cells: CellCount[]
  /** Incidents matching the filters, with or without a location. */
  matching: number
  /** Of those, the ones with no location, which no cell can show. */
  withoutLocation: number
  /** More cells matched than MAX_CELLS: only the busiest are shown. */
  truncated: boolean
}

export async function countIncidentsByCell(
  db: Kysely<Database>,
  filter: IncidentFilter,
  resolution: H3Resolution,
): Promise<CellCounts> {
  const counts = await countIncidentsByH3(db, filter, resolution)
  const located = counts.cells.reduce((sum, cell) => sum + cell.count, 0)
  return {
    cells: counts.cells.slice(0, MAX_CELLS),
    matching: located + counts.withoutLocation,
    withoutLocation: counts.withoutLocation,
    truncated: counts.cells.length > MAX_CELLS,
  }
}

/** What the filters' lists offer: the categories and sources present in the data. */
export async function mapFilterOptions(db: Kysely<Database>) {
  const sources = await db
    .selectFrom('incident')
    .select('source_kind')
    .distinct()
    .orderBy('source_kind')
    .execute()
  return { categories: await incidentCategories(db), sources: sources.map((row) => row.source_kind) }
}
