import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { incidentsMatching, type IncidentFilter } from '../../data-hub/index.ts'

export interface DataVersion {
  /** A digest of what fed the filtered incidents: equal versions mean equal input to a method. */
  version: string
  /** The import runs whose incidents match the filter, with how many each gave. */
  importRuns: { id: number; incidents: number }[]
}

/**
 * The version of the data a filter reads: a digest of, for each import run that last wrote the
 * matching incidents, the number of them, the sum of their ids and of their harm weights, together
 * with the newest import run of any source, and a summary of the geography (areas, their parents,
 * populations and boundary boxes, and the polygon memberships). A new import, of this or any source,
 * a boundary or population file loaded, a re-assigned area or a changed harm weight gives a new
 * version, so a reused result is never stale; an import of an unrelated source also gives one,
 * which costs a recomputation, never a wrong answer.
 */
export async function dataVersion(db: Kysely<Database>, filter: IncidentFilter): Promise<DataVersion> {
  const groups = await incidentsMatching(db, filter)
    .select([
      'incident.import_run_id as run',
      sql<string>`count(*)::text`.as('incidents'),
      sql<string>`sum(incident.id)::text`.as('ids'),
      sql<string>`sum(incident.harm_weight)::text`.as('weights'),
    ])
    .groupBy('incident.import_run_id')
    .orderBy('incident.import_run_id')
    .execute()
  const newest = await db
    .selectFrom('import_run')
    .select(sql<string>`coalesce(max(id), 0)::text`.as('id'))
    .executeTakeFirstOrThrow()
  const geography = await sql<Record<string, string>>`
    select count(*)::text as areas, coalesce(max(id), 0)::text as newest,
           coalesce(sum(parent_id), 0)::text as parents, coalesce(sum(population), 0)::text as population,
           count(population)::text as populated, count(geometry)::text as boundaries,
           coalesce(sum(min_longitude + min_latitude + max_longitude + max_latitude), 0)::text as boxes,
           (select count(*) from incident_area)::text as memberships
    from area`.execute(db)
  const digest = createHash('sha256')
    .update(
      JSON.stringify({
        newestImportRun: newest.id,
        geography: geography.rows[0],
        groups: groups.map((g) => [Number(g.run), g.incidents, g.ids, g.weights]),
      }),
    )
    .digest('hex')
  return {
    version: `data:${digest.slice(0, 32)}`,
    importRuns: groups.map((g) => ({ id: Number(g.run), incidents: Number(g.incidents) })),
  }
}

/** The version of a file's points: its content. */
export const fileDataVersion = (sha256: string) => `file:${sha256}`
