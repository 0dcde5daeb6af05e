import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AreaLevel } from '../../data-hub/index.ts'

export type AreaShape =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }

/** The areas of a run's rows that have a boundary, by code, ready to be drawn. */
export interface AreaBoundaries {
  level: AreaLevel
  shapes: ReadonlyMap<string, AreaShape>
}

/** Six decimals of a degree is about 0.1 m: finer than any boundary file, and a third of the bytes. */
const round = (value: number) => Math.round(value * 1e6) / 1e6

/** A ring at six decimals, without the points that rounding made equal to the one before. */
function roundRing(ring: number[][]): number[][] {
  const rounded = ring.map(([lng, lat]) => [round(lng!), round(lat!)])
  const kept = rounded.filter(
    (point, i) => i === 0 || point[0] !== rounded[i - 1]![0] || point[1] !== rounded[i - 1]![1],
  )
  // A ring needs four positions (RFC 7946 3.1.6); a tiny one keeps its repeats rather than vanish.
  return kept.length >= 4 ? kept : rounded
}

export function roundShape(shape: AreaShape): AreaShape {
  return shape.type === 'Polygon'
    ? { type: 'Polygon', coordinates: shape.coordinates.map(roundRing) }
    : { type: 'MultiPolygon', coordinates: shape.coordinates.map((polygon) => polygon.map(roundRing)) }
}

/**
 * The boundaries loaded for the given codes at one level (`upstream areas load`), rounded for the
 * map. Codes without a boundary, or not known at all, are simply absent from the map.
 */
export async function areaBoundaries(
  db: Kysely<Database>,
  level: AreaLevel,
  codes: readonly string[],
): Promise<AreaBoundaries> {
  const shapes = new Map<string, AreaShape>()
  if (codes.length === 0) return { level, shapes }
  const rows = await sql<{ code: string; geometry: AreaShape | string }>`
    select code, geometry from area
    where level = ${level} and geometry is not null and code = any(${[...codes]}::text[])`.execute(db)
  for (const row of rows.rows) {
    const geometry = typeof row.geometry === 'string' ? (JSON.parse(row.geometry) as AreaShape) : row.geometry
    shapes.set(row.code, roundShape(geometry))
  }
  return { level, shapes }
}
