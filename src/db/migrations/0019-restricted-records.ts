import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Restricted records (SECURITY-CHECKLIST A7): restrictions of a person to named users, staff
 * interests (a user who is the person or a relative), break-glass openings and involvement
 * grants, each with the time it ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table person_restriction (
      id bigserial primary key,
      person_id bigint not null references person (id) on delete cascade,
      kind text not null check (kind in ('high-profile', 'staff-member-or-relative', 'high-risk')),
      reason text not null check (length(trim(reason)) > 0),
      set_by uuid not null references app_user (id),
      set_at timestamptz not null,
      last_reviewed_at timestamptz,
      last_reviewed_by uuid references app_user (id),
      review_reason text,
      next_review_at timestamptz not null,
      lifted_at timestamptz,
      lifted_by uuid references app_user (id),
      lift_reason text,
      version integer not null default 1,
      check ((lifted_at is null) = (lifted_by is null))
    )`,
    // One restriction in force per person: a second would leave it unclear whose list applies.
    `create unique index person_restriction_in_force on person_restriction (person_id) where lifted_at is null`,
    `create index person_restriction_review on person_restriction (next_review_at) where lifted_at is null`,
    `create table person_restriction_user (
      restriction_id bigint not null references person_restriction (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      primary key (restriction_id, user_id)
    )`,
    `create table staff_interest (
      id bigserial primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      person_id bigint not null references person (id) on delete cascade,
      relationship text not null check (relationship in ('self', 'relative')),
      declared_by uuid not null references app_user (id),
      declared_at timestamptz not null,
      unique (user_id, person_id)
    )`,
    `create index staff_interest_person on staff_interest (person_id)`,
    `create table break_glass_access (
      id bigserial primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      person_id bigint not null references person (id) on delete cascade,
      restriction_id bigint references person_restriction (id) on delete set null,
      reason text not null check (length(trim(reason)) > 0),
      started_at timestamptz not null,
      expires_at timestamptz not null check (expires_at > started_at)
    )`,
    `create index break_glass_access_user_person on break_glass_access (user_id, person_id, expires_at)`,
    `create table involvement_grant (
      id bigserial primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      person_id bigint not null references person (id) on delete cascade,
      kind text not null check (kind in ('task', 'involved-worker')),
      granted_by uuid not null references app_user (id),
      granted_at timestamptz not null,
      expires_at timestamptz not null check (expires_at > granted_at),
      notice_sent_at timestamptz
    )`,
    `create index involvement_grant_user_person on involvement_grant (user_id, person_id, expires_at)`,
    `create index involvement_grant_notice on involvement_grant (expires_at) where notice_sent_at is null`,
    `grant select, insert, update on person_restriction, staff_interest, involvement_grant to upstream_app`,
    `grant select, insert, delete on person_restriction_user to upstream_app`,
    `grant select, insert on break_glass_access to upstream_app`,
    `grant usage on sequence person_restriction_id_seq, staff_interest_id_seq, break_glass_access_id_seq,
      involvement_grant_id_seq to upstream_app`,
  ])
}
