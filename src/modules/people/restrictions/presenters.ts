import { GRANT_KIND_LABELS } from './grants.ts'
import type { RestrictionDetail, RestrictionSummary } from './restrictions.ts'
import { RESTRICTION_KINDS, type GrantKind, type RestrictionKind } from './tables.ts'

/** Shapes restrictions for the pages. */

export const KIND_LABELS: Record<RestrictionKind, string> = {
  'high-profile': 'High profile',
  'staff-member-or-relative': 'A member of staff or their relative',
  'high-risk': 'High risk',
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const day = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})

export const formatDateTime = (date: Date) => dateTime.format(date)
export const formatDay = (date: Date) => day.format(date)

export const kindItems = (chosen: string) =>
  RESTRICTION_KINDS.map((kind) => ({ value: kind, text: KIND_LABELS[kind], checked: kind === chosen }))

export function reviewRows(due: readonly RestrictionSummary[]) {
  return due.map((r) => [
    { html: `<a class="govuk-link" href="/people/restrictions/${r.id}">R-${r.id}</a>` },
    { text: KIND_LABELS[r.kind] },
    { text: r.ownerName },
    { text: formatDay(r.lastReviewedAt ?? r.setAt) },
    { text: formatDay(r.nextReviewAt) },
  ])
}

export function detailPage(detail: RestrictionDetail, now: Date) {
  return {
    restriction: detail,
    inForce: detail.liftedAt === null,
    reviewDue: detail.liftedAt === null && detail.nextReviewAt.getTime() <= now.getTime(),
    rows: [
      {
        key: { text: 'Person' },
        value: {
          html: `<a class="govuk-link" href="/people/${detail.personId}">Person ${detail.personId}</a>`,
        },
      },
      { key: { text: 'Why restricted' }, value: { text: KIND_LABELS[detail.kind] } },
      { key: { text: 'Reason' }, value: { text: detail.reason } },
      { key: { text: 'Set by' }, value: { text: `${detail.ownerName}, ${formatDateTime(detail.setAt)}` } },
      {
        key: { text: 'Last kept after review' },
        value: {
          text: detail.lastReviewedAt
            ? `${formatDateTime(detail.lastReviewedAt)}: ${detail.reviewReason ?? ''}`
            : 'Not yet reviewed',
        },
      },
      {
        key: { text: detail.liftedAt ? 'Lifted' : 'Next review' },
        value: {
          text: detail.liftedAt
            ? `${formatDateTime(detail.liftedAt)}: ${detail.liftReason ?? ''}`
            : formatDay(detail.nextReviewAt),
        },
      },
      {
        key: { text: 'Named users' },
        value: {
          text: detail.namedUsers.length
            ? detail.namedUsers.map((u) => `${u.name} (${u.email})`).join(', ')
            : 'Only the person who set it',
        },
      },
    ],
    breakGlassRows: detail.breakGlass.map((b) => [
      { text: b.userName },
      { text: b.reason },
      { text: formatDateTime(b.startedAt) },
      { text: formatDateTime(b.expiresAt) },
    ]),
    grantRows: detail.grants.map((g) => [
      { text: g.userName },
      { text: GRANT_KIND_LABELS[g.kind as GrantKind] ?? g.kind },
      { text: formatDay(g.grantedAt) },
      { text: formatDateTime(g.expiresAt) },
    ]),
  }
}
