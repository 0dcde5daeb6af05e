import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { AUDIT_ACTIONS } from './audit-log.ts'
import {
  countAuditEntries,
  listAuditEntries,
  type AuditListEntry,
  type AuditReadScope,
  type AuditSearchConditions,
} from './queries.ts'

export const AUDIT_PAGE_SIZE = 50
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const
const MAX_PAGE = 1_000_000
const MAX_TEXT_LENGTH = 200

/** The filters of an audit search, as typed in the form and kept in the URL. */
export interface AuditFilters {
  action: string
  event: string
  actor: string
  recordType: string
  recordId: string
  from: string
  to: string
  outcome: string
}

export const FILTER_NAMES: readonly (keyof AuditFilters)[] = [
  'action',
  'event',
  'actor',
  'recordType',
  'recordId',
  'from',
  'to',
  'outcome',
]

export interface AuditSearchRequest {
  filters: AuditFilters
  page: number
}

export type ParsedAuditSearch =
  | { ok: true; request: AuditSearchRequest; conditions: AuditSearchConditions }
  | { ok: false; filters: AuditFilters; errors: Partial<Record<keyof AuditFilters | 'page', string>> }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/

const LABELS: Record<keyof AuditFilters | 'page', string> = {
  action: 'Action',
  event: 'Event',
  actor: 'Actor',
  recordType: 'Record type',
  recordId: 'Record id',
  from: 'From date',
  to: 'To date',
  outcome: 'Outcome',
  page: 'Page',
}

/** Reads the query string of /audit. Unknown parameters are ignored; bad values are errors per field. */
export function parseAuditSearch(query: unknown): ParsedAuditSearch {
  const source = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const errors: Partial<Record<keyof AuditFilters | 'page', string>> = {}
  const text = (name: keyof AuditFilters | 'page'): string => {
    const value = source[name]
    if (value === undefined) return ''
    if (typeof value !== 'string') {
      errors[name] = `${LABELS[name]} must be given once`
      return ''
    }
    const trimmed = value.trim()
    if (trimmed.length > MAX_TEXT_LENGTH) errors[name] = `${LABELS[name]} must be ${MAX_TEXT_LENGTH} characters or fewer`
    else if (CONTROL_CHARACTERS.test(trimmed)) errors[name] = `${LABELS[name]} must not contain control characters`
    return trimmed
  }
  const filters: AuditFilters = {
    action: text('action'),
    event: text('event'),
    actor: text('actor'),
    recordType: text('recordType'),
    recordId: text('recordId'),
    from: text('from'),
    to: text('to'),
    outcome: text('outcome'),
  }
  const pageText = text('page')

  if (filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action)) {
    errors.action = `Action must be one of ${AUDIT_ACTIONS.join(', ')}`
  }
  if (filters.outcome && !(AUDIT_OUTCOMES as readonly string[]).includes(filters.outcome)) {
    errors.outcome = `Outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`
  }
  const from = filters.from ? parseDay(filters.from) : undefined
  if (filters.from && !from && !errors.from) errors.from = `From date must be a real date, like 2026-01-15, not '${filters.from}'`
  const to = filters.to ? parseDay(filters.to) : undefined
  if (filters.to && !to && !errors.to) errors.to = `To date must be a real date, like 2026-01-31, not '${filters.to}'`
  if (from && to && to < from) errors.to = 'To date must be the same as or after the from date'
  let page = 1
  if (pageText && !errors.page) {
    page = /^\d{1,7}$/.test(pageText) ? Number(pageText) : 0
    if (page < 1 || page > MAX_PAGE) errors.page = `Page must be a whole number from 1 to ${MAX_PAGE}`
  }

  if (Object.keys(errors).length > 0) return { ok: false, filters, errors }
  const actorIsId = UUID.test(filters.actor)
  return {
    ok: true,
    request: { filters, page },
    conditions: {
      action: filters.action || undefined,
      event: filters.event ? filters.event.toUpperCase() : undefined,
      actorUserId: actorIsId ? filters.actor.toLowerCase() : undefined,
      actorEmail: filters.actor && !actorIsId ? filters.actor : undefined,
      recordType: filters.recordType || undefined,
      recordId: filters.recordId || undefined,
      occurredFrom: from,
      occurredBefore: to ? new Date(to.getTime() + 24 * 60 * 60_000) : undefined,
      outcome: filters.outcome || undefined,
    },
  }
}

/** A calendar day in UTC, from 1970 to 9999; undefined if it is not one. */
function parseDay(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const day = new Date(`${value}T00:00:00.000Z`)
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) return undefined
  return day.getUTCFullYear() >= 1970 ? day : undefined
}

export interface AuditSearchResult {
  entries: AuditListEntry[]
  total: number
  page: number
  pageCount: number
}

export async function searchAuditLog(
  db: Kysely<Database>,
  conditions: AuditSearchConditions,
  scope: AuditReadScope,
  page: number,
): Promise<AuditSearchResult> {
  const total = await countAuditEntries(db, conditions, scope)
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE))
  // A page past the end is an empty page, not a query with a huge offset.
  const entries =
    page > pageCount
      ? []
      : await listAuditEntries(db, conditions, scope, { offset: (page - 1) * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE })
  return { entries, total, page, pageCount }
}

/** The filters that were set, for the audit entry of the search itself (search terms are kept: decision B1/B5). */
export function filtersForAudit(filters: AuditFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ''))
}

