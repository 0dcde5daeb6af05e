import { partnershipDate } from '../../platform/sharing.ts'
import type { BundleItem, BundleItemKind } from './bundle.ts'
import type { PersonRights } from './person-rights.ts'
import { RECTIFIABLE_FIELDS, type RectifiableRecord, type RectificationInput } from './rectification.ts'
import type { ProducedBundle, RequestReview } from './subject-access.ts'

/** Shapes the subject-rights data for the pages: headings per kind of item, form values, ids for anchors. */

export const KIND_HEADINGS: Record<BundleItemKind, string> = {
  record: 'Records about you',
  involvement: 'Incidents you were involved in',
  referral: 'Referrals about you',
  disclosure: 'Who your data was shared with',
  linkage: 'How your records were linked',
  household: 'Addresses and households',
}

const KIND_ORDER = Object.keys(KIND_HEADINGS) as BundleItemKind[]

const anchorOf = (key: string) => key.replace(/:/g, '-')

function grouped<T extends BundleItem>(items: readonly T[]) {
  return KIND_ORDER.map((kind) => ({
    kind,
    heading: KIND_HEADINGS[kind],
    items: items
      .filter((item) => item.kind === kind)
      .map((item) => ({ ...item, anchor: anchorOf(item.key) })),
  })).filter((group) => group.items.length > 0)
}

export function requestPage(review: RequestReview, now: Date) {
  const { request } = review
  return {
    request,
    subject: review.subject,
    groups: grouped(review.items),
    itemCount: review.items.length,
    withheldCount: review.items.filter((item) => item.withheldReason !== null).length,
    today: partnershipDate(now),
    extensionValues: { dueOn: '', reason: '' },
  }
}

export function bundlePage(bundle: ProducedBundle) {
  return {
    bundle,
    groups: grouped(bundle.items),
    producedOn: bundle.producedAt.slice(0, 10),
  }
}

export function personRightsPage(rights: PersonRights) {
  return {
    rights,
    records: rights.records.map((record) => ({
      ...record,
      name: `${record.values.first_names} ${record.values.last_name}`,
    })),
  }
}

export function rectificationForm(
  record: RectifiableRecord,
  values: RectificationInput | undefined,
  errors: Record<string, string>,
) {
  return {
    record,
    fields: RECTIFIABLE_FIELDS.map(({ field, input, label }) => ({
      name: input,
      label,
      current: record.values[field],
      value: values ? values[input as keyof RectificationInput].slice(0, 200) : record.values[field],
      error: errors[input],
      hint: field === 'date_of_birth' ? 'For example, 1980-05-02. Leave empty if not known.' : undefined,
    })),
    reason: values?.reason.slice(0, 2000) ?? '',
    reasonError: errors.reason,
    fingerprint: record.fingerprint,
  }
}
