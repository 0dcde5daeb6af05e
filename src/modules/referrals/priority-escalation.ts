import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { appendEvent } from './referral-writes.ts'
import { SCREENING_DAYS, WORKING_DAYS } from './time-limits.ts'
import { PRIORITIES, PRIORITY_LABELS, type Priority } from './workflow.ts'

/**
 * A trigger hit on an open referral whose priority is graver than the referral's (a new version
 * of the rule with a higher priority, or a score past the rule's raisePriority) raises the
 * referral's priority. It never lowers it: a lower priority comes only from a person. The raise
 * is a change like any other: a new version, so a screener acting on the page they opened
 * before is told about it, an event saying why, and an audit entry.
 */
export interface PriorityRaise {
  from: Priority
  to: Priority
  version: number
}

const rank = (priority: Priority) => PRIORITIES.indexOf(priority)

const DAY_MS = 24 * 60 * 60 * 1000

/** The stage's due time under the graver priority, counted from now; never later than it was. */
function sooner(current: Date | null, status: string, priority: Priority, now: Date): Date | null {
  const days =
    status === 'new'
      ? SCREENING_DAYS[priority]
      : ['accepted', 'assigned', 'in_progress'].includes(status)
        ? WORKING_DAYS[priority]
        : null
  if (days === null || current === null) return current
  const limit = new Date(now.getTime() + days * DAY_MS)
  return limit < current ? limit : current
}

/** Call with the referral's row locked (raiseFromTrigger's findOpen). */
export async function raisePriorityIfGraver(
  trx: Transaction<Database>,
  hit: {
    referralId: number
    priority: Priority
    ruleKey: string
    ruleVersion: number
    score?: { total: number }
    now: Date
  },
): Promise<PriorityRaise | null> {
  const row = await trx
    .selectFrom('referral')
    .select(['priority', 'status', 'due_at', 'version', 'purpose'])
    .where('id', '=', hit.referralId)
    .executeTakeFirstOrThrow()
  if (rank(hit.priority) <= rank(row.priority)) return null
  const version = row.version + 1
  await trx
    .updateTable('referral')
    .set({
      priority: hit.priority,
      due_at: sooner(row.due_at, row.status, hit.priority, hit.now),
      version,
      updated_at: hit.now,
    })
    .where('id', '=', hit.referralId)
    .where('version', '=', row.version)
    .execute()
  const label = (priority: Priority) => PRIORITY_LABELS[priority].toLowerCase()
  const scored = hit.score ? `, with an RFG score of ${hit.score.total}` : ''
  await appendEvent(trx, {
    referralId: hit.referralId,
    version,
    kind: 'priority-raised',
    now: hit.now,
    fromStatus: row.status,
    toStatus: row.status,
    text: `Priority raised from ${label(row.priority)} to ${label(hit.priority)}: the trigger rule ${hit.ruleKey} (version ${hit.ruleVersion}) matched again at ${label(hit.priority)} priority${scored}.`,
    details: {
      from: row.priority,
      to: hit.priority,
      ruleKey: hit.ruleKey,
      ruleVersion: hit.ruleVersion,
      ...(hit.score ? { score: hit.score.total } : {}),
    },
  })
  await recordAudit(trx, {
    action: 'alter',
    event: 'RAISE_REFERRAL_PRIORITY',
    recordType: 'referral',
    recordIds: [String(hit.referralId)],
    purpose: row.purpose,
    occurredAt: hit.now,
    details: {
      from: row.priority,
      to: hit.priority,
      version,
      ruleKey: hit.ruleKey,
      ruleVersion: hit.ruleVersion,
    },
  })
  return { from: row.priority, to: hit.priority, version }
}
