import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { DomainError } from '../../../errors.ts'
import { refreshAncestors, takeGeographyLock } from './ancestors.ts'
import { assignPointsToAreas } from './assign-points.ts'
import { parseBoundaryFile, type BoundaryFeature, type BoundaryProblem } from './boundary-file.ts'
import { geometryHolds } from './point-in-polygon.ts'
import { AREA_LEVELS, type AreaGeometry, type AreaLevel } from './tables.ts'

export interface LoadBoundariesOptions {
  file: string
  level: AreaLevel
  codeProperty: string
  nameProperty: string
  /** The level of the areas' parents, found by containment or by parentCodeProperty. */
  parentLevel?: AreaLevel
  /** A property holding the parent's code, instead of looking for the polygon that holds the area. */
  parentCodeProperty?: string
}

export type LoadBoundariesResult =
  | {
      status: 'loaded'
      file: string
      level: AreaLevel
      features: number
      created: number
      updated: number
      unchanged: number
      /** Areas of the file that have a parent after the load. */
      withParent: number
      /** Codes of the areas for which no parent was found (when a parent level was asked for). */
      withoutParent: string[]
      /** Incident memberships added by the new or changed polygons. */
      membershipsAdded: number
    }
  | { status: 'rejected'; file: string; problems: BoundaryProblem[] }

const LEVEL_RANK = new Map(AREA_LEVELS.map((level, rank) => [level, rank]))

export function isAreaLevel(value: string): value is AreaLevel {
  return LEVEL_RANK.has(value as AreaLevel)
}

function checkOptions(options: LoadBoundariesOptions): void {
  for (const [name, value] of [
    ['level', options.level],
    ['parent level', options.parentLevel],
  ] as const) {
    if (value !== undefined && !isAreaLevel(value))
      throw new DomainError('invalid', `The ${name} '${value}' is not one of ${AREA_LEVELS.join(', ')}`)
  }
  if (options.parentLevel && LEVEL_RANK.get(options.parentLevel)! >= LEVEL_RANK.get(options.level)!) {
    throw new DomainError(
      'invalid',
      `A ${options.level} cannot have a ${options.parentLevel} as its parent: the parent level must be larger (${AREA_LEVELS.join(' > ')})`,
    )
  }
  if (options.parentCodeProperty && !options.parentLevel)
    throw new DomainError('invalid', 'A parent code property needs a parent level to look the codes up in')
}

/**
 * Loads a GeoJSON boundary file as areas of one level: all of it or, on any problem, none of
 * it. Areas are matched by (level, code), so loading the file again updates names and shapes
 * in place. A local authority first known by name from police.uk files takes the file's code.
 * Parents come from the parent-code property or, without one, from the parent-level polygon
 * that holds a point inside the area. Existing incidents are then assigned to the new shapes:
 * memberships are only ever added.
 */
