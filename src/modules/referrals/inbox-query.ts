import { isPriority, isStatus, type Priority, type ReferralStatus } from './workflow.ts'

/**
 * The inbox's filters, sort and page, read from the query string so that a list can be
 * bookmarked; the same parser serves the page and the API, and names the parameter it refuses.
 */
export const INBOX_SORTS = ['due', 'created', 'priority', 'reference', 'status'] as const
export type InboxSort = (typeof INBOX_SORTS)[number]
export const INBOX_BOXES = ['received', 'sent'] as const
export type InboxBox = (typeof INBOX_BOXES)[number]

export interface InboxQuery {
  box: InboxBox
  status: 'open' | 'all' | ReferralStatus
  priority: Priority | null
  teamId: string | null
  overdue: boolean
  assigned: 'anyone' | 'me' | 'nobody'
  sort: InboxSort
  direction: 'asc' | 'desc'
  page: number
  pageSize: number
}

export const DEFAULT_PAGE_SIZE = 25
export const MAX_PAGE_SIZE = 100
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const KNOWN_INBOX_PARAMETERS = [
  'box',
  'status',
  'priority',
  'team',
  'overdue',
  'assigned',
  'sort',
  'direction',
  'page',
  'pageSize',
]

export function parseInboxQuery(query: unknown): { query: InboxQuery; errors: Record<string, string> } {
  const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const errors: Record<string, string> = {}
  const text = (name: string): string | undefined => {
    const value = raw[name]
    if (value === undefined || value === '') return undefined
    if (typeof value !== 'string') {
      errors[name] = `${name} must be given once`
      return undefined
    }
    return value
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name)
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    errors[name] = `${name} must be one of ${allowed.join(', ')} (not '${value.slice(0, 40)}')`
    return fallback
  }
  const whole = (name: string, fallback: number, max: number): number => {
    const value = text(name)
    if (value === undefined) return fallback
    if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      errors[name] = `${name} must be a whole number from 1 to ${max}`
      return fallback
    }
    return Number(value)
  }

  for (const name of Object.keys(raw)) {
    if (!KNOWN_INBOX_PARAMETERS.includes(name))
      errors[name] = `'${name.slice(0, 40)}' is not a filter of the inbox`
  }
  const statusText = text('status')
  let status: InboxQuery['status'] = 'open'
  if (statusText !== undefined) {
    if (statusText === 'open' || statusText === 'all' || isStatus(statusText)) status = statusText
    else
      errors.status = `status must be open, all or a status such as new or in_progress (not '${statusText.slice(0, 40)}')`
  }
  const priorityText = text('priority')
  let priority: Priority | null = null
  if (priorityText !== undefined) {
    if (isPriority(priorityText)) priority = priorityText
    else
      errors.priority = `priority must be one of low, normal, high, urgent (not '${priorityText.slice(0, 40)}')`
  }
  const team = text('team') ?? null
  if (team !== null && !UUID.test(team)) errors.team = 'team must be the id of a team'
  const overdue = text('overdue')
  if (overdue !== undefined && overdue !== 'yes' && overdue !== 'no')
    errors.overdue = 'overdue must be yes or no'

  return {
    query: {
      box: oneOf('box', INBOX_BOXES, 'received'),
      status,
      priority,
      teamId: team !== null && UUID.test(team) ? team : null,
      overdue: overdue === 'yes',
      assigned: oneOf('assigned', ['anyone', 'me', 'nobody'] as const, 'anyone'),
      sort: oneOf('sort', INBOX_SORTS, 'due'),
      direction: oneOf('direction', ['asc', 'desc'] as const, 'asc'),
      page: whole('page', 1, 100_000),
      pageSize: whole('pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    },
    errors,
  }
}

/** The query string of an inbox query, leaving out defaults, for links that change one thing. */
export function inboxQueryString(query: InboxQuery, change: Partial<InboxQuery> = {}): string {
  const merged = { ...query, ...change }
  const parameters = new URLSearchParams()
  if (merged.box !== 'received') parameters.set('box', merged.box)
  if (merged.status !== 'open') parameters.set('status', merged.status)
  if (merged.priority) parameters.set('priority', merged.priority)
  if (merged.teamId) parameters.set('team', merged.teamId)
  if (merged.overdue) parameters.set('overdue', 'yes')
  if (merged.assigned !== 'anyone') parameters.set('assigned', merged.assigned)
  if (merged.sort !== 'due') parameters.set('sort', merged.sort)
  if (merged.direction !== 'asc') parameters.set('direction', merged.direction)
  if (merged.page !== 1) parameters.set('page', String(merged.page))
  if (merged.pageSize !== DEFAULT_PAGE_SIZE) parameters.set('pageSize', String(merged.pageSize))
  const text = parameters.toString()
  return text ? `?${text}` : ''
}
