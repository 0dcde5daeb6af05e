import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import {
  areaPopulations,
  countIncidents,
  incidentsMatching,
  type IncidentFilter,
} from '../../data-hub/index.ts'
import type { PointSet } from '../method.ts'
import { PointSetBuilder } from './point-set-builder.ts'

/** Rows per query: the points are read a page at a time in id order into typed arrays. */
const PAGE_ROWS = 20_000

export interface IncidentPoints {
  points: PointSet
  /** Incidents matching the filter that have no coordinates, so are not in `points`. */
  withoutLocation: number
}

/**
 * The incidents matching the filter (the data hub's own definition, sharing rules included) as
 * points: the incident id as reference, the day it occurred when the source gives a time and
 * otherwise the first day of its month, its category code, its harm weight and its LSOA code ('' when
 * it has none). The population of the LSOAs is added where it is loaded (within the filter's area,
 * when it names one), for rates per 1,000 residents.
 */
export async function loadIncidentPoints(
  db: Kysely<Database>,
  filter: IncidentFilter,
): Promise<IncidentPoints> {
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
        'incident.lsoa_code',
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
        row.lsoa_code ?? '',
      )
    }
    if (rows.length < PAGE_ROWS) break
    afterId = rows[rows.length - 1]!.id
  }
  const population = await areaPopulations(db, { level: 'lsoa', withinArea: filter.area })
  const built = builder.build()
  // Every incident has an LSOA column, so the points carry areas even when none was read.
  const points = {
    ...built,
    area: built.area ?? new Array<string>(built.size).fill(''),
    ...(Object.keys(population).length > 0 ? { areaPopulation: population } : {}),
  }
  const withoutLocation = (await countIncidents(db, filter)) - points.size
  return { points, withoutLocation }
}
