import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { incidentInArea } from '../geography/queries.ts'
import { INCIDENT_KINDS, type IncidentKind } from '../tables.ts'

/**
 * The one definition of "incidents matching these filters", used by the incidents pages, the
 * exports and the API, so a filtered page, its CSV and its API answer always agree.
 */

export const INCIDENT_FILTER_NAMES = ['kind', 'category', 'from', 'to', 'area', 'source'] as const
export type IncidentFilterName = (typeof INCIDENT_FILTER_NAMES)[number]

export const INCIDENT_SORTS = ['month-desc', 'month-asc'] as const
export type IncidentSort = (typeof INCIDENT_SORTS)[number]

export interface IncidentFilter {
  kind?: IncidentKind
  category?: string
  /** YYYY-MM, inclusive. */
  from?: string
  to?: string
  /** An area id: incidents in that area or any area below it. */
  area?: number
  source?: string
  /**
   * The kinds the viewer may see (queries/visible-kinds.ts): not a user's filter but the
   * sharing rules, applied to every page, map, export and API answer built on this filter.
   */
  visibleKinds: readonly IncidentKind[]
}

/** What the user typed, kept as text so a form can show it back after an error. */
export type IncidentFilterValues = Record<IncidentFilterName, string>

export type ParsedIncidentFilter =
  | { ok: true; filter: IncidentFilter; values: IncidentFilterValues }
  | { ok: false; errors: Partial<Record<IncidentFilterName, string>>; values: IncidentFilterValues }

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/
const MONTH = /^(\d{4})-(\d{2})$/

/** One text value of a query parameter: '' when absent, undefined when it was given more than once. */
export function singleValue(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name]
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number') return String(value)
  return undefined
}

function monthError(label: string, value: string): string | undefined {
  const match = MONTH.exec(value)
  if (!match) return `${label} must be a month in the form YYYY-MM, such as 2023-04`
  const month = Number(match[2])
  if (month < 1 || month > 12) return `${label} '${value}' is not a month: the month number must be 01 to 12`
  return undefined
}

/** Reads and checks the filters of a query string; every problem is named by its field. */
export function parseIncidentFilter(
  query: unknown,
  visibleKinds: readonly IncidentKind[],
): ParsedIncidentFilter {
  const values = {} as IncidentFilterValues
  const errors: Partial<Record<IncidentFilterName, string>> = {}
  const filter: IncidentFilter = { visibleKinds }
  for (const name of INCIDENT_FILTER_NAMES) {
    const value = singleValue(query, name)
    if (value === undefined) {
      values[name] = ''
      errors[name] = `Give ${name} once only`
      continue
    }
    values[name] = value.slice(0, 200)
  }
  const { kind, category, from, to, area, source } = values
  if (kind && !errors.kind) {
    if ((INCIDENT_KINDS as readonly string[]).includes(kind)) filter.kind = kind as IncidentKind
    else errors.kind = `Kind must be one of ${INCIDENT_KINDS.join(', ')}`
  }
  if (category && !errors.category) {
    if (SLUG.test(category)) filter.category = category
    else
      errors.category =
        'Category must be a category code of lower-case letters, digits and hyphens, such as burglary'
  }
  for (const [name, label, value] of [
    ['from', 'From month', from],
    ['to', 'To month', to],
  ] as const) {
    if (!value || errors[name]) continue
    const problem = monthError(label, value)
    if (problem) errors[name] = problem
    else filter[name] = value
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.to = `To month ${filter.to} is before from month ${filter.from}`
    delete filter.to
  }
  if (area && !errors.area) {
    if (/^\d{1,15}$/.test(area)) filter.area = Number(area)
    else errors.area = 'Area must be the id of an area from the list'
  }
  if (source && !errors.source) {
    if (SLUG.test(source)) filter.source = source
    else errors.source = 'Source must be a data source kind, such as police-uk-street'
  }
  return Object.keys(errors).length ? { ok: false, errors, values } : { ok: true, filter, values }
}

export function parseIncidentSort(query: unknown): IncidentSort | undefined {
  const value = singleValue(query, 'sort')
  if (value === '') return 'month-desc'
  return (INCIDENT_SORTS as readonly string[]).includes(value ?? '') ? (value as IncidentSort) : undefined
}

/** The filters as query-string pairs (empty ones left out), for links and next pages. */
export function filterQuery(filter: IncidentFilter): Record<string, string> {
  const pairs: Record<string, string> = {}
  for (const name of INCIDENT_FILTER_NAMES) {
    const value = filter[name]
    if (value !== undefined && value !== '') pairs[name] = String(value)
  }
  return pairs
}

type IncidentQuery = SelectQueryBuilder<Database, 'incident', object>

/** Incidents matching the filter, as a query others add their columns, order and limits to. */
export function incidentsMatching(db: Kysely<Database>, filter: IncidentFilter): IncidentQuery {
  let query = db.selectFrom('incident') as IncidentQuery
  query = filter.visibleKinds.length
    ? query.where('incident.kind', 'in', [...filter.visibleKinds])
    : query.where(sql<boolean>`false`)
  if (filter.kind) query = query.where('incident.kind', '=', filter.kind)
  if (filter.category) query = query.where('incident.category_code', '=', filter.category)
  if (filter.from) query = query.where('incident.month', '>=', `${filter.from}-01`)
  if (filter.to) query = query.where('incident.month', '<=', `${filter.to}-01`)
  if (filter.source) query = query.where('incident.source_kind', '=', filter.source)
  if (filter.area !== undefined) {
    query = query.where(incidentInArea(filter.area))
  }
  return query
}

export async function countIncidents(
  db: Kysely<Database>,
  filter: IncidentFilter,
  maxId?: number,
): Promise<number> {
  let query = incidentsMatching(db, filter)
  if (maxId !== undefined) query = query.where('incident.id', '<=', maxId)
  const row = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The highest incident id now: an export streams up to it, so rows imported meanwhile stay out. */
export async function highestIncidentId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('incident')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst()
  return Number(row?.max ?? 0)
}
