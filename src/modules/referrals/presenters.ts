import { PURPOSE_LABELS, type Purpose } from '../platform/data-classes.ts'
import type { InboxPage, ReferralHistoryItem, ReferralSummary, ReferralView } from './queries.ts'
import { inboxQueryString, INBOX_SORTS, type InboxQuery, type InboxSort } from './inbox-query.ts'
import {
  ACTION_DONE,
  OUTCOME_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  REFERRAL_STATUSES,
  STATUS_LABELS,
  type ActionKind,
  type Outcome,
} from './workflow.ts'

/** Shapes referrals for the templates and the API; nothing here reads the database. */

export const purposeLabel = (purpose: string) => PURPOSE_LABELS[purpose as Purpose] ?? purpose

export const subjectOf = (referral: {
  personName?: string
  person?: { displayName: string }
  personWithheld: boolean
  subject: string
}) =>
  referral.person?.displayName ??
  referral.personName ??
  (referral.personWithheld ? 'A person (identity not shared with you)' : referral.subject)

const SORT_LABELS: Record<InboxSort, string> = {
  due: 'Due',
  created: 'Made',
  priority: 'Priority',
  reference: 'Reference',
  status: 'Status',
}

const STATUS_TAG: Record<string, string> = {
  new: 'govuk-tag--blue',
  needs_information: 'govuk-tag--yellow',
  accepted: 'govuk-tag--turquoise',
  assigned: 'govuk-tag--purple',
  in_progress: 'govuk-tag--light-blue',
  declined: 'govuk-tag--grey',
  closed: 'govuk-tag--grey',
}

export function inboxPage(page: InboxPage, query: InboxQuery, teams: { id: string; name: string }[]) {
  const sortHeader = (sort: InboxSort) => {
    const active = query.sort === sort
    const direction = active && query.direction === 'asc' ? 'desc' : 'asc'
    return {
      text: SORT_LABELS[sort],
      href: `/referrals${inboxQueryString(query, { sort, direction, page: 1 })}`,
      ariaSort: active ? (query.direction === 'asc' ? 'ascending' : 'descending') : 'none',
    }
  }
  const rows = page.referrals.map((referral: ReferralSummary) => ({
    id: referral.id,
    href: `/referrals/${referral.id}`,
    reference: referral.reference,
    subject: subjectOf(referral),
    purpose: purposeLabel(referral.purpose),
    status: STATUS_LABELS[referral.status],
    statusClass: STATUS_TAG[referral.status],
    priority: PRIORITY_LABELS[referral.priority],
    due: referral.due,
    overdue: referral.overdue,
    team: referral.toTeamName ?? referral.toOrganisationName,
    from: referral.fromOrganisationName,
    assignedTo: referral.assignedToName ?? '',
    createdAt: referral.createdAt,
  }))
  const pageHref = (n: number) => `/referrals${inboxQueryString(query, { page: n })}`
  return {
    rows,
    total: page.total,
    noAgreement: page.purposes.length === 0,
    headers: Object.fromEntries(INBOX_SORTS.map((sort) => [sort, sortHeader(sort)])),
    pagination:
      page.pageCount > 1
        ? {
            previous: page.page > 1 ? { href: pageHref(page.page - 1) } : undefined,
            next: page.page < page.pageCount ? { href: pageHref(page.page + 1) } : undefined,
            items: Array.from({ length: page.pageCount }, (_, i) => i + 1)
              .filter((n) => n === 1 || n === page.pageCount || Math.abs(n - page.page) <= 2)
              .flatMap((n, index, list) => [
                ...(index > 0 && n - list[index - 1]! > 1 ? [{ ellipsis: true }] : []),
                { number: n, href: pageHref(n), current: n === page.page },
              ]),
          }
        : undefined,
    summary: `${page.total} ${page.total === 1 ? 'referral' : 'referrals'}${page.pageCount > 1 ? `, page ${page.page} of ${page.pageCount}` : ''}`,
    filters: {
      box: [
        { value: 'received', text: 'Sent to my organisation', selected: query.box === 'received' },
        { value: 'sent', text: 'Made by my organisation', selected: query.box === 'sent' },
      ],
      status: [
        { value: 'open', text: 'Open', selected: query.status === 'open' },
        { value: 'all', text: 'All', selected: query.status === 'all' },
        ...REFERRAL_STATUSES.map((status) => ({
          value: status,
          text: STATUS_LABELS[status],
          selected: query.status === status,
        })),
      ],
      priority: [
        { value: '', text: 'Any priority' },
        ...PRIORITIES.map((p) => ({ value: p, text: PRIORITY_LABELS[p], selected: query.priority === p })),
      ],
      team: [
        { value: '', text: 'Any team' },
        ...teams.map((t) => ({ value: t.id, text: t.name, selected: query.teamId === t.id })),
      ],
      assigned: [
        { value: 'anyone', text: 'Anyone or nobody', selected: query.assigned === 'anyone' },
        { value: 'me', text: 'Me', selected: query.assigned === 'me' },
        { value: 'nobody', text: 'Nobody yet', selected: query.assigned === 'nobody' },
      ],
      overdue: query.overdue,
    },
  }
}

