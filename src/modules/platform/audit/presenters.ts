import type { AuditListEntry } from './queries.ts'
import { AUDIT_ACTIONS } from './audit-log.ts'
import { AUDIT_OUTCOMES, FILTER_NAMES, type AuditFilters, type AuditSearchResult, AUDIT_PAGE_SIZE } from './search.ts'

/** Shapes audit entries and searches for the pages; no database, no HTTP. */

export const utcTime = (value: Date) => `${value.toISOString().replace('T', ' ').slice(0, 19)} UTC`

export function describeRecord(entry: Pick<AuditListEntry, 'recordType' | 'recordIds' | 'recordCount' | 'recordIdsSha256'>): string {
  if (!entry.recordType && entry.recordCount === 0) return ''
  const type = entry.recordType ?? 'record'
  if (entry.recordIdsSha256) return `${type}: ${entry.recordCount} records (SHA-256 of ids ${entry.recordIdsSha256.slice(0, 12)}…)`
  if (entry.recordCount === 0) return type
  if (entry.recordCount <= 3) return `${type}: ${entry.recordIds.join(', ')}`
  return `${type}: ${entry.recordCount} records`
}

export const describeActor = (entry: Pick<AuditListEntry, 'actorEmail' | 'actorUserId'>) =>
  entry.actorEmail ?? entry.actorUserId ?? 'No one signed in'

export function entryRow(entry: AuditListEntry, basePath: string) {
  return {
    seq: entry.seq,
    href: `${basePath}/${entry.seq}`,
    time: utcTime(entry.occurredAt),
    actor: describeActor(entry),
    organisation: entry.actorOrganisationName ?? '',
    action: entry.action,
    event: entry.event,
    record: describeRecord(entry),
    purpose: entry.purpose ?? '',
    outcome: entry.outcome,
    requestId: entry.requestId ?? '',
    ip: entry.ip ?? '',
  }
}

export function searchUrl(basePath: string, filters: AuditFilters, page = 1): string {
  const query = new URLSearchParams()
  for (const name of FILTER_NAMES) if (filters[name]) query.set(name, filters[name])
  if (page > 1) query.set('page', String(page))
  const text = query.toString()
  return text ? `${basePath}?${text}` : basePath
}

/** Arguments for govukPagination: previous, next and a window of page numbers with ellipses. */
export function paginationFor(basePath: string, filters: AuditFilters, result: AuditSearchResult) {
  if (result.pageCount <= 1 && result.page <= 1) return null
  const { page, pageCount } = result
  const numbers = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount))
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  let last = 0
  for (const number of [...numbers].sort((a, b) => a - b)) {
    if (number - last > 1) items.push({ ellipsis: true })
    items.push({ number, href: searchUrl(basePath, filters, number), current: number === page })
    last = number
  }
  return {
    items,
    previous: page > 1 ? { href: searchUrl(basePath, filters, Math.min(page - 1, pageCount)) } : undefined,
    next: page < pageCount ? { href: searchUrl(basePath, filters, page + 1) } : undefined,
    landmarkLabel: 'Pages of audit entries',
  }
}

export function resultSummary(result: AuditSearchResult): string {
  if (result.total === 0) return 'No audit entries match these filters.'
  if (result.entries.length === 0) {
    return `There is no page ${result.page}: these filters give ${result.pageCount} page${result.pageCount === 1 ? '' : 's'}.`
  }
  const first = (result.page - 1) * AUDIT_PAGE_SIZE + 1
  const lastShown = first + result.entries.length - 1
  return `Showing ${first} to ${lastShown} of ${result.total} entr${result.total === 1 ? 'y' : 'ies'}, newest first.`
}

const option = (selected: string) => (value: string) => ({ value, text: value, selected: value === selected })

export function filterOptions(filters: AuditFilters) {
  return {
    actions: [{ value: '', text: 'Any action' }, ...AUDIT_ACTIONS.map(option(filters.action))],
    outcomes: [{ value: '', text: 'Any outcome' }, ...AUDIT_OUTCOMES.map(option(filters.outcome))],
  }
}

/** The summary list rows of one entry's page. */
export function entryDetailRows(entry: AuditListEntry) {
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value || '—' } })
  return [
    row('Sequence number', String(entry.seq)),
    row('Time (UTC)', utcTime(entry.occurredAt)),
    row('Actor', describeActor(entry)),
    row('Actor user id', entry.actorUserId ?? ''),
    row('Organisation', entry.actorOrganisationName ?? entry.actorOrganisationId ?? ''),
    row('Action', entry.action),
    row('Event', entry.event),
    row('Outcome', entry.outcome),
    row('Record type', entry.recordType ?? ''),
    row('Record ids', entry.recordIdsSha256 ? `${entry.recordCount} records, not listed` : entry.recordIds.join(', ')),
    row('SHA-256 of the sorted record ids', entry.recordIdsSha256 ?? ''),
    row('Purpose', entry.purpose ?? ''),
    row('Sharing agreement', entry.sharingAgreementId ?? ''),
    row(
      'Recipients',
      entry.recipients.map((recipient) => [recipient.userId && `user ${recipient.userId}`, recipient.organisationId && `organisation ${recipient.organisationId}`].filter(Boolean).join(', ')).join('; '),
    ),
    row('Request id', entry.requestId ?? ''),
    row('IP address', entry.ip ?? ''),
    row('Previous hash', entry.prevHash),
    row('Hash', entry.hash),
  ]
}

export function detailRows(details: Record<string, unknown>) {
  return Object.entries(details)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({
      key: { text: key },
      value: { text: Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value) },
    }))
}
