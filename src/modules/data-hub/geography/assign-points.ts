import { sql, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { BoxIndex } from './box-index.ts'
import { geometryHolds } from './point-in-polygon.ts'
import type { AreaGeometry, AreaLevel } from './tables.ts'

/** Which incidents to test against which boundary polygons. */
export type PointScope = { runId: number } | { areaIds: readonly number[] }

const PAGE = 5_000

/**
 * Adds an incident_area row for every incident whose point lies in a boundary polygon (its
 * edge included). The polygons' bounding boxes go in a grid here, which narrows each point to
 * a few candidates; only those are tested against the rings, fetched when first needed.
 * Incidents are read a page at a time, so memory stays flat on a large run. An LSOA polygon
 * is not tested against an incident that names its LSOA: the force's code is the better
 * answer, and police.uk points are moved to nearby anonymised map points.
 * Returns the number of memberships added.
 */
export async function assignPointsToAreas(trx: Transaction<Database>, scope: PointScope): Promise<number> {
  const areaFilter = 'areaIds' in scope ? sql`and id = any(${[...scope.areaIds]}::bigint[])` : sql``
  const areas = await sql<{
    id: string | number
    level: AreaLevel
    min_longitude: number
    min_latitude: number
    max_longitude: number
    max_latitude: number
  }>`
    select id, level, min_longitude, min_latitude, max_longitude, max_latitude
    from area where geometry is not null ${areaFilter}`.execute(trx)
  if (!areas.rows.length) return 0
  const levels = new Map(areas.rows.map((row) => [Number(row.id), row.level]))
  const index = new BoxIndex(
    areas.rows.map((row) => ({
      id: Number(row.id),
      box: {
        minLongitude: row.min_longitude,
        minLatitude: row.min_latitude,
        maxLongitude: row.max_longitude,
        maxLatitude: row.max_latitude,
      },
    })),
  )
  const extreme = (pick: (a: number, b: number) => number, values: number[]) =>
    values.reduce((a, b) => pick(a, b))
  const incidentFilter =
    'runId' in scope
      ? sql`import_run_id = ${scope.runId}`
      : sql`longitude between ${extreme(
          Math.min,
          areas.rows.map((r) => r.min_longitude),
        )}
              and ${extreme(
                Math.max,
                areas.rows.map((r) => r.max_longitude),
              )}
            and latitude between ${extreme(
              Math.min,
              areas.rows.map((r) => r.min_latitude),
            )}
              and ${extreme(
                Math.max,
                areas.rows.map((r) => r.max_latitude),
              )}`

  const geometries = new Map<number, AreaGeometry>()
  let added = 0
  let after = 0
  for (;;) {
    const page = await sql<{ id: string | number; longitude: number; latitude: number; has_lsoa: boolean }>`
      select id, longitude, latitude, lsoa_code is not null as has_lsoa from incident
      where ${incidentFilter} and longitude is not null and latitude is not null and id > ${after}
      order by id limit ${PAGE}`.execute(trx)
    if (!page.rows.length) break
    after = Number(page.rows[page.rows.length - 1]!.id)
    const candidates = page.rows.flatMap((incident) =>
      index
        .holding(incident.longitude, incident.latitude)
        .filter((areaId) => !(incident.has_lsoa && levels.get(areaId) === 'lsoa'))
        .map((areaId) => ({ incident, areaId })),
    )
    const missing = [...new Set(candidates.map((pair) => pair.areaId))].filter((id) => !geometries.has(id))
    if (missing.length) {
      const loaded = await sql<{ id: string | number; geometry: AreaGeometry }>`
        select id, geometry from area where id = any(${missing}::bigint[])`.execute(trx)
      for (const row of loaded.rows) geometries.set(Number(row.id), row.geometry)
    }
    const inside = candidates.filter(({ incident, areaId }) =>
      geometryHolds(geometries.get(areaId)!, [incident.longitude, incident.latitude]),
    )
    if (inside.length) {
      const result = await sql`
        insert into incident_area (incident_id, area_id)
        select * from unnest(${inside.map((pair) => Number(pair.incident.id))}::bigint[], ${inside.map((pair) => pair.areaId)}::bigint[])
        on conflict do nothing`.execute(trx)
      added += Number(result.numAffectedRows ?? 0)
    }
  }
  return added
}
