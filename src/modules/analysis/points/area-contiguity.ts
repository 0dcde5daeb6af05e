import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AreaLevel } from '../../data-hub/index.ts'
import { queenContiguityPairs, type Ring } from '../hotspots/contiguity.ts'
import type { AreaContiguity } from '../method.ts'

type Geometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }

/** Every ring of a stored boundary: the outer rings and holes of each of its parts. */
const ringsOf = (geometry: Geometry): Ring[] =>
  geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()

/**
 * The areas of a level that have a boundary, sorted by code, and the pairs whose boundaries share
 * a point (queen contiguity with spdep's snap: hotspots/contiguity.ts); undefined when no area of
 * the level has one. With `withinArea`, only the areas inside it (or holding it, when it is
 * smaller than the level), as the incident filter reads them.
 */
export async function areaContiguity(
  db: Kysely<Database>,
  level: AreaLevel,
  withinArea: number | undefined,
): Promise<AreaContiguity | undefined> {
  const within =
    withinArea === undefined
      ? sql``
      : sql`and exists (select 1 from area_ancestor link
                        where (link.area_id = area.id and link.ancestor_id = ${withinArea})
                           or (link.area_id = ${withinArea} and link.ancestor_id = area.id))`
  const rows = await sql<{ code: string; geometry: Geometry | string }>`
    select code, geometry from area
    where level = ${level} and geometry is not null ${within}
    order by code`.execute(db)
  if (rows.rows.length === 0) return undefined
  const areas = rows.rows.map((row) => row.code)
  const rings = rows.rows.map((row) =>
    ringsOf(typeof row.geometry === 'string' ? (JSON.parse(row.geometry) as Geometry) : row.geometry),
  )
  return { areas, pairs: queenContiguityPairs(rings) }
}
