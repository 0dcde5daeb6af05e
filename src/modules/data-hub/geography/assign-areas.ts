import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { refreshAncestors, takeGeographyLock } from './ancestors.ts'
import { assignPointsToAreas } from './assign-points.ts'

/** Where the areas made from the columns of police.uk files come from. */
export const POLICE_UK_AREA_SOURCE = 'police.uk file'

/**
 * The stable code of an area known only by name (a local authority from an LSOA name, a
 * force from "Falls within"): 'derived:' and the name in lower case with every run of other
 * characters turned into one hyphen. A boundary file with the real ONS code replaces it.
 */
export function derivedCode(name: string): string {
  return `derived:${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`
}

/** The same as derivedCode, in SQL. */
export function derivedCodeSql(name: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`'derived:' || trim(both '-' from regexp_replace(lower(${name}), '[^a-z0-9]+', '-', 'g'))`
}

/** police.uk LSOA names are "<local authority> <3 digits><letter>", e.g. "Camden 027C". */
const LSOA_NAME_AUTHORITY = sql.lit('^(.*[^ ]) +[0-9]{3}[A-Z]$')

/**
 * After an import run completes: creates the areas its incidents name when they are not there
 * yet (each LSOA from its code and name, its local authority from the name, the force from
 * "Falls within"), links them LSOA → local authority → force, keeps area_ancestor right, and
 * adds the incidents' memberships by point for every boundary polygon loaded (membership by
 * LSOA code needs no row: geography/queries.ts reads it from the incident). Existing areas and parents are left as they are (a boundary file may have set
 * them). Idempotent: a repeated call adds nothing.
 */
export async function assignAreasForRun(db: Kysely<Database>, runId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await takeGeographyLock(trx)
    const run = sql`incident.import_run_id = ${runId}`
    const forces = await sql`
      insert into area (level, code, name, source)
      select distinct on (code) 'force', code, falls_within, ${POLICE_UK_AREA_SOURCE}::text
      from (select falls_within, ${derivedCodeSql(sql`falls_within`)} as code
            from incident where ${run} and falls_within is not null and falls_within <> '') named
      order by code, falls_within
      on conflict (level, code) do nothing`.execute(trx)
    const lsoas = await sql`
      insert into area (level, code, name, source)
      select 'lsoa', lsoa_code, min(coalesce(nullif(lsoa_name, ''), lsoa_code)), ${POLICE_UK_AREA_SOURCE}::text
      from incident where ${run} and lsoa_code is not null
      group by lsoa_code
      on conflict (level, code) do nothing`.execute(trx)
    // An authority is known by name: one loaded from a boundary file has its ONS code.
    const authorities = await sql`
      insert into area (level, code, name, source)
      select distinct 'local-authority', ${derivedCodeSql(sql`authority`)}, authority, ${POLICE_UK_AREA_SOURCE}::text
      from (select distinct substring(lsoa_name from ${LSOA_NAME_AUTHORITY}) as authority
            from incident where ${run} and lsoa_name is not null) named
      where authority is not null
        and not exists (select 1 from area where level = 'local-authority' and name = named.authority)
      on conflict (level, code) do nothing`.execute(trx)
    const lsoaParents = await sql`
      update area as lsoa set parent_id = authority.id
      from (select distinct lsoa_code, substring(lsoa_name from ${LSOA_NAME_AUTHORITY}) as authority_name
            from incident where ${run} and lsoa_code is not null) named,
           lateral (select min(id) as id from area
                    where level = 'local-authority' and name = named.authority_name) authority
      where lsoa.level = 'lsoa' and lsoa.code = named.lsoa_code and lsoa.parent_id is null
        and authority.id is not null`.execute(trx)
    // An authority's force is the one most of its incidents in the run fall within.
    const authorityParents = await sql`
      update area as authority set parent_id = chosen.force_id
      from (select distinct on (authority_name) authority_name, force.id as force_id
            from (select substring(lsoa_name from ${LSOA_NAME_AUTHORITY}) as authority_name,
                         ${derivedCodeSql(sql`falls_within`)} as force_code, count(*) as incidents
                  from incident where ${run} and lsoa_name is not null and falls_within is not null
                  group by 1, 2) counted
            join area force on force.level = 'force' and force.code = counted.force_code
            where authority_name is not null
            order by authority_name, incidents desc, force_code) chosen
      where authority.level = 'local-authority' and authority.name = chosen.authority_name
        and authority.parent_id is null`.execute(trx)
    const changed = [forces, lsoas, authorities, lsoaParents, authorityParents].some(
      (result) => Number(result.numAffectedRows ?? 0) > 0,
    )
    if (changed) await refreshAncestors(trx)

    await assignPointsToAreas(trx, { runId })
  })
}
