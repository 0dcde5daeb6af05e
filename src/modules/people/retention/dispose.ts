import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { eraseRecord } from './erase.ts'
import { MOPI_GROUPS } from './mopi-groups.ts'
import { assessRetention } from './schedule.ts'
import type { MopiGroup } from './tables.ts'

/**
 * The disposal job (C4): every record whose review date has come, under a rule that allows
 * time-based disposal (partner periods, MoPI groups 2 to 4), is erased with all derived from it,
 * one record a transaction. Group 1 records are never disposed of here: they wait in the review queue.
 */
export interface DisposalSummary {
  asOf: string
  disposed: number
  byRule: Record<string, number>
  /** Group 1 records past their review date, left for a reviewer. */
  awaitingReview: number
}

const AUTOMATIC_GROUPS = (Object.values(MOPI_GROUPS) as { group: MopiGroup; automaticDisposal: boolean }[])
  .filter((rule) => rule.automaticDisposal)
  .map((rule) => rule.group)

export async function disposeExpiredRecords(
  db: Kysely<Database>,
  options: { asOf: string; now: Date; dataDir?: string },
): Promise<DisposalSummary> {
  await assessRetention(db, options.now)
  const due = await db
    .selectFrom('record_retention')
    .select(['person_record_id', 'regime', 'mopi_group'])
    .where('next_review_on', '<=', options.asOf)
    .orderBy('person_record_id')
    .execute()
  const byRule: Record<string, number> = {}
  let disposed = 0
  let awaitingReview = 0
  for (const row of due) {
    const group = row.mopi_group === null ? null : (Number(row.mopi_group) as MopiGroup)
    if (group !== null && !AUTOMATIC_GROUPS.includes(group)) {
      awaitingReview += 1
      continue
    }
    const rule = group === null ? 'partner' : `mopi-${group}`
    await eraseRecord(db, Number(row.person_record_id), {
      by: null,
      reason: group === null ? 'Partner retention period ended' : `MoPI group ${group} period ended`,
      now: options.now,
      dataDir: options.dataDir,
      event: 'DISPOSE_RECORD',
    }).catch((error: unknown) => {
      // Erased by someone else since the list was read: nothing left to dispose of.
      if ((error as { code?: string }).code !== 'not_found') throw error
    })
    byRule[rule] = (byRule[rule] ?? 0) + 1
    disposed += 1
  }
  return { asOf: options.asOf, disposed, byRule, awaitingReview }
}
