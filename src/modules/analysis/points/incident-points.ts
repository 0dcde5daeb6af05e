import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import {
  areaPopulations,
  countIncidents,
  incidentsMatching,
  type AreaLevel,
  type IncidentFilter,
} from '../../data-hub/index.ts'
import type { PointSet } from '../method.ts'
import { areaContiguity } from './area-contiguity.ts'
import { PointSetBuilder } from './point-set-builder.ts'

/** Rows per query: the points are read a page at a time in id order into typed arrays. */
const PAGE_ROWS = 20_000

export interface IncidentPoints {
  points: PointSet
  /** Incidents matching the filter that have no coordinates, so are not in `points`. */
  withoutLocation: number
}

export interface IncidentPointsOptions {
  /** The level of the areas the points carry; 'lsoa' (the incident's own LSOA code) by default. */
  areaLevel?: AreaLevel
  /** Also work out which areas of the level touch, from their boundaries (Gi* by contiguity only: it costs). */
  contiguity?: boolean
}

/**
 * The code of the area at the level that holds the incident: through its LSOA's ancestors first,
 * else through the boundary polygons it lies in (incident_area) and their ancestors; '' when
 * neither reaches the level. Overlapping polygons are settled by the smallest code, so a run is
 * repeatable.
 */
function areaAtLevelSql(level: AreaLevel) {
  return sql<string>`coalesce(
    (select above.code from area lsoa
       join area_ancestor link on link.area_id = lsoa.id
       join area above on above.id = link.ancestor_id
     where lsoa.level = 'lsoa' and lsoa.code = incident.lsoa_code and above.level = ${level}
     order by above.code limit 1),
    (select above.code from incident_area membership
       join area_ancestor link on link.area_id = membership.area_id
       join area above on above.id = link.ancestor_id
     where membership.incident_id = incident.id and above.level = ${level}
     order by above.code limit 1),
    '')`
}

/**
 * Residents per area code of a level above the LSOA: the area's own population when one is loaded,
 * otherwise the sum over its LSOAs, but only when every one of them has a population (a partial sum
 * would overstate rates). Areas with neither are left out. Within the filter's area when it names one.
 */
async function populationsAtLevel(
  db: Kysely<Database>,
  level: AreaLevel,
  withinArea: number | undefined,
): Promise<Record<string, number>> {
  const within =
    withinArea === undefined
      ? sql``
      : sql`and exists (select 1 from area_ancestor inside
                        where inside.area_id = above.id and inside.ancestor_id = ${withinArea})`
  const rows = await sql<{ code: string; population: string | number }>`
    select above.code,
           coalesce(max(above.population),
                    case when count(lsoa.id) > 0 and count(lsoa.id) = count(lsoa.population)
                         then sum(lsoa.population) end) as population
    from area above
    left join area_ancestor link on link.ancestor_id = above.id
    left join area lsoa on lsoa.id = link.area_id and lsoa.level = 'lsoa'
    where above.level = ${level} ${within}
    group by above.id, above.code
    order by above.code`.execute(db)
  const population: Record<string, number> = {}
  for (const row of rows.rows) if (row.population !== null) population[row.code] = Number(row.population)
  return population
}

/**
 * The incidents matching the filter (the data hub's own definition, sharing rules included) as
 * points: the incident id as reference, the day it occurred when the source gives a time and
 * otherwise the first day of its month, its category code, its harm weight and its area: its LSOA
 * code by default, or the code of the area at `areaLevel` that holds it ('' when none). The
 * population of those areas is added where it is known (within the filter's area, when it names
 * one), for rates per 1,000 residents; and when areas of the level have boundaries, which of them
 * touch (for hotspots by contiguity).
 */
export async function loadIncidentPoints(
  db: Kysely<Database>,
  filter: IncidentFilter,
  options: IncidentPointsOptions = {},
): Promise<IncidentPoints> {
  const level = options.areaLevel ?? 'lsoa'
  const areaCode = level === 'lsoa' ? sql<string>`coalesce(incident.lsoa_code, '')` : areaAtLevelSql(level)
  const builder = new PointSetBuilder()
  let afterId = 0
  for (;;) {
    const rows = await incidentsMatching(db, filter)
      .where('incident.longitude', 'is not', null)
      .where('incident.latitude', 'is not', null)
      .where('incident.id', '>', afterId)
      .select([
        'incident.id',
        'incident.category_code',
        areaCode.as('area_code'),
        'incident.longitude',
        'incident.latitude',
        sql<number>`incident.harm_weight::float8`.as('weight'),
        sql<number>`coalesce((incident.occurred_at at time zone 'UTC')::date, incident.month) - date '1970-01-01'`.as(
          'day',
        ),
      ])
      .orderBy('incident.id')
      .limit(PAGE_ROWS)
      .execute()
    for (const row of rows) {
      builder.add(
        row.longitude!,
        row.latitude!,
        Number(row.day),
        row.category_code,
        Number(row.weight),
        String(row.id),
        row.area_code,
      )
    }
    if (rows.length < PAGE_ROWS) break
    afterId = rows[rows.length - 1]!.id
  }
  const population =
    level === 'lsoa'
      ? await areaPopulations(db, { level: 'lsoa', withinArea: filter.area })
      : await populationsAtLevel(db, level, filter.area)
  const contiguity = options.contiguity ? await areaContiguity(db, level, filter.area) : null
  const built = builder.build()
  // Every incident has an area (perhaps ''), so the points carry areas even when none was read.
  const points = {
    ...built,
    area: built.area ?? new Array<string>(built.size).fill(''),
    ...(Object.keys(population).length > 0 ? { areaPopulation: population } : {}),
    ...(contiguity ? { areaContiguity: contiguity } : {}),
  }
  const withoutLocation = (await countIncidents(db, filter)) - points.size
  return { points, withoutLocation }
}
