import type { ColumnType, Generated } from 'kysely'

/** Table types of the geography: areas, their ancestors and which incidents fall in them. */

/** The levels of the hierarchy, from the largest to the smallest. */
export const AREA_LEVELS = [
  'force',
  'local-policing-area',
  'local-authority',
  'ward',
  'neighbourhood',
  'lsoa',
] as const
export type AreaLevel = (typeof AREA_LEVELS)[number]

/** A GeoJSON Polygon or MultiPolygon in WGS84 longitude/latitude (RFC 7946). */
export type AreaGeometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }

export interface AreaTable {
  id: Generated<number>
  level: AreaLevel
  code: string
  name: string
  parent_id: number | null
  geometry: ColumnType<AreaGeometry | null, string | null, string | null>
  min_longitude: number | null
  min_latitude: number | null
  max_longitude: number | null
  max_latitude: number | null
  source: string
  /** Residents (e.g. an ONS mid-year estimate), null until a population file is loaded. */
  population: number | null
  /** The file the population came from. */
  population_source: string | null
}

export interface AreaAncestorTable {
  area_id: number
  ancestor_id: number
  depth: number
}

export interface IncidentAreaTable {
  incident_id: number
  area_id: number
}

export interface GeographyTables {
  area: AreaTable
  area_ancestor: AreaAncestorTable
  incident_area: IncidentAreaTable
}
