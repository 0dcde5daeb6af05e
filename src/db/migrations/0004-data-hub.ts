import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * The data hub: sources, import runs with their batches and rejections, and incidents.
 * An import batch and its incidents commit in one transaction, so a committed batch row
 * proves its incidents are in, and a resumed run can skip it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table data_source (
      id bigserial primary key,
      kind text not null unique,
      name text not null
    )`,
    `insert into data_source (kind, name) values ('police-uk-street', 'data.police.uk street-level crime')`,
    `create table import_run (
      id bigserial primary key,
      source_kind text not null references data_source (kind),
      file_name text not null,
      file_size bigint not null,
      file_sha256 text not null,
      batch_size integer not null,
      strict boolean not null default false,
      status text not null check (status in ('running', 'completed', 'interrupted', 'failed', 'rejected')),
      message text,
      started_at timestamptz not null,
      finished_at timestamptz,
      rows_read bigint not null default 0,
      rows_inserted bigint not null default 0,
      rows_updated bigint not null default 0,
      rows_rejected bigint not null default 0,
      duration_ms bigint,
      imported_by uuid references app_user (id) on delete set null
    )`,
    `create index import_run_file_sha256 on import_run (file_sha256)`,
    `create table import_batch (
      import_run_id bigint not null references import_run (id) on delete cascade,
      batch_no integer not null,
      rows_read integer not null,
      rows_inserted integer not null,
      rows_updated integer not null,
      rows_rejected integer not null,
      committed_at timestamptz not null,
      primary key (import_run_id, batch_no)
    )`,
    `create table import_rejection (
      id bigserial primary key,
      import_run_id bigint not null references import_run (id) on delete cascade,
      row_number bigint not null,
      column_name text,
      value_excerpt text,
      reason text not null
    )`,
    `create index import_rejection_run on import_rejection (import_run_id, row_number)`,
    `create table incident (
      id bigserial primary key,
      kind text not null check (kind in ('crime', 'anti-social-behaviour')),
      source_kind text not null references data_source (kind),
      import_run_id bigint not null references import_run (id),
      natural_key text not null unique,
      crime_id text,
      month date not null check (extract(day from month) = 1),
      category_code text not null,
      category_label text not null,
      last_outcome_code text,
      last_outcome_label text,
      reported_by text,
      falls_within text,
      longitude double precision,
      latitude double precision,
      location_text text,
      lsoa_code text,
      lsoa_name text,
      h3_res7 text,
      h3_res8 text,
      h3_res9 text,
      harm_weight numeric not null default 1,
      context text
    )`,
    `create index incident_month_category on incident (month, category_code)`,
    `create index incident_import_run on incident (import_run_id)`,
    `grant select, insert, update on data_source, import_run, import_batch, import_rejection, incident to upstream_app`,
    `grant usage on sequence data_source_id_seq, import_run_id_seq, import_rejection_id_seq, incident_id_seq to upstream_app`,
  ])
}
