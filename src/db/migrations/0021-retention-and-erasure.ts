import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Review, retention and disposal of person records (checklist C4) and their erasure (C5): each
 * record's MoPI group or partner period and next review date, the decisions of reviewers, and the
 * tombstones that say a person or record was erased, by whom, when and why, with nothing personal
 * but a hash that stops a later import bringing an erased record back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    // How long a partner's records are kept, and which source systems' person records came under it.
    `alter table sharing_agreement add column retention_months integer not null default 72
      check (retention_months between 1 and 1200)`,
    `alter table sharing_agreement add column source_systems text[] not null default '{}'`,
    `create table record_retention (
      person_record_id bigint primary key references person_record (id) on delete cascade,
      regime text not null check (regime in ('mopi', 'partner')),
      mopi_group smallint check (mopi_group between 1 and 4),
      sharing_agreement_id uuid references sharing_agreement (id) on delete set null,
      clear_from date not null,
      next_review_on date not null,
      -- A reviewer's "retain" keeps the record at least until this day, whatever the schedule says.
      retained_until date,
      assessed_at timestamptz not null,
      version integer not null default 1,
      check ((regime = 'mopi') = (mopi_group is not null))
    )`,
    `create index record_retention_due on record_retention (next_review_on)`,
    `create table retention_decision (
      id bigserial primary key,
      person_record_id bigint not null references person_record (id) on delete cascade,
      decision text not null check (decision in ('retain', 'dispose')),
      rationale text not null default '',
      next_review_on date,
      decided_by uuid not null references app_user (id),
      decided_at timestamptz not null,
      check (decision <> 'retain' or (rationale <> '' and next_review_on is not null))
    )`,
    `create index retention_decision_record on retention_decision (person_record_id)`,
    `create table erasure_tombstone (
      id bigserial primary key,
      subject_kind text not null check (subject_kind in ('person', 'person_record')),
      subject_id bigint not null,
      -- sha256 of source system and person ID (records only): a re-import of the record is skipped.
      source_key_sha256 text,
      erased_at timestamptz not null,
      erased_by uuid references app_user (id) on delete set null,
      reason text not null check (reason <> ''),
      unique (subject_kind, subject_id)
    )`,
    `create index erasure_tombstone_source_key on erasure_tombstone (source_key_sha256)
      where source_key_sha256 is not null`,
    `grant select, insert, update, delete on record_retention, retention_decision to upstream_app`,
    `grant select, insert on erasure_tombstone to upstream_app`,
    `grant delete on person_record, person_involvement, person, person_record_link, link_review, link_decision,
      mail_outbox to upstream_app`,
    `grant usage on sequence retention_decision_id_seq, erasure_tombstone_id_seq to upstream_app`,
  ])
}