export async function loadBoundaryFile(
  db: Kysely<Database>,
  options: LoadBoundariesOptions,
): Promise<LoadBoundariesResult> {
  checkOptions(options)
  const file = path.basename(options.file)
  const parsed = parseBoundaryFile(await readFile(options.file, 'utf8'), options)
  if (!parsed.ok) return { status: 'rejected', file, problems: parsed.problems }
  const features = parsed.features
  const source = `boundary file ${file}`

  return db.transaction().execute(async (trx) => {
    await takeGeographyLock(trx)
    if (options.level === 'local-authority') await adoptDerivedAuthorities(trx, features, source)
    const codes = features.map((feature) => feature.code)
    const before = await sql<{ code: string }>`
      select code from area where level = ${options.level} and code = any(${codes}::text[])`.execute(trx)
    const existing = new Set(before.rows.map((row) => row.code))
    const written = await sql<{ id: string | number; code: string }>`
      insert into area (level, code, name, geometry, min_longitude, min_latitude, max_longitude, max_latitude, source)
      select ${options.level}::text, f.code, f.name, f.geometry, f.min_longitude, f.min_latitude, f.max_longitude, f.max_latitude, ${source}::text
      from unnest(${codes}::text[], ${features.map((f) => f.name)}::text[], ${features.map((f) => JSON.stringify(f.geometry))}::jsonb[],
                  ${features.map((f) => f.bbox.minLongitude)}::float8[], ${features.map((f) => f.bbox.minLatitude)}::float8[],
                  ${features.map((f) => f.bbox.maxLongitude)}::float8[], ${features.map((f) => f.bbox.maxLatitude)}::float8[])
        as f (code, name, geometry, min_longitude, min_latitude, max_longitude, max_latitude)
      on conflict (level, code) do update set
        name = excluded.name, geometry = excluded.geometry, source = excluded.source,
        min_longitude = excluded.min_longitude, min_latitude = excluded.min_latitude,
        max_longitude = excluded.max_longitude, max_latitude = excluded.max_latitude
      where area.name is distinct from excluded.name or area.geometry is distinct from excluded.geometry
      returning id, code`.execute(trx)
    const changedIds = written.rows.map((row) => Number(row.id))
    const created = written.rows.filter((row) => !existing.has(row.code)).length
    const updated = written.rows.length - created

    const ids = await sql<{ id: string | number; code: string }>`
      select id, code from area where level = ${options.level} and code = any(${codes}::text[])`.execute(trx)
    const idByCode = new Map(ids.rows.map((row) => [row.code, Number(row.id)]))
    let withoutParent: string[] = []
    if (options.parentLevel) {
      const parents = options.parentCodeProperty
        ? await parentsByCode(trx, features, options.parentLevel)
        : await parentsByContainment(trx, features, options.parentLevel)
      const found = features.filter((feature) => parents.has(feature.code))
      withoutParent = features.filter((feature) => !parents.has(feature.code)).map((feature) => feature.code)
      if (found.length) {
        await sql`
          update area set parent_id = chosen.parent_id
          from unnest(${found.map((f) => idByCode.get(f.code)!)}::bigint[], ${found.map((f) => parents.get(f.code)!)}::bigint[])
            as chosen (id, parent_id)
          where area.id = chosen.id and area.parent_id is distinct from chosen.parent_id`.execute(trx)
      }
    }
    await refreshAncestors(trx)

    let membershipsAdded = 0
    if (changedIds.length) {
      membershipsAdded += await assignPointsToAreas(trx, { areaIds: changedIds })
    }
    const parented = await sql<{ n: number }>`
      select count(*)::int as n from area
      where level = ${options.level} and code = any(${codes}::text[]) and parent_id is not null`.execute(trx)
    return {
      status: 'loaded' as const,
      file,
      level: options.level,
      features: features.length,
      created,
      updated,
      unchanged: features.length - created - updated,
      withParent: parented.rows[0]!.n,
      withoutParent,
      membershipsAdded,
    }
  })
}

/** A local authority made from LSOA names has a derived code; the boundary file's ONS code replaces it. */
async function adoptDerivedAuthorities(
  trx: Transaction<Database>,
  features: BoundaryFeature[],
  source: string,
) {
  await sql`
    update area set code = named.code, source = ${source}
    from unnest(${features.map((f) => f.code)}::text[], ${features.map((f) => f.name)}::text[]) as named (code, name)
    where area.level = 'local-authority' and area.name = named.name and area.code like 'derived:%'
      and not exists (select 1 from area other where other.level = 'local-authority' and other.code = named.code)`.execute(
    trx,
  )
}

async function parentsByCode(
  trx: Transaction<Database>,
  features: BoundaryFeature[],
  parentLevel: AreaLevel,
) {
  const wanted = [...new Set(features.flatMap((f) => (f.parentCode ? [f.parentCode] : [])))]
  const rows = await sql<{ id: string | number; code: string }>`
    select id, code from area where level = ${parentLevel} and code = any(${wanted}::text[])`.execute(trx)
  const idByCode = new Map(rows.rows.map((row) => [row.code, Number(row.id)]))
  const parents = new Map<string, number>()
  for (const feature of features) {
    const id = feature.parentCode ? idByCode.get(feature.parentCode) : undefined
    if (id !== undefined) parents.set(feature.code, id)
  }
  return parents
}

/** The parent is the parent-level polygon holding the area's interior point; the smallest if several do. */
async function parentsByContainment(
  trx: Transaction<Database>,
  features: BoundaryFeature[],
  parentLevel: AreaLevel,
) {
  const rows = await sql<
    { id: string | number; geometry: AreaGeometry; size: number } & Record<
      'min_longitude' | 'min_latitude' | 'max_longitude' | 'max_latitude',
      number
    >
  >`
    select id, geometry, min_longitude, min_latitude, max_longitude, max_latitude,
           (max_longitude - min_longitude) * (max_latitude - min_latitude) as size
    from area where level = ${parentLevel} and geometry is not null
    order by size, id`.execute(trx)
  const parents = new Map<string, number>()
  for (const feature of features) {
    const [longitude, latitude] = feature.interiorPoint
    const holder = rows.rows.find(
      (row) =>
        longitude >= row.min_longitude &&
        longitude <= row.max_longitude &&
        latitude >= row.min_latitude &&
        latitude <= row.max_latitude &&
        geometryHolds(row.geometry, feature.interiorPoint),
    )
    if (holder) parents.set(feature.code, Number(holder.id))
  }
  return parents
}
