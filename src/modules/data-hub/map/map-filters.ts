import {
  filterQuery,
  parseIncidentFilter,
  type IncidentFilter,
  type IncidentFilterName,
  type IncidentFilterValues,
} from '../queries/incident-filter.ts'
import { H3_RESOLUTIONS, type H3Resolution } from '../queries/incidents.ts'
import type { IncidentKind } from '../tables.ts'

/**
 * The map's filters, from the query string so a view can be bookmarked: the incidents
 * browser's own (one definition for the pages, exports and API) and the H3 resolution.
 */
export const DEFAULT_RESOLUTION: H3Resolution = 8

type MapFilterName = IncidentFilterName | 'resolution'
export type MapFilterValues = IncidentFilterValues & { resolution: string }

export type ParsedMapFilters =
  | { ok: true; filter: IncidentFilter; resolution: H3Resolution; values: MapFilterValues }
  | { ok: false; values: MapFilterValues; errors: Partial<Record<MapFilterName, string>> }

export function parseMapFilters(query: unknown, visibleKinds: readonly IncidentKind[]): ParsedMapFilters {
  const parsed = parseIncidentFilter(query, visibleKinds)
  const given = (query as Record<string, unknown> | undefined)?.resolution
  const resolutionText = typeof given === 'string' && given.trim() ? given.trim() : String(DEFAULT_RESOLUTION)
  const values: MapFilterValues = { ...parsed.values, resolution: resolutionText.slice(0, 10) }
  const resolution = Number(resolutionText)
  const errors: Partial<Record<MapFilterName, string>> = parsed.ok ? {} : { ...parsed.errors }
  if (given !== undefined && typeof given !== 'string') errors.resolution = 'Give the cell size once only'
  else if (!(H3_RESOLUTIONS as readonly number[]).includes(resolution))
    errors.resolution = 'Cell size must be H3 resolution 7, 8 or 9'
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, values, errors }
  return { ok: true, filter: parsed.filter, resolution: resolution as H3Resolution, values }
}

/** The query string of a view, without empty filters. */
export function mapQueryString(filter: IncidentFilter, resolution: H3Resolution): string {
  return new URLSearchParams({ ...filterQuery(filter), resolution: String(resolution) }).toString()
}
