import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * A record of each run of the live trigger rules over every person's timeline: when, as of which
 * day, what it found and raised, and the rules it had to stop (a rule that fails on a timeline
 * is stopped and reported; the others carry on). The hits themselves are the referrals' evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table trigger_run (
      id bigserial primary key,
      status text not null check (status in ('running', 'completed', 'failed')),
      as_of date not null,
      started_by uuid references app_user (id),
      started_at timestamptz not null,
      finished_at timestamptz,
      people int not null default 0,
      hits int not null default 0,
      referrals_raised int not null default 0,
      evidence_added int not null default 0,
      hits_by_rule jsonb not null default '{}',
      stopped_rules jsonb not null default '[]',
      -- Hits no team could take (no team covers the person's area): kept so that nobody is missed.
      unrouted jsonb not null default '[]',
      error text
    )`,
    `grant select, insert, update on trigger_run to upstream_app`,
    `grant usage on sequence trigger_run_id_seq to upstream_app`,
  ])
}
