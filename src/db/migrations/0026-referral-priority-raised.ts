import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/** A referral's history may record its priority raised by a graver trigger hit (referrals/priority-escalation.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `alter table referral_event drop constraint referral_event_kind_check`,
    `alter table referral_event add constraint referral_event_kind_check check (kind in ('raised',
      'evidence-added', 'priority-raised', 'accept', 'decline', 'request-information', 'supply-information',
      'assign', 'start', 'note', 'action', 'close', 'refer-on'))`,
  ])
}
