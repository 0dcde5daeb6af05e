import type { Priority, ReferralStatus } from './workflow.ts'
import { isOpen } from './workflow.ts'

/**
 * Time limits: each stage of a referral has a due time set when the stage begins, from the
 * priority. Calendar days, not working days: safeguarding work does not stop at weekends, and a
 * partnership that wants working days changes these tables, not the code that uses them.
 */
export const SCREENING_DAYS: Record<Priority, number> = { urgent: 1, high: 2, normal: 5, low: 10 }
/** From acceptance to an outcome. */
export const WORKING_DAYS: Record<Priority, number> = { urgent: 7, high: 14, normal: 28, low: 56 }
/** How long a referrer has to answer a request for more information. */
export const INFORMATION_DAYS = 10

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * The due time of the stage a referral enters: null once it is closed. A stage that continues
 * (assigned, in progress) keeps the due time it had, so assigning does not buy more time.
 */
export function dueAtFor(
  status: ReferralStatus,
  priority: Priority,
  stageStart: Date,
  currentDue: Date | null,
): Date | null {
  switch (status) {
    case 'new':
      return new Date(stageStart.getTime() + SCREENING_DAYS[priority] * DAY_MS)
    case 'needs_information':
      return new Date(stageStart.getTime() + INFORMATION_DAYS * DAY_MS)
    case 'accepted':
      return new Date(stageStart.getTime() + WORKING_DAYS[priority] * DAY_MS)
    case 'assigned':
    case 'in_progress':
      return currentDue ?? new Date(stageStart.getTime() + WORKING_DAYS[priority] * DAY_MS)
    case 'declined':
    case 'closed':
      return null
  }
}

export function isOverdue(referral: { status: ReferralStatus; dueAt: Date | null }, now: Date): boolean {
  return isOpen(referral.status) && referral.dueAt !== null && referral.dueAt.getTime() < now.getTime()
}

/** "2 days overdue", "due in 3 hours": for the inbox and the referral page. */
export function dueDescription(dueAt: Date | null, now: Date): string {
  if (!dueAt) return ''
  const difference = dueAt.getTime() - now.getTime()
  const hours = Math.abs(difference) / (60 * 60 * 1000)
  const span =
    hours >= 24
      ? `${Math.floor(hours / 24)} ${Math.floor(hours / 24) === 1 ? 'day' : 'days'}`
      : `${Math.max(1, Math.floor(hours))} ${Math.floor(hours) <= 1 ? 'hour' : 'hours'}`
  return difference < 0 ? `${span} overdue` : `due in ${span}`
}
