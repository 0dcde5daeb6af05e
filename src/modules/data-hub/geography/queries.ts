import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AreaLevel } from './tables.ts'

/**
 * The incident lies in the area or in any area below it: by its LSOA code, when it names an
 * LSOA at or below the area, or by its point, for the boundary polygons (incident_area).
 * LSOA membership is read from incident.lsoa_code rather than stored, which keeps imports from
 * writing a second row for every incident.
 */
export function incidentInAreaSql(areaId: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`(
    incident.lsoa_code in (
      select lsoa.code from area_ancestor link join area lsoa on lsoa.id = link.area_id
      where link.ancestor_id = ${areaId} and lsoa.level = 'lsoa')
    or exists (
      select 1 from incident_area membership join area_ancestor link on link.area_id = membership.area_id
      where membership.incident_id = incident.id and link.ancestor_id = ${areaId}))`
}

/** incidentInAreaSql as a Kysely `where`: `db.selectFrom('incident').where(incidentInArea(id))`. */
export function incidentInArea(areaId: number) {
  return (): Expression<SqlBool> => incidentInAreaSql(areaId)
}

export interface AreaSummary {
  id: number
  level: AreaLevel
  code: string
  name: string
  parentId: number | null
  /** The names from the top of the hierarchy down to this area's. */
  path: string[]
  /** Whether a boundary polygon is loaded for it. */
  hasBoundary: boolean
  source: string
  /** Incidents in the area or in any area below it. */
  incidents: number
}

/** Every area (or those of one level) in hierarchy order, each with its incident count. */
export async function listAreas(
  db: Kysely<Database>,
  filter: { level?: AreaLevel } = {},
): Promise<AreaSummary[]> {
  const level = filter.level ? sql`where area.level = ${filter.level}` : sql``
  const rows = await sql<{
    id: string | number
    level: AreaLevel
    code: string
    name: string
    parent_id: string | number | null
    path: string[]
    has_boundary: boolean
    source: string
    incidents: number
  }>`
    select area.id, area.level, area.code, area.name, area.parent_id, area.source,
           area.geometry is not null as has_boundary,
           (select array_agg(above.name order by link.depth desc)
            from area_ancestor link join area above on above.id = link.ancestor_id
            where link.area_id = area.id) as path,
           coalesce(counted.incidents, 0) as incidents
    from area
    left join (
      select link.ancestor_id as area_id, count(distinct membership.incident_id)::int as incidents
      from (select incident.id as incident_id, lsoa.id as area_id
            from incident join area lsoa on lsoa.level = 'lsoa' and lsoa.code = incident.lsoa_code
            union all
            select incident_id, area_id from incident_area) membership
      join area_ancestor link on link.area_id = membership.area_id
      group by link.ancestor_id) counted on counted.area_id = area.id
    ${level}`.execute(db)
  const areas = rows.rows.map((row) => ({
    id: Number(row.id),
    level: row.level,
    code: row.code,
    name: row.name,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    path: row.path ?? [row.name],
    hasBoundary: row.has_boundary,
    source: row.source,
    incidents: row.incidents,
  }))
  const key = (area: AreaSummary) => area.path.join('\u0000')
  return areas.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id))
}
