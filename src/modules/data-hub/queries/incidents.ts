import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { incidentsMatching, type IncidentFilter, type IncidentSort } from './incident-filter.ts'

/** An incident as the pages, exports and API show it. */
export interface IncidentRecord {
  id: number
  kind: string
  sourceKind: string
  importRunId: number
  sourceReference: string | null
  crimeId: string | null
  /** YYYY-MM */
  month: string
  occurredAt: Date | null
  categoryCode: string
  categoryLabel: string
  lastOutcomeCode: string | null
  lastOutcomeLabel: string | null
  reportedBy: string | null
  fallsWithin: string | null
  longitude: number | null
  latitude: number | null
  locationText: string | null
  lsoaCode: string | null
  lsoaName: string | null
  h3Res7: string | null
  h3Res8: string | null
  h3Res9: string | null
  harmWeight: number
  context: string | null
}

/** Where a keyset page starts: after this (month, id) in the sort order. */
export interface IncidentCursor {
  month: string
  id: number
}

export const encodeIncidentCursor = (cursor: IncidentCursor) => `${cursor.month}_${cursor.id}`

export function decodeIncidentCursor(text: string): IncidentCursor | undefined {
  const match = /^(\d{4}-(?:0[1-9]|1[0-2]))_(\d{1,15})$/.exec(text)
  return match ? { month: match[1]!, id: Number(match[2]) } : undefined
}

export interface IncidentPageRequest {
  sort: IncidentSort
  limit: number
  /** Keyset: rows after this cursor. */
  after?: IncidentCursor
  /** Offset: rows skipped (pages of the browser, which caps it). */
  offset?: number
  /** Only incidents up to this id (an export's snapshot). */
  maxId?: number
}

function selectIncidents(db: Kysely<Database>, filter: IncidentFilter, request: IncidentPageRequest) {
  const direction = request.sort === 'month-asc' ? 'asc' : 'desc'
  let query = incidentsMatching(db, filter)
  if (request.maxId !== undefined) query = query.where('incident.id', '<=', request.maxId)
  if (request.after) {
    const { month, id } = request.after
    query = query.where(
      direction === 'asc'
        ? sql<boolean>`(incident.month, incident.id) > (${`${month}-01`}::date, ${id}::bigint)`
        : sql<boolean>`(incident.month, incident.id) < (${`${month}-01`}::date, ${id}::bigint)`,
    )
  }
  return query
    .select([
      'incident.id',
      'incident.kind',
      'incident.source_kind',
      'incident.import_run_id',
      'incident.source_reference',
      'incident.crime_id',
      sql<string>`to_char(incident.month, 'YYYY-MM')`.as('month_text'),
      'incident.occurred_at',
      'incident.category_code',
      'incident.category_label',
      'incident.last_outcome_code',
      'incident.last_outcome_label',
      'incident.reported_by',
      'incident.falls_within',
      'incident.longitude',
      'incident.latitude',
      'incident.location_text',
      'incident.lsoa_code',
      'incident.lsoa_name',
      'incident.h3_res7',
      'incident.h3_res8',
      'incident.h3_res9',
      'incident.harm_weight',
      'incident.context',
    ])
    .orderBy('incident.month', direction)
    .orderBy('incident.id', direction)
    .limit(request.limit)
    .offset(request.offset ?? 0)
}

type IncidentRow = Awaited<ReturnType<ReturnType<typeof selectIncidents>['execute']>>[number]

function toRecord(row: IncidentRow): IncidentRecord {
  return {
    id: Number(row.id),
    kind: row.kind,
    sourceKind: row.source_kind,
    importRunId: Number(row.import_run_id),
    sourceReference: row.source_reference,
    crimeId: row.crime_id,
    month: row.month_text,
    occurredAt: row.occurred_at,
    categoryCode: row.category_code,
    categoryLabel: row.category_label,
    lastOutcomeCode: row.last_outcome_code,
    lastOutcomeLabel: row.last_outcome_label,
    reportedBy: row.reported_by,
    fallsWithin: row.falls_within,
    longitude: row.longitude,
    latitude: row.latitude,
    locationText: row.location_text,
    lsoaCode: row.lsoa_code,
    lsoaName: row.lsoa_name,
    h3Res7: row.h3_res7,
    h3Res8: row.h3_res8,
    h3Res9: row.h3_res9,
    harmWeight: Number(row.harm_weight),
    context: row.context,
  }
}

export async function findIncidents(
  db: Kysely<Database>,
  filter: IncidentFilter,
  request: IncidentPageRequest,
): Promise<IncidentRecord[]> {
  const rows = await selectIncidents(db, filter, request).execute()
  return rows.map(toRecord)
}

/**
 * Every matching incident, read in keyset pages so memory holds one page whatever the total:
 * what the exports stream from.
 */
export async function* eachIncident(
  db: Kysely<Database>,
  filter: IncidentFilter,
  options: { sort: IncidentSort; maxId: number; pageSize?: number },
): AsyncGenerator<IncidentRecord> {
  const limit = options.pageSize ?? 2000
  let after: IncidentCursor | undefined
  for (;;) {
    const page = await findIncidents(db, filter, { sort: options.sort, limit, after, maxId: options.maxId })
    yield* page
    if (page.length < limit) return
    const last = page[page.length - 1]!
    after = { month: last.month, id: last.id }
  }
}

export const H3_RESOLUTIONS = [7, 8, 9] as const
export type H3Resolution = (typeof H3_RESOLUTIONS)[number]

export interface H3Counts {
  cells: { cell: string; count: number }[]
  /** Matching incidents with no cell (no location). */
  withoutLocation: number
}

/** Matching incidents counted by their H3 cell at one resolution, most first. */
export async function countIncidentsByH3(
  db: Kysely<Database>,
  filter: IncidentFilter,
  resolution: H3Resolution,
): Promise<H3Counts> {
  const column = `incident.h3_res${resolution}` as const
  const rows = await incidentsMatching(db, filter)
    .select([`${column} as cell`, (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(column)
    .execute()
  const cells: H3Counts['cells'] = []
  let withoutLocation = 0
  for (const row of rows) {
    if (row.cell === null) withoutLocation += Number(row.count)
    else cells.push({ cell: row.cell, count: Number(row.count) })
  }
  cells.sort((a, b) => b.count - a.count || a.cell.localeCompare(b.cell))
  return { cells, withoutLocation }
}

/** The category codes and labels present, for the filter's select. */
export async function incidentCategories(db: Kysely<Database>): Promise<{ code: string; label: string }[]> {
  const rows = await db
    .selectFrom('incident')
    .select(['category_code', (eb) => eb.fn.min('category_label').as('label')])
    .groupBy('category_code')
    .orderBy('category_code')
    .execute()
  return rows.map((row) => ({ code: row.category_code, label: String(row.label) }))
}
