import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Analysis runs: what was asked (method, parameters, filter), what it read (the input and the
 * version of the data), how it went (status, progress, timings) and the result, so a number on a
 * page can be traced to the imports behind it and re-run. A completed run is reused when the
 * same method, parameters and filter meet the same data version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table analysis_run (
      id bigserial primary key,
      method text not null,
      parameters jsonb not null,
      filter jsonb,
      input text not null,
      input_detail jsonb not null default '{}',
      data_version text not null,
      status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
      progress double precision not null default 0 check (progress between 0 and 1),
      stage text,
      -- json, not jsonb: the result is kept as the method wrote it, keys in their order.
      result json,
      error text,
      started_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      duration_ms bigint
    )`,
    // Reuse looks for a completed run of the same method on the same data version.
    `create index analysis_run_reuse on analysis_run (method, data_version) where status = 'completed'`,
    `grant select, insert, update on analysis_run to upstream_app`,
    `grant usage on sequence analysis_run_id_seq to upstream_app`,
  ])
}
