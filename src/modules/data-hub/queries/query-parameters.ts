import { singleValue } from './incident-filter.ts'
import { IMPORT_RUN_STATUSES, type RunFilter } from './sources-and-runs.ts'
import type { ImportRunStatus } from '../tables.ts'

/** Checks of the paging and run-filter parameters shared by the data pages and the API. */

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string }

/** A whole number from 1 to max; the fallback when the parameter is absent. */
export function wholeNumberParameter(
  query: unknown,
  name: string,
  fallback: number,
  max: number,
): Checked<number> {
  const value = singleValue(query, name)
  if (value === undefined) return { ok: false, error: `Give ${name} once only` }
  if (value === '') return { ok: true, value: fallback }
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    return { ok: false, error: `${name} must be a whole number from 1 to ${max}` }
  }
  return { ok: true, value: Number(value) }
}

export interface ParsedRunFilter {
  filter: RunFilter
  values: { source: string; status: string }
  errors: Partial<Record<'source' | 'status', string>>
}

export function parseRunFilter(query: unknown): ParsedRunFilter {
  const source = singleValue(query, 'source')
  const status = singleValue(query, 'status')
  const values = { source: (source ?? '').slice(0, 200), status: (status ?? '').slice(0, 200) }
  const errors: ParsedRunFilter['errors'] = {}
  const filter: RunFilter = {}
  if (source === undefined) errors.source = 'Give source once only'
  else if (source && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(source))
    errors.source = 'Source must be a data source kind, such as police-uk-street'
  else if (source) filter.source = source
  if (status === undefined) errors.status = 'Give status once only'
  else if (status && !(IMPORT_RUN_STATUSES as readonly string[]).includes(status)) {
    errors.status = `Status must be one of ${IMPORT_RUN_STATUSES.join(', ')}`
  } else if (status) filter.status = status as ImportRunStatus
  return { filter, values, errors }
}

/** A path parameter that must be a row id; undefined means "no such row" (a 404, not a 400). */
export const rowId = (text: unknown): number | undefined =>
  typeof text === 'string' && /^\d{1,15}$/.test(text) ? Number(text) : undefined

export function urlWithQuery(path: string, pairs: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(pairs))
    if (value !== undefined && value !== '') query.set(name, String(value))
  const text = query.toString()
  return text ? `${path}?${text}` : path
}
