import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Person identities: the person records of every source linked into people by probabilistic
 * record linkage (src/modules/people/). A linkage run rewrites the links of the records it read;
 * the decisions of reviewers (two records are, or are not, the same person) are kept apart and
 * outlive every run, which must respect them. Households are derived from the linked records'
 * addresses and the dates of their involvements, and rebuilt by each run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table linkage_run (
      id bigserial primary key,
      status text not null check (status in ('running', 'completed', 'failed')),
      started_by uuid references app_user (id),
      started_at timestamptz not null,
      finished_at timestamptz,
      records int not null default 0,
      identities int not null default 0,
      linked_pairs int not null default 0,
      review_pairs int not null default 0,
      threshold double precision not null,
      review_from double precision not null,
      model jsonb,
      error text
    )`,
    `create table person (
      id bigserial primary key,
      display_name text not null,
      date_of_birth date,
      -- When a run merges two identities, the one that goes points at the one that stays, so that
      -- a referral or a bookmark naming it still finds the person.
      merged_into bigint references person (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    // One row a record: the identity the latest run (or a reviewer's decision) put it in.
    `create table person_record_link (
      person_record_id bigint primary key references person_record (id) on delete cascade,
      person_id bigint not null references person (id),
      linkage_run_id bigint not null references linkage_run (id),
      match_probability double precision
    )`,
    `create index person_record_link_person on person_record_link (person_id)`,
    // A pair of records whose match probability fell in the review band, waiting for a person.
    `create table link_review (
      id bigserial primary key,
      linkage_run_id bigint not null references linkage_run (id),
      record_a bigint not null references person_record (id) on delete cascade,
      record_b bigint not null references person_record (id) on delete cascade,
      match_probability double precision not null,
      match_weight double precision not null,
      explanation jsonb not null,
      status text not null default 'open' check (status in ('open', 'decided', 'superseded')),
      check (record_a < record_b)
    )`,
    `create unique index link_review_open_pair on link_review (record_a, record_b) where status = 'open'`,
    `create index link_review_open on link_review (match_probability desc) where status = 'open'`,
    // A reviewer's decision; undoing it keeps the row and ends it, so the history stays whole.
    `create table link_decision (
      id bigserial primary key,
      record_a bigint not null references person_record (id) on delete cascade,
      record_b bigint not null references person_record (id) on delete cascade,
      decision text not null check (decision in ('same', 'different')),
      reason text not null default '',
      decided_by uuid not null references app_user (id),
      decided_at timestamptz not null,
      undone_by uuid references app_user (id),
      undone_at timestamptz,
      check (record_a < record_b)
    )`,
    `create unique index link_decision_current on link_decision (record_a, record_b) where undone_at is null`,
    `create table household (
      id bigserial primary key,
      address_key text not null,
      address text not null,
      postcode text,
      linkage_run_id bigint not null references linkage_run (id)
    )`,
    `create table household_member (
      household_id bigint not null references household (id) on delete cascade,
      person_id bigint not null references person (id),
      present_from date not null,
      present_to date not null,
      child_from date,
      primary key (household_id, person_id)
    )`,
    `create index household_member_person on household_member (person_id)`,
    `grant select, insert, update on linkage_run, person, person_record_link, link_review, link_decision to upstream_app`,
    `grant select, insert, update, delete on household, household_member to upstream_app`,
    `grant usage on sequence linkage_run_id_seq, person_id_seq, link_review_id_seq, link_decision_id_seq,
      household_id_seq to upstream_app`,
  ])
}