export function historyItem(item: ReferralHistoryItem) {
  const who = item.actorName
    ? `${item.actorName}${item.actorOrganisationName ? ` (${item.actorOrganisationName})` : ''}`
    : 'The trigger rules'
  const done = ACTION_DONE[item.kind as ActionKind | 'raised' | 'evidence-added'] ?? item.kind
  const outcome = item.details.outcome ? OUTCOME_LABELS[item.details.outcome as Outcome] : null
  return {
    occurredAt: item.occurredAt,
    summary: `${who} ${done} the referral`,
    status:
      item.toStatus && item.toStatus !== item.fromStatus
        ? STATUS_LABELS[item.toStatus as keyof typeof STATUS_LABELS]
        : null,
    outcome,
    text: item.text,
    onward: typeof item.details.onwardReferral === 'string' ? item.details.onwardReferral : null,
  }
}

/** The referral as JSON for the API: keys the viewer may not see are absent, not null. */
export function referralJson(referral: ReferralView) {
  return {
    id: referral.id,
    reference: referral.reference,
    version: referral.version,
    purpose: referral.purpose,
    status: referral.status,
    priority: referral.priority,
    dueAt: referral.dueAt?.toISOString() ?? null,
    overdue: referral.overdue,
    createdAt: referral.createdAt.toISOString(),
    closedAt: referral.closedAt?.toISOString() ?? null,
    outcome: referral.outcome,
    reason: referral.reason,
    subject: referral.subject,
    from: {
      organisationId: referral.fromOrganisationId,
      organisation: referral.fromOrganisationName,
      team: referral.fromTeamName,
      user: referral.fromUserName,
    },
    to: {
      organisationId: referral.toOrganisationId,
      organisation: referral.toOrganisationName,
      teamId: referral.toTeamId,
      team: referral.toTeamName,
    },
    assignedTo: referral.assignedUserId
      ? { id: referral.assignedUserId, name: referral.assignedToName }
      : null,
    trigger: referral.trigger,
    onwardFrom: referral.onwardFrom,
    ...(referral.person ? { person: referral.person } : {}),
    personWithheld: referral.personWithheld,
    ...(referral.evidence
      ? { evidence: referral.evidence.map((e) => ({ ...e, addedAt: e.addedAt.toISOString() })) }
      : {}),
    evidenceCount: referral.evidenceCount,
    assessments: referral.assessments.map((a) => ({
      assessment: true,
      kind: a.kind,
      finding: a.finding,
      detail: a.detail,
      source:
        a.source === 'rule' ? { rule: { key: a.ruleKey, version: a.ruleVersion } } : { user: a.authorName },
      author: a.authorName,
      assessedAt: a.assessedAt.toISOString(),
    })),
    ...(referral.policeNote !== undefined ? { policeNote: referral.policeNote } : {}),
    history: referral.history.map((h) => ({
      version: h.version,
      occurredAt: h.occurredAt.toISOString(),
      kind: h.kind,
      actor: h.actorName,
      actorOrganisation: h.actorOrganisationName,
      fromStatus: h.fromStatus,
      toStatus: h.toStatus,
      text: h.text,
    })),
    actions: referral.actions,
    withheld: referral.withheld,
  }
}

export function summaryJson(referral: ReferralSummary) {
  return {
    id: referral.id,
    reference: referral.reference,
    purpose: referral.purpose,
    status: referral.status,
    priority: referral.priority,
    dueAt: referral.dueAt?.toISOString() ?? null,
    overdue: referral.overdue,
    createdAt: referral.createdAt.toISOString(),
    from: referral.fromOrganisationName,
    to: referral.toOrganisationName,
    team: referral.toTeamName,
    assignedTo: referral.assignedToName,
    ...(referral.personName !== undefined ? { personName: referral.personName } : {}),
    personWithheld: referral.personWithheld,
    subject: referral.subject,
    ruleKey: referral.ruleKey,
  }
}

export const outcomeItems = () =>
  (Object.entries(OUTCOME_LABELS) as [Outcome, string][])
    .filter(([value]) => value !== 'referred-on')
    .map(([value, text]) => ({ value, text }))
