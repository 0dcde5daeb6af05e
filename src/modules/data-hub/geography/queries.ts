import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AreaLevel } from './tables.ts'

/**
 * A `where` over `incident`: the incident lies in the area or in any area below it.
 * `db.selectFrom('incident').where(incidentInArea(id))`.
 */
export function incidentInArea(areaId: number) {
  return (eb: ExpressionBuilder<Database, 'incident'>): Expression<SqlBool> =>
    eb.exists(
      eb
        .selectFrom('incident_area')
        .innerJoin('area_ancestor', 'area_ancestor.area_id', 'incident_area.area_id')
        .select(sql.lit(1).as('one'))
        .whereRef('incident_area.incident_id', '=', 'incident.id')
        .where('area_ancestor.ancestor_id', '=', areaId),
    )
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
           (select count(distinct membership.incident_id)::int
            from area_ancestor below join incident_area membership on membership.area_id = below.area_id
            where below.ancestor_id = area.id) as incidents
    from area ${level}`.execute(db)
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
